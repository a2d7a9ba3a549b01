import { join } from 'node:path';
import { sqliteConnection } from '../../core/db/sqlite-addon.js';
import { assertScryptParamsAcceptable } from '../../core/crypto/kdf.js';
import { passwordHeadStartPending, startPasswordKek } from '../../core/vault/password-head-start.js';
import { DATABASE_FILE, resolveVaultDir } from '../../core/vault/vault-paths.js';
import { commandWord } from './command-word.js';
import { wantsPasswordHeadStart } from './password-head-start-wanted.js';

type Env = Readonly<Record<string, string | undefined>>;

function vaultFlag(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return undefined;
    if (arg === '--vault') return argv[i + 1];
    if (arg.startsWith('--vault=')) return arg.slice('--vault='.length);
  }
  return undefined;
}

export interface HeadStartHandle {
  /** Whether the derivation is still waiting for an unwrap to take it. */
  unused: () => boolean;
}

let started: HeadStartHandle | undefined;

interface PasswordWrap {
  kdf: string;
  params: string;
}

/**
 * Reads the password wrap's salt and cost (read-only, nothing written) and starts the KDF.
 * Anything unusual (no vault, an old schema, a cost below the floor or absurd) starts nothing:
 * the command opens the vault itself and says what is wrong.
 */
export function startPasswordHeadStart(argv: readonly string[], env: Env): HeadStartHandle {
  // Once per process: the launcher may have begun it already (see startPasswordHeadStartFor).
  if (started) return started;
  started = { unused: passwordHeadStartPending };
  try {
    const file = join(resolveVaultDir(vaultFlag(argv), env), DATABASE_FILE);
    // The driver's addon is loaded here, by the first connection, not when this file loads: the
    // launcher loads this file for every command run with a password in the environment, `--help`
    // and `init` included.
    const db = sqliteConnection(file, { readonly: true, fileMustExist: true });
    let wrap: PasswordWrap | undefined;
    try {
      wrap = db.prepare("SELECT kdf, params FROM key_wraps WHERE kind = 'password'").get() as PasswordWrap | undefined;
    } finally {
      db.close();
    }
    if (wrap?.kdf === 'scrypt') {
      const { logN, r, p, salt } = JSON.parse(wrap.params) as { logN: number; r: number; p: number; salt: unknown };
      assertScryptParamsAcceptable({ logN, r, p });
      if (typeof salt === 'string' && /^(?:[0-9a-f]{2}){16,}$/.test(salt))
        void startPasswordKek(env.AFTERWORD_PASSWORD!, salt, { logN, r, p });
    }
  } catch {
    // as above: the command's own open reports it
  }
  return started;
}

/**
 * For bin/afterword.js, before the command parser loads (this file is an entry of the bundle of
 * its own, dist/cli/password-head-start.js): starts the KDF when `argv` is a command that signs in.
 */
export function startPasswordHeadStartFor(argv: readonly string[], env: Env): HeadStartHandle | null {
  return wantsPasswordHeadStart(commandWord(argv), argv, env) ? startPasswordHeadStart(argv, env) : null;
}
