import type { AppCore } from '../../core/api/app-core.js';
import {
  SessionExpiredError,
  SessionInvalidError,
  parseSessionToken,
  sessionIdOf,
  type SessionTimes,
} from '../../core/vault/session-record.js';
import type { CliSessionStore } from '../../node/cli-session-store.js';

/** AFTERWORD_SESSION, with where its record is and the clocks it is checked against. */
export interface SessionSignIn {
  token: string;
  store: CliSessionStore;
  times: () => SessionTimes;
  /** AFTERWORD_PASSWORD is set too: a session that does not work gives way to it, saying why. */
  passwordStandsIn: boolean;
  note: (text: string) => void;
}

/** Why a session key finds no record for this vault: another vault's, or none on this machine. */
async function whyNoRecord(store: CliSessionStore, sessionId: string): Promise<string> {
  const elsewhere = (await store.list()).find((entry) => entry.sessionId === sessionId);
  return elsewhere
    ? `it is a session of another vault (${elsewhere.vaultId})`
    : 'no such session is open on this computer (it ended: afterword lock, its time ran out, or a new password)';
}

async function openSession(core: AppCore, session: SessionSignIn): Promise<void> {
  const key = parseSessionToken(session.token);
  const sessionId = sessionIdOf(key);
  try {
    const vaultId = (await core.open()).vaultId;
    const record = await session.store.read(vaultId, sessionId);
    if (!record) throw new SessionInvalidError(await whyNoRecord(session.store, sessionId));
    try {
      await core.signInWithSession(record, key, session.times());
    } catch (error) {
      // An ended session's copy of the key has no use any more.
      if (error instanceof SessionExpiredError) await session.store.remove(vaultId, sessionId);
      throw error;
    }
  } finally {
    key.fill(0);
  }
}

/**
 * Proves the owner with AFTERWORD_SESSION instead of the password (no KDF). A session that does
 * not work is an error (SESSION_EXPIRED, SESSION_INVALID: exit 2), unless AFTERWORD_PASSWORD is set
 * as well: then this says why on stderr and returns false, and the password is used.
 */
export async function signInWithSession(core: AppCore, session: SessionSignIn): Promise<boolean> {
  try {
    await openSession(core, session);
    return true;
  } catch (error) {
    const sessionProblem = error instanceof SessionExpiredError || error instanceof SessionInvalidError;
    if (!sessionProblem || !session.passwordStandsIn) throw error;
    session.note(
      `afterword: warning: ${error.message.replace(/; run eval .*$/, '')}; using AFTERWORD_PASSWORD instead`,
    );
    return false;
  }
}
