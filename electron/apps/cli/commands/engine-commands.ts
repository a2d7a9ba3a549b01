import type { Command } from 'commander';
import { MAX_DATE_MS } from '../../../../shared/durations.js';
import { BadRequestError } from '../../../core/errors.js';
import type { CliContext } from '../cli-context.js';
import { UNATTENDED } from '../cli-core.js';
import { existingId } from '../existing-id.js';
import { EXIT } from '../exit-codes.js';
import { isoTime } from '../output.js';
import { recoveryKeyFrom } from '../secrets.js';
import { inWords, renderStatus } from './status-text.js';
import { followingStandbyStatus, renderStandbyStatus } from './standby-status.js';
import { FILE_KEY_WARNING } from '../../../node/device-key-store.js';
import { prepareStatus } from '../../../core/schedule/status.js';
import { ownerStatus } from '../../../core/api/owner-status.js';

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
        // Read from the core as the method `status.get` reads it for the owner, without loading
        // the router and every method's schemas for a command run often from scripts.
        await ctx.withCore(async (core) => ownerStatus(core), UNATTENDED, {
          whileUnlocking: (vault) => prepareStatus(vault.db, ctx.clock),
        }),
      );
      ctx.out.result(report, () => renderStatus(report));
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
