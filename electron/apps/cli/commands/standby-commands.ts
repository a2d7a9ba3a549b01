import type { Command } from 'commander';
import { initStandby } from '../../../core/standby/standby-setup.js';
import { s3ObjectStores } from '../../../node/lazy-s3-object-store.js';
import type { CliContext } from '../cli-context.js';
import { isoTime, table } from '../output.js';
import { bucketTarget, withBucketOptions, type BucketFlags } from './backup-commands.js';

const REVOCATION_LIMIT =
  'A standby that already unwrapped the vault key, or copied snapshots, keeps what it has: only a new vault key would stop it reading future backups.';

export function registerStandbyCommands(program: Command, context: () => CliContext): void {
  const standby = program
    .command('standby')
    .description('standby machines that follow the backup bucket and take over only when this one goes silent');

  withBucketOptions(
    standby
      .command('init')
      .description(
        'on the standby machine: make its identity and print the pairing code (--vault DIR: its own folder); --json {code, fingerprint}',
      ),
  ).action(async (flags: BucketFlags) => {
    const ctx = context();
    const target = await bucketTarget(flags, ctx.env);
    const { store: keyStore } = await ctx.deviceKeyStore();
    const code = await initStandby(ctx.vaultDir, target, { keyStore, clock: ctx.clock, stores: s3ObjectStores });
    await ctx.warnIfKeyInFile();
    ctx.out.result({ code: code.recipient, fingerprint: code.fingerprint }, () =>
      [
        `This standby's pairing code (its public key; nothing secret):`,
        `  ${code.recipient}`,
        `Fingerprint: ${code.fingerprint}`,
        '',
        'On the primary: afterword standby add --name NAME --code THE-CODE (or Backup → Standby),',
        'and check that it shows this same fingerprint.',
      ].join('\n'),
    );
  });

  standby
    .command('add')
    .description('on the primary: give a standby the vault key (wrapped to its code, signed) in the backup bucket')
    .requiredOption('--name <name>', 'a short name: lower-case letters, digits and dashes (e.g. nas)')
    .requiredOption('--code <code>', 'the age1… pairing code `afterword standby init` printed on the standby')
    .action(async (opts: { name: string; code: string }) => {
      const ctx = context();
      const { standby: added } = await ctx.withRouter((rpc) => rpc('standby.add', opts));
      ctx.out.result(
        { name: added.name, fingerprint: added.fingerprint, addedAt: added.addedAt, lastSeen: added.lastSeen },
        () =>
          [
            `Standby ${added.name} is paired. Fingerprint: ${added.fingerprint}`,
            'Check that the standby printed this same fingerprint; if not, remove it at once: afterword standby rm ' +
              added.name,
          ].join('\n'),
      );
    });

  standby
    .command('list')
    .description('the paired standbys and their last sign of life; --json {standbys, bucketError}')
    .action(async () => {
      const ctx = context();
      const listing = await ctx.withRouter((rpc) => rpc('standby.list', {}));
      ctx.out.result(listing, () => {
        if (listing.standbys.length === 0) return 'No standby is paired: afterword standby add --name NAME --code CODE';
        const rows = table([
          ['NAME', 'FINGERPRINT', 'ADDED', 'LAST SIGN OF LIFE'],
          ...listing.standbys.map((s) => [
            s.name,
            s.fingerprint,
            isoTime(s.addedAt),
            s.lastSeen === null ? (listing.bucketError ? 'unknown' : 'never') : isoTime(s.lastSeen),
          ]),
        ]);
        return listing.bucketError ? `${rows}\nThe bucket could not be read: ${listing.bucketError}` : rows;
      });
    });

  standby
    .command('rm')
    .description('revoke a standby: the list of standbys republished without it, its wrap deleted')
    .argument('<name>', 'the standby (see standby list)')
    .action(async (name: string) => {
      const ctx = context();
      await ctx.withRouter((rpc) => rpc('standby.remove', { name }));
      ctx.out.result({ ok: true }, () => `Standby ${name} is removed from the bucket. ${REVOCATION_LIMIT}`);
    });
}
