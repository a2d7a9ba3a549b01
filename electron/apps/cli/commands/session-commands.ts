import type { Command } from 'commander';
import { DurationError, formatDuration, parseDuration } from '../../../../shared/durations.js';
import { BadRequestError } from '../../../core/errors.js';
import { Vault } from '../../../core/vault/vault.js';
import {
  DEFAULT_SESSION_MS,
  MAX_SESSION_MS,
  newSessionKey,
  parseSessionToken,
  sessionIdOf,
} from '../../../core/vault/session-record.js';
import type { AppCore } from '../../../core/api/app-core.js';
import type { CliContext } from '../cli-context.js';
import { isoTime } from '../output.js';
import { currentPassword } from '../secrets.js';

/** --timeout: a duration as plans write them, one minute to MAX_SESSION_MS. */
function sessionLength(text: string): number {
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch (error) {
    if (error instanceof DurationError) throw new BadRequestError(`--timeout: ${error.message}`);
    throw error;
  }
  if (ms > MAX_SESSION_MS) {
    throw new BadRequestError(
      `--timeout: a session lasts at most ${formatDuration(MAX_SESSION_MS)}; for commands that must run without you (cron), use afterword unattended enable`,
    );
  }
  return ms;
}

/** The session id in AFTERWORD_SESSION, if it holds a session key at all. */
function sessionIdInEnv(ctx: CliContext): string | undefined {
  const token = ctx.env.AFTERWORD_SESSION;
  if (!token) return undefined;
  try {
    return sessionIdOf(parseSessionToken(token));
  } catch {
    return undefined;
  }
}

/** The vault's id, read without a secret (and without the device key's unlock that AppCore.open makes). */
async function vaultIdOf(ctx: CliContext): Promise<string> {
  const vault = await Vault.open(ctx.vaultDir, ctx.vaultDeps());
  try {
    return vault.vaultId;
  } finally {
    await vault.close();
  }
}

/**
 * A new password ended the vault's sessions already (they are bound to the key wraps): their stored
 * copies go too.
 */
export async function endSessions(ctx: CliContext, core: AppCore): Promise<void> {
  await ctx.sessionStore().end({ vaultId: core.vaultOrThrow().vaultId, times: ctx.sessionTimes() });
}

export function registerSessionCommands(program: Command, context: () => CliContext): void {
  program
    .command('unlock')
    .description(
      'begin a terminal session: prints export AFTERWORD_SESSION=… (use eval "$(afterword unlock)"); commands then need no password until it ends',
    )
    .option('--timeout <duration>', 'how long it lasts, e.g. 2h (at most 1d)', formatDuration(DEFAULT_SESSION_MS))
    .action(async (opts: { timeout: string }) => {
      const ctx = context();
      const lengthMs = sessionLength(opts.timeout);
      // Always the password: a session never makes another one, so it cannot be drawn out for ever.
      const password = await currentPassword(ctx.env);
      const store = ctx.sessionStore();
      const { token, expiresAt } = await ctx.withRouter(
        async (_rpc, core) => {
          // The session key is the CLI's own business: it never crosses the contract.
          const vault = core.vaultOrThrow();
          await store.end({ vaultId: vault.vaultId, times: ctx.sessionTimes(), onlyOver: true });
          const session = newSessionKey();
          const record = vault.beginSession(session.key, ctx.sessionTimes(), lengthMs);
          session.key.fill(0);
          await store.write(record);
          return { token: session.token, expiresAt: record.expiresAt };
        },
        { by: 'password', password },
      );
      ctx.out.note(
        `afterword: session open until ${isoTime(expiresAt)} (${formatDuration(lengthMs)}); afterword lock ends it`,
      );
      if (!ctx.out.json && process.stdout.isTTY)
        ctx.out.note('afterword: to set it in this shell, run: eval "$(afterword unlock)"');
      ctx.out.result({ session: token, expiresAt: new Date(expiresAt).toISOString() }, () => {
        return `export AFTERWORD_SESSION=${token}`;
      });
    });

  program
    .command('lock')
    .description("end this vault's terminal sessions on this computer (their stored copies of the key are deleted)")
    .action(async () => {
      const ctx = context();
      const vaultId = await vaultIdOf(ctx);
      const running = await ctx
        .sessionStore()
        .end({ vaultId, sessionId: sessionIdInEnv(ctx), times: ctx.sessionTimes() });
      ctx.out.result({ wasOpen: running > 0, ended: running }, () =>
        running > 0
          ? `Locked: ${running === 1 ? 'the session is' : `${running} sessions are`} over; commands need the password again (you may unset AFTERWORD_SESSION).`
          : 'No session was open.',
      );
    });
}
