import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { currentPassword } from '../secrets.js';

/** How the status reads to people. */
function describeStatus(status: { enabled: boolean; pending: boolean; recoveryCodesLeft: number }): string {
  if (status.enabled) {
    return `Two-step sign-in is on: signing in to the runner (afterword serve) needs a code besides the password. Recovery codes left: ${status.recoveryCodesLeft}.`;
  }
  if (status.pending)
    return 'Two-step sign-in is being set up in the app and waits for its first code; it is not on yet.';
  return 'Two-step sign-in is off: the password alone signs in to the runner.';
}

export function registerMfaCommands(program: Command, context: () => CliContext): void {
  const mfa = program
    .command('mfa')
    .description(
      "two-step sign-in: a code from an authenticator app besides the password, for the runner's web sign-in",
    );

  mfa
    .command('enable')
    .description(
      'turn it on: prints the secret, its otpauth:// URI and 10 one-time recovery codes (shown only this once)',
    )
    .action(async () => {
      const ctx = context();
      const enrolment = await ctx.withRouter((rpc) => rpc('mfa.enable', { confirm: false }));
      ctx.out.result(enrolment, () =>
        [
          'Two-step sign-in is on. Signing in to the runner (afterword serve) now needs a code from your',
          'authenticator app besides the password; this computer (the app, the CLI) needs the password only.',
          '',
          'Add this to your authenticator app (as a QR code: qrencode -t ansiutf8 "<the URI>"):',
          '',
          `    secret: ${enrolment.secret}`,
          `    URI:    ${enrolment.uri}`,
          '',
          'Recovery codes (shown only this once; each works once, instead of a code, if you lose the phone):',
          '',
          ...enrolment.recoveryCodes.map((code) => `    ${code}`),
        ].join('\n'),
      );
    });

  mfa
    .command('disable')
    .description('turn it off: the password alone signs in to the runner again')
    .action(async () => {
      const ctx = context();
      const password = await currentPassword(ctx.env);
      const status = await ctx.withRouter(
        async (rpc) => {
          const before = await rpc('mfa.status', {});
          if (!before.enabled && !before.pending) return null;
          return rpc('mfa.disable', { password });
        },
        { by: 'password', password },
      );
      ctx.out.result(status ?? { enabled: false, pending: false, recoveryCodesLeft: 0 }, () =>
        status
          ? 'Two-step sign-in is off: the password alone signs in to the runner.'
          : 'Two-step sign-in was already off.',
      );
    });

  mfa
    .command('status')
    .description('whether it is on, and how many recovery codes are left')
    .action(async () => {
      const ctx = context();
      const status = await ctx.withRouter((rpc) => rpc('mfa.status', {}));
      ctx.out.result(status, () => describeStatus(status));
    });
}
