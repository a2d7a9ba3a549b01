import type { Command } from 'commander';
import type { Engine } from '../../../core/engine.js';
import { VaultBusyError } from '../../../core/errors.js';
import type { CliContext } from '../cli-context.js';
import { UNATTENDED } from '../cli-core.js';
import { holdVault } from '../hold-vault.js';
import { isoTime } from '../output.js';

type PassReport = Awaited<ReturnType<Engine['runOnce']>>;

/**
 * The scheduler's commands: one pass from cron (`tick`) or a pass every minute (`run`). They call
 * the engine as the app's scheduler does, not a method of the contract, so that a cron `tick`
 * every minute does not load the router and the schemas of every method.
 */
export function registerSchedulerCommands(program: Command, context: () => CliContext): void {
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
        .withCore(async (core, caller) => {
          try {
            return await core.runSchedulerPass(caller.transport);
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
        onRun: ({ tick, drain }: PassReport) => {
          for (const t of tick.transitions)
            ctx.out.note(`${isoTime(tick.at)} ${t.planId}: ${t.from} → ${t.to} (${t.reason})`);
          if (drain.attempted > 0)
            ctx.out.note(
              `${isoTime(tick.at)} outbox: ${drain.sent} sent, ${drain.retrying} to retry, ${drain.failed} failed`,
            );
        },
        onError: (error: unknown) => ctx.out.note(`afterword: tick failed: ${(error as Error).message}`),
      };
      // The core's scheduler ticks while this waits; it finishes what is in flight before closing.
      await ctx
        .withCore(
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
}
