import { holdVault } from '../hold-vault.js';
import type { Command } from 'commander';
import { MAX_DATE_MS } from '../../../../shared/durations.js';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import { BadRequestError, VaultBusyError } from '../../../core/errors.js';
import { existingId, type Access, type CliContext } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';
import { isoTime } from '../output.js';
import { recoveryKeyFrom } from '../secrets.js';
import { inWords, renderStatus } from './status-text.js';
import { followingStandbyStatus, renderStandbyStatus } from './standby-status.js';
import { FILE_KEY_WARNING } from '../../../node/device-key-store.js';
import { prepareStatus } from '../../../core/schedule/status.js';

/** The scheduler's commands run from cron too: the device key stands in for the password when it is on. */
const UNATTENDED: Access = { by: 'unattended' };

function parseDate(text: string): number {
  const at = Date.parse(text);
  if (Number.isNaN(at))
    throw new BadRequestError(`"${text}" is not a date: write it like 2027-01-15 or 2027-01-15T08:00`);
  return at;
}

export function registerEngineCommands(program: Command, context: () => CliContext): void {
  program
    .command('checkin')
    .description("I'm here: every plan starts its interval again")
    .action(async () => {
      const ctx = context();
      const { transitions } = await ctx.withRouter((rpc) => rpc('checkin', {}), UNATTENDED);
      ctx.out.result({ ok: true, plans: transitions }, () => `Checked in at ${isoTime(ctx.clock.now())}. Thank you.`);
    });

  program
    .command('pause')
    .description('pause every plan until a date (vacation)')
    .requiredOption('--until <date>', 'e.g. 2027-01-15')
    .action(async (opts: { until: string }) => {
      const ctx = context();
      const until = parseDate(opts.until);
      if (until <= ctx.clock.now()) throw new BadRequestError('--until must be in the future');
      // A date past the contract's range lies past any pause the core allows too: it says so.
      const { transitions } = await ctx.withRouter(
        (rpc) => rpc('plans.pause', { until: Math.min(until, MAX_DATE_MS) }),
        UNATTENDED,
      );
      ctx.out.result(
        { ok: true, until: new Date(until).toISOString(), plans: transitions },
        () => `Paused until ${isoTime(until)}.`,
      );
    });

  program
    .command('resume')
    .description('resume paused or stopped plans')
    .action(async () => {
      const ctx = context();
      const { transitions } = await ctx.withRouter((rpc) => rpc('plans.resume', {}), UNATTENDED);
      ctx.out.result({ ok: true, plans: transitions }, () => `Resumed ${transitions.length} plan(s).`);
    });

  program
    .command('stop')
    .description('emergency stop: nothing is warned or delivered until resume (needs the recovery key)')
    .requiredOption(
      '--recovery-key <key>',
      'the recovery key shown at init (- : read it from the terminal or standard input)',
    )
    .action(async (opts: { recoveryKey: string }) => {
      const ctx = context();
      const recoveryKey = await recoveryKeyFrom(opts.recoveryKey);
      const { transitions } = await ctx.withRouter((rpc) => rpc('plans.stop', { recoveryKey }), {
        by: 'recoveryKey',
        recoveryKey,
      });
      ctx.out.result(
        { ok: true, plans: transitions },
        () => `Stopped ${transitions.length} plan(s). Run \`afterword resume\` to start again.`,
      );
    });

  program
    .command('status')
    .description('per plan: state, level, next action and when; outbox; last tick')
    .action(async () => {
      const ctx = context();
      // A standby that follows has no vault here yet: what its runner last saw instead.
      const following = await followingStandbyStatus(ctx.vaultDir, ctx.clock.now());
      if (following) return ctx.out.result(following, () => renderStandbyStatus(following));
      const report = inWords(
        await ctx.withRouter((rpc) => rpc('status.get', {}), UNATTENDED, { whileUnlocking: prepareStatus }),
      );
      ctx.out.result(report, () => renderStatus(report));
    });

  program
    .command('tick')
    .description('one scheduler pass and outbox drain, then exit (run it from system cron)')
    .action(async () => {
      const ctx = context();
      // The desktop app, `serve` or `run` already ticks this vault every minute: this one steps
      // aside. Not for a holder that cannot send (an app waiting for the password after a reboot):
      // then this pass runs, or nothing would go out at all.
      const lock = await holdVault(ctx, 'tick').catch((error: unknown) => {
        if (error instanceof VaultBusyError) return error;
        throw error;
      });
      if (lock instanceof VaultBusyError && lock.holder.scheduling) {
        ctx.out.result({ skipped: true, heldBy: lock.holder }, () => `Nothing done: ${lock.message}.`);
        return;
      }
      if (lock instanceof VaultBusyError)
        ctx.out.note(
          `afterword: ${lock.holder.program} (pid ${lock.holder.pid}) holds this vault but is not sending (locked): ticking from here`,
        );
      const held = lock instanceof VaultBusyError ? null : lock;
      // The lock goes as soon as the pass is done: closing then waits for an automatic backup
      // push, and the next tick, `serve` or `run` must not wait for the bucket (the bucket's push
      // lock keeps pushes apart).
      const result = await ctx
        .withRouter(async (rpc) => {
          try {
            return await rpc('scheduler.tick', {});
          } finally {
            await held?.release();
          }
        }, UNATTENDED)
        .finally(() => held?.release());
      ctx.out.result(result, () =>
        [
          ...result.tick.transitions.map((t) => `${t.planId}: ${t.from} → ${t.to} (${t.reason})`),
          `Outbox: ${result.drain.sent} sent, ${result.drain.retrying} to retry, ${result.drain.failed} failed.`,
        ].join('\n'),
      );
    });

  program
    .command('run')
    .description('keep running: tick every minute and send what is due (Ctrl-C or SIGTERM stops cleanly)')
    .option('--cron <expression>', 'node-cron schedule', '* * * * *')
    .action(async (opts: { cron: string }) => {
      const ctx = context();
      ctx.longRunning = true;
      const lock = await holdVault(ctx, 'run');
      const schedule = {
        cron: opts.cron,
        onRun: ({ tick, drain }: MethodOutput<'scheduler.tick'>) => {
          for (const t of tick.transitions)
            ctx.out.note(`${isoTime(tick.at)} ${t.planId}: ${t.from} → ${t.to} (${t.reason})`);
          if (drain.attempted > 0)
            ctx.out.note(
              `${isoTime(tick.at)} outbox: ${drain.sent} sent, ${drain.retrying} to retry, ${drain.failed} failed`,
            );
        },
        onError: (error: unknown) => ctx.out.note(`afterword: tick failed: ${(error as Error).message}`),
      };
      // The router's scheduler ticks while this waits; it finishes what is in flight before closing.
      await ctx
        .withRouter(
          async () => {
            ctx.out.note(`Afterword is running on ${ctx.vaultDir} (${opts.cron}). Stop with Ctrl-C.`);
            await new Promise<void>((resolve) => {
              const stop = (): void => resolve();
              process.once('SIGINT', stop);
              process.once('SIGTERM', stop);
            });
            ctx.out.note('Stopping: finishing what is in flight…');
          },
          UNATTENDED,
          { schedule },
        )
        .finally(() => lock.release());
      ctx.out.result({ stopped: true }, () => 'Stopped.');
    });

  program
    .command('test-send <messageId>')
    .description('deliver this message to yourself (the owner) only')
    .action(async (messageId: string) => {
      const ctx = context();
      const reply = await ctx.withRouter(
        (rpc) => rpc('messages.testSend', { id: existingId('message', messageId) }),
        UNATTENDED,
      );
      // The CLI's shape, kept for scripts that read it.
      const result = {
        drain: reply.drain,
        state: reply.state,
        error: reply.state === 'failed' ? reply.response : null,
      };
      ctx.out.result(result, () =>
        result.state === 'sent'
          ? 'Sent to you. Check your mailbox.'
          : result.state === 'elsewhere'
            ? 'Afterword running elsewhere (the app or a runner) is sending it now. Check your mailbox.'
            : `Not sent: ${result.error}`,
      );
      if (result.state === 'failed') process.exitCode = EXIT.usage;
    });

  const unattended = program
    .command('unattended')
    .description('deliver after a restart without the password (device key in the OS key store)');
  unattended
    .command('enable')
    .description('keep a device key so `afterword tick` runs without the password')
    .action(async () => {
      const ctx = context();
      const { where, fallbackReason } = await ctx.deviceKeyStore();
      await ctx.withRouter((rpc) => rpc('vault.setUnattended', { enabled: true }));
      await ctx.warnIfKeyInFile();
      if (!fallbackReason) {
        ctx.out.note(
          'The OS key store must be unlocked for unattended delivery: after a reboot, that is once you log in. ' +
            'On a machine nobody logs in to (a server, a headless runner), enable it with AFTERWORD_KEY_STORE=file instead.',
        );
      }
      ctx.out.result({ enabled: true }, () => `Unattended delivery is on: the device key is in ${where}.`);
    });
  unattended
    .command('disable')
    .description('remove the device key')
    .action(async () => {
      const ctx = context();
      await ctx.withRouter((rpc) => rpc('vault.setUnattended', { enabled: false }));
      ctx.out.result(
        { enabled: false },
        () =>
          'Unattended delivery is off: after a restart, warnings and deliveries wait until the vault is unlocked once.',
      );
    });
  unattended
    .command('status')
    .description('is unattended delivery on?')
    .action(async () => {
      const ctx = context();
      const { unattended: status } = await ctx.withRouter((rpc) => rpc('vault.status', {}), { by: 'none' });
      const { store, where, fallbackReason } = await ctx.deviceKeyStore();
      const keyStore = { backend: store.backend, where, fallbackReason };
      ctx.out.result({ ...status, keyStore }, () =>
        [
          status.enabled ? `on (${status.backend})` : 'off',
          `Device keys on this machine go to ${where}${fallbackReason ? ` (no OS key store: ${fallbackReason})` : ''}.`,
          ...(fallbackReason ? [`Warning: ${FILE_KEY_WARNING}.`] : []),
        ].join('\n'),
      );
    });
}
