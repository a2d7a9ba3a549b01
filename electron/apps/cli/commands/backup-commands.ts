import type { Command } from 'commander';
import { backupTargetInputSchema } from '../../../../shared/contract/backup-dto.js';
import { describeIssue } from '../../../../shared/validation.js';
import { restoreVault } from '../../../core/backup/restore.js';
import { BadRequestError } from '../../../core/errors.js';
import type { BucketTarget } from '../../../core/ports/object-store.js';
import { s3ObjectStores } from '../../../node/lazy-s3-object-store.js';
import type { EventListener } from '../../../core/api/router-types.js';
import type { CliContext, Env } from '../cli-context.js';
import { readCaFile } from '../ca-file.js';
import { EXIT } from '../exit-codes.js';
import { formatBytes, isoTime, table } from '../output.js';
import { currentPassword, promptHidden, recoveryKeyFrom } from '../secrets.js';

export interface BucketFlags {
  endpoint: string;
  bucket: string;
  prefix?: string;
  region?: string;
  pathStyle?: boolean;
  caFile?: string;
}

/** The access key: AFTERWORD_S3_ACCESS_KEY_ID / AFTERWORD_S3_SECRET_ACCESS_KEY, else asked on the terminal. */
async function credentials(env: Env): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  const accessKeyId = env.AFTERWORD_S3_ACCESS_KEY_ID ?? (await promptHidden('S3 access key id: '));
  const secretAccessKey = env.AFTERWORD_S3_SECRET_ACCESS_KEY ?? (await promptHidden('S3 secret access key: '));
  return { accessKeyId, secretAccessKey };
}

export async function bucketTarget(flags: BucketFlags, env: Env): Promise<BucketTarget> {
  if (flags.caFile !== undefined && !flags.endpoint.startsWith('https:')) {
    throw new BadRequestError('--ca-file is only for an https:// endpoint: give https://, or leave out --ca-file');
  }
  const ca = flags.caFile === undefined ? null : await readCaFile(flags.caFile);
  const keys = await credentials(env);
  const parsed = backupTargetInputSchema().safeParse({
    endpoint: flags.endpoint,
    bucket: flags.bucket,
    ...(flags.prefix !== undefined ? { prefix: flags.prefix } : {}),
    ...(flags.region !== undefined ? { region: flags.region } : {}),
    pathStyle: Boolean(flags.pathStyle),
    ...keys,
    ca,
  });
  if (!parsed.success) throw new BadRequestError(describeIssue(parsed.error));
  // The command line always gives the secret (the schema lets the UI leave it out to keep the stored one).
  return { ...parsed.data, secretAccessKey: keys.secretAccessKey, ca };
}

export const withBucketOptions = (command: Command): Command =>
  command
    .requiredOption(
      '--endpoint <url>',
      'the S3 endpoint, e.g. https://s3.eu-central-1.amazonaws.com or http://127.0.0.1:9000 (MinIO)',
    )
    .requiredOption('--bucket <name>', 'the bucket')
    .option('--prefix <prefix>', 'where under the bucket (default afterword/v1)')
    .option('--region <region>', 'the region (default us-east-1)')
    .option('--path-style', 'address the bucket in the path (MinIO, most self-hosted servers)')
    .option('--ca-file <file>', 'extra CA certificate (PEM) for a server with its own CA');

/** On a terminal (and not --json): one line on stderr, redrawn as objects go up. */
function progressLine(ctx: CliContext): { onEvent?: EventListener; end: () => void } {
  if (ctx.out.json || !process.stderr.isTTY) return { end: () => undefined };
  let drawn = false;
  return {
    onEvent: (name, payload) => {
      if (name !== 'backup.progress') return;
      const p = payload as { objectsUploaded: number; bytesUploaded: number; bytesSkipped: number };
      process.stderr.write(
        `\r\x1b[2Kuploading: ${p.objectsUploaded} objects, ${formatBytes(p.bytesUploaded)} (${formatBytes(p.bytesSkipped)} already there)`,
      );
      drawn = true;
    },
    end: () => {
      if (drawn) process.stderr.write('\r\x1b[2K');
    },
  };
}

export function registerBackupCommands(program: Command, context: () => CliContext): void {
  const backup = program
    .command('backup')
    .description('encrypted backups of the vault to an S3-compatible bucket (AWS, MinIO, R2, B2)');
  const target = backup.command('target').description('where backups go');

  withBucketOptions(
    target
      .command('s3')
      .description(
        'back up to this bucket (keys from AFTERWORD_S3_ACCESS_KEY_ID and AFTERWORD_S3_SECRET_ACCESS_KEY, or asked)',
      ),
  ).action(async (flags: BucketFlags) => {
    const ctx = context();
    const input = await bucketTarget(flags, ctx.env);
    const { target: saved } = await ctx.withRouter((rpc) => rpc('backup.setTarget', input));
    ctx.out.result(
      { target: saved },
      () =>
        `Backups go to ${saved.endpoint}, bucket ${saved.bucket}, prefix ${saved.prefix || '(none)'}. Try it: afterword backup test`,
    );
  });

  target
    .command('show')
    .description('the bucket backups go to (never the secret)')
    .action(async () => {
      const ctx = context();
      const { target: shown } = await ctx.withRouter((rpc) => rpc('backup.getTarget', {}));
      ctx.out.result({ target: shown }, () =>
        shown
          ? table([
              ['endpoint', shown.endpoint],
              ['bucket', shown.bucket],
              ['prefix', shown.prefix || '(none)'],
              ['region', shown.region],
              ['path style', shown.pathStyle ? 'yes' : 'no'],
              ['access key id', shown.accessKeyId],
              ['extra CA', shown.customCa ? 'yes (--ca-file)' : 'no'],
            ])
          : 'No backup target is set up: afterword backup target s3 --endpoint URL --bucket NAME',
      );
    });

  target
    .command('rm')
    .description('stop backing up there (the bucket keeps what it has)')
    .action(async () => {
      const ctx = context();
      await ctx.withRouter((rpc) => rpc('backup.removeTarget', {}));
      ctx.out.result({ ok: true }, () => 'The backup target is removed. What the bucket holds is left as it is.');
    });

  backup
    .command('test')
    .description("list, put, get and delete a probe object; shows the server's answer on failure")
    .action(async () => {
      const ctx = context();
      const report = await ctx.withRouter((rpc) => rpc('backup.test', {}));
      ctx.out.result(report, () =>
        report.ok
          ? `The bucket works: ${report.where} (list, put, get and delete).`
          : `The ${report.failedStep} step failed: ${report.message}`,
      );
      if (!report.ok) process.exitCode = EXIT.usage;
    });

  backup
    .command('now')
    .description(
      'push a snapshot now (only what changed is uploaded); --json {snapshotId, seq, objectsUploaded, bytesUploaded, bytesSkipped}',
    )
    .action(async () => {
      const ctx = context();
      const bar = progressLine(ctx);
      const summary = await ctx
        .withRouter((rpc) => rpc('backup.now', {}), undefined, { onEvent: bar.onEvent })
        .finally(bar.end);
      ctx.out.result(summary, () =>
        [
          `Snapshot ${summary.snapshotId} (seq ${summary.seq}) is in the bucket.`,
          `Uploaded ${summary.objectsUploaded} objects, ${formatBytes(summary.bytesUploaded)}; ${formatBytes(summary.bytesSkipped)} were there already.`,
        ].join('\n'),
      );
    });

  backup
    .command('list')
    .description('the snapshots in the bucket: seq, time, size, messages')
    .action(async () => {
      const ctx = context();
      const { snapshots } = await ctx.withRouter((rpc) => rpc('backup.list', {}));
      ctx.out.result({ snapshots }, () =>
        snapshots.length === 0
          ? 'The bucket holds no snapshot yet: afterword backup now'
          : table([
              ['SEQ', 'ID', 'TIME', 'SIZE', 'MESSAGES'],
              ...snapshots.map((s) => [String(s.seq), s.id, isoTime(s.time), formatBytes(s.size), String(s.messages)]),
            ]),
      );
    });

  backup
    .command('verify')
    .description('download and check every object of a snapshot (the newest by default); exit 3 when anything is wrong')
    .option('--snapshot <id>', 'a snapshot id or seq (see backup list)')
    .action(async (opts: { snapshot?: string }) => {
      const ctx = context();
      const report = await ctx.withRouter((rpc) =>
        rpc('backup.verify', opts.snapshot ? { snapshot: opts.snapshot } : {}),
      );
      ctx.out.result(report, () =>
        report.ok
          ? `Snapshot ${report.snapshotId} is whole: ${report.checkedObjects} objects checked.`
          : [`Snapshot ${report.snapshotId} is damaged:`, ...report.problems.map((p) => `  - ${p}`)].join('\n'),
      );
      if (!report.ok) process.exitCode = EXIT.integrity;
    });

  backup
    .command('prune')
    .description('keep the newest N snapshots; delete what only older ones use (shards newer than a day are kept)')
    .requiredOption('--keep <n>', 'how many snapshots to keep (at least 1)')
    .action(async (opts: { keep: string }) => {
      const ctx = context();
      const keep = Number(opts.keep);
      if (!Number.isInteger(keep) || keep < 1) throw new BadRequestError('--keep must be a whole number of at least 1');
      const report = await ctx.withRouter((rpc) => rpc('backup.prune', { keep }));
      ctx.out.result(
        report,
        () =>
          `Kept ${report.keptSnapshots} snapshots; deleted ${report.deletedSnapshots} snapshots and ${report.deletedShards} shards (${formatBytes(report.bytesFreed)}).`,
      );
    });

  withBucketOptions(
    program
      .command('restore')
      .description(
        'restore a vault from its backups into a new directory (--vault DIR), with the password or --recovery-key',
      ),
  )
    .option('--snapshot <id>', 'a snapshot id or seq (default: the newest)')
    .option(
      '--recovery-key <key>',
      'use the recovery key instead of the password (- : read it from the terminal or standard input)',
    )
    .option('--resume-plans', 'let the plans run at once (by default they come back paused)')
    .action(async (flags: BucketFlags & { snapshot?: string; recoveryKey?: string; resumePlans?: boolean }) => {
      const ctx = context();
      const store = s3ObjectStores(await bucketTarget(flags, ctx.env));
      try {
        const secret =
          flags.recoveryKey !== undefined
            ? { recoveryKey: await recoveryKeyFrom(flags.recoveryKey) }
            : { password: await currentPassword(ctx.env) };
        const summary = await restoreVault({
          store,
          vaultDir: ctx.vaultDir,
          ...secret,
          snapshot: flags.snapshot,
          resumePlans: Boolean(flags.resumePlans),
          deps: ctx.vaultDeps(),
        });
        ctx.out.result(summary, () =>
          [
            `Restored snapshot ${summary.snapshotId} (seq ${summary.seq}, ${isoTime(summary.createdAt)}) into ${summary.vaultDir}:`,
            `${summary.messages} messages, ${summary.attachments} attachments; the database and every attachment were checked.`,
            flags.resumePlans
              ? 'Plans are running, their waits restarted from now: this copy will warn and deliver as the original did. Stop the original if it still runs.'
              : 'Plans are PAUSED so that this copy warns nobody before you say so. When the original is gone for good: afterword resume',
            ...(summary.plansTriggered > 0
              ? [
                  `${summary.plansTriggered} plan(s) had already fired in this snapshot: the original may have delivered their messages already.`,
                ]
              : []),
            ...(summary.heldDeliveries + summary.heldOther > 0
              ? [
                  `HELD: ${summary.heldDeliveries} unsent deliveries and ${summary.heldOther} unsent warnings or notices; none goes out until you run: afterword resume`,
                ]
              : []),
          ].join('\n'),
        );
      } finally {
        store.close?.();
      }
    });
}
