import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { newPassword, currentPassword, recoveryKeyFrom } from '../secrets.js';
import { VaultExistsError } from '../../../core/vault/vault-errors.js';
import { EXIT } from '../exit-codes.js';
import { endSessions, registerSessionCommands } from './session-commands.js';

export function registerVaultCommands(program: Command, context: () => CliContext): void {
  program
    .command('init')
    .description('create a vault with the default warning plan; prints the recovery key once')
    .option('--unattended', 'keep a device key so `afterword tick` can deliver without the password')
    .action(async (opts: { unattended?: boolean }) => {
      const ctx = context();
      const password = await newPassword(ctx.env, 'AFTERWORD_PASSWORD');
      const { recoveryKey } = await ctx.withRouter(
        async (rpc) => {
          if ((await rpc('vault.status', {})).exists) throw new VaultExistsError(ctx.vaultDir);
          const created = await rpc('vault.create', { password });
          if (opts.unattended) await rpc('vault.setUnattended', { enabled: true });
          return created;
        },
        { by: 'creating' },
      );
      if (opts.unattended) await ctx.warnIfKeyInFile();
      ctx.out.result({ vaultDir: ctx.vaultDir, recoveryKey }, () =>
        [
          `Vault created in ${ctx.vaultDir}`,
          '',
          'Your recovery key (shown only this once — write it down and keep it somewhere safe):',
          '',
          `    ${recoveryKey}`,
          '',
          'It opens the vault if you forget the password: afterword recover --recovery-key KEY',
        ].join('\n'),
      );
    });

  program
    .command('passwd')
    .description('change the password (AFTERWORD_PASSWORD = current, AFTERWORD_NEW_PASSWORD = new)')
    .action(async () => {
      const ctx = context();
      const current = await currentPassword(ctx.env);
      const next = await newPassword(ctx.env);
      await ctx.withRouter(
        async (rpc, core) => {
          await rpc('vault.changePassword', { currentPassword: current, newPassword: next });
          await endSessions(ctx, core);
        },
        { by: 'password', password: current },
      );
      ctx.out.result({ ok: true }, () => 'Password changed. The recovery key still works.');
    });

  program
    .command('recover')
    .description('set a new password using the recovery key (new password from AFTERWORD_NEW_PASSWORD)')
    .requiredOption(
      '--recovery-key <key>',
      'the recovery key shown at init (- : read it from the terminal or standard input)',
    )
    .action(async (opts: { recoveryKey: string }) => {
      const ctx = context();
      const recoveryKey = await recoveryKeyFrom(opts.recoveryKey);
      const next = await newPassword(ctx.env);
      await ctx.withRouter(
        async (rpc, core) => {
          await rpc('vault.recover', { recoveryKey, newPassword: next });
          await endSessions(ctx, core);
        },
        { by: 'none' },
      );
      ctx.out.result({ ok: true }, () => 'New password set. Your messages are unchanged.');
    });

  const audit = program.command('audit').description('the tamper-evident activity log');
  audit
    .command('verify')
    .description('check the hash chain; exit 3 when it is broken')
    .action(async () => {
      const ctx = context();
      const { ok, problems } = await ctx.withRouter((rpc) => rpc('audit.verify', {}));
      ctx.out.result({ ok, problems }, () =>
        ok
          ? 'The audit log is intact.'
          : [
              'The audit log has been tampered with:',
              ...problems.map((p) => `  row ${p.seq ?? '-'}: ${p.problem}`),
            ].join('\n'),
      );
      if (!ok) process.exitCode = EXIT.integrity;
    });

  program
    .command('doctor')
    .description('check the database and every blob; exit 3 when anything is wrong')
    .action(async () => {
      const ctx = context();
      const report = await ctx.withRouter((rpc) => rpc('vault.doctor', {}));
      ctx.out.result(report, () =>
        [
          report.ok ? 'Everything checks out.' : 'Problems found:',
          ...report.problems.map((p) => `  ✗ ${p}`),
          ...report.warnings.map((w) => `  ! ${w}`),
        ].join('\n'),
      );
      if (!report.ok) process.exitCode = 3;
    });

  program
    .command('bench')
    .description('run the benchmarks (also `npm run bench`)')
    .option('--quick', 'smaller sizes, for a smoke run')
    .option('--only <section>', 'run one section on its own (ui-list, backup, mail, cli-start)')
    .action(async (opts: { quick?: boolean; only?: string }) => {
      const ctx = context();
      const options = { json: Boolean(ctx.options.json), quick: Boolean(opts.quick) };
      if (opts.only !== undefined) {
        const { runBenchSection } = await import('../../bench/run-section.js');
        await runBenchSection(opts.only, options);
        return;
      }
      const { runBenchmarks } = await import('../../bench/run-benchmarks.js');
      await runBenchmarks(options);
    });

  registerSessionCommands(program, context);
}
