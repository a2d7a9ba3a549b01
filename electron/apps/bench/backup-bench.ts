/**
 * (9) Encrypted backups against a real S3 server (s3rver on 127.0.0.1, a child process started and
 * stopped here): a vault of `messages` messages and `attachmentCount` attachments is pushed whole
 * (vs a plain SDK PutObject loop uploading the same objects), pushed again after one edit (bytes
 * uploaded vs the vault's size), and restored into a new folder (vs `aws s3 cp --recursive` of the
 * same prefix, or a plain SDK GetObject loop where the aws CLI is missing).
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { BackupService } from '../../core/backup/backup-service.js';
import { restoreVault } from '../../core/backup/restore.js';
import { initializeVaultContent } from '../../core/engine.js';
import type { StagedAttachment } from '../../core/repo/attachments.js';
import { createVaultServices } from '../../core/services.js';
import { Vault } from '../../core/vault/vault.js';
import { FileKeyStore } from '../../node/file-key-store.js';
import { s3ObjectStores } from '../../node/lazy-s3-object-store.js';
import { systemClock } from '../../node/system-clock.js';
import { awsCliCopy, sdkGetLoop, sdkPutLoop, type BaselineDownload } from './backup-baselines.js';
import type { BenchSizes } from './bench-setup.js';
import { figure, formatNumber, type Figure } from './report.js';
import { startS3rver, stopS3rver, type S3rverProcess } from './s3rver-process.js';
import { MB, MIB, nowMs } from './stats.js';
import { BENCH_PASSWORD, SETUP_SCRYPT, makeBody } from './write-bench.js';

export interface BackupSizes {
  messages: number;
  bodyBytes: number;
  attachmentCount: number;
  attachmentBytes: number;
}

export const BACKUP_FIGURE_IDS = [
  'backup.pushOurs',
  'backup.pushSdk',
  'backup.pushRatio',
  'backup.pushPeakRssGrowth',
  'backup.incrementalBytes',
  'backup.incrementalRatio',
  'backup.restoreOurs',
  'backup.restoreBaseline',
  'backup.restoreRatio',
] as const;
export type BackupFigureId = (typeof BACKUP_FIGURE_IDS)[number];

export interface BackupChecks {
  backupVaultBytes: number;
  backupFirstObjects: number;
  backupFirstBytes: number;
  backupSdkPutObjects: number;
  backupSdkPutBytes: number;
  backupIncrementalObjects: number;
  backupIncrementalSkippedBytes: number;
  backupRestoredMessages: number;
  backupRestoredAttachments: number;
  backupBaselineDownload: BaselineDownload;
  backupBaselineObjects: number;
  backupBaselineBytes: number;
  backupRssSamples: number;
  backupServerStopped: boolean;
}

export type BackupOutcome =
  { skipped: null; figures: Record<BackupFigureId, Figure>; checks: BackupChecks } | { skipped: string };

const PREFIX = 'afterword/v1';

export const backupSizes = (sizes: BenchSizes): BackupSizes => ({
  messages: sizes.backupMessages,
  bodyBytes: sizes.bodyBytes,
  attachmentCount: sizes.backupAttachments,
  attachmentBytes: sizes.backupAttachmentBytes,
});

export const backupProgressLine = (sizes: BenchSizes): string =>
  `backup: ${sizes.backupMessages} messages and ${(sizes.backupAttachments * sizes.backupAttachmentBytes) / MIB} MiB of ` +
  'attachments to a loopback s3rver: first push vs SDK PutObject, push after one edit, restore vs aws s3 cp';

function s3rverMissing(): string | null {
  try {
    createRequire(import.meta.url).resolve('s3rver');
    return null;
  } catch {
    return 's3rver is not installed (a dev dependency)';
  }
}

async function* once(data: Uint8Array): AsyncGenerator<Uint8Array> {
  yield data;
}

/** The vault: messages of `bodyBytes`, the first `attachmentCount` of them with one random attachment each. */
async function makeBackupVault(dir: string, sizes: BackupSizes) {
  const { vault } = await Vault.create(dir, BENCH_PASSWORD, { clock: systemClock, scrypt: SETUP_SCRYPT });
  const services = createVaultServices(vault, systemClock);
  const staged: StagedAttachment[] = [];
  for (let i = 0; i < sizes.attachmentCount; i++) {
    const data = randomBytes(sizes.attachmentBytes);
    staged.push(await services.messages.attachments.stage(once(data), `scan-${i}.bin`));
  }
  const body = makeBody(sizes.bodyBytes);
  const ids: string[] = [];
  // Setup speed only: one outer transaction, the repo calls become savepoints inside it.
  vault.db.q.transaction(() => {
    initializeVaultContent(services);
    const recipient = services.recipients.add({ type: 'email', name: 'Kin', contact: 'kin@example.org' }).id;
    for (let i = 0; i < sizes.messages; i++) {
      const attachments = i < staged.length ? [staged[i]!] : [];
      ids.push(
        services.messages.create({ title: `Benchmark message ${i}`, body, recipientIds: [recipient], attachments }),
      );
    }
  });
  return { vault, services, ids };
}

/** Peak RSS above the level when it started, sampled every 10 ms until stopped. */
function rssSampler(): { stop(): { peakGrowth: number; samples: number } } {
  const start = process.memoryUsage().rss;
  let peak = start;
  let samples = 1;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
    samples += 1;
  }, 10);
  return {
    stop: () => {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage().rss);
      return { peakGrowth: peak - start, samples: samples + 1 };
    },
  };
}

export async function backupBench(
  tmp: string,
  sizes: BackupSizes,
  progress: (line: string) => void,
): Promise<BackupOutcome> {
  const missing = s3rverMissing();
  if (missing) return { skipped: missing };
  let server: S3rverProcess | null = await startS3rver();
  try {
    const target = server.target(PREFIX);
    const built = nowMs();
    const { vault, services, ids } = await makeBackupVault(join(tmp, 'backup-vault'), sizes);
    progress(
      `  vault: ${sizes.messages} messages, ${sizes.attachmentCount} attachments (${((nowMs() - built) / 1000).toFixed(1)} s)`,
    );
    try {
      const backups = new BackupService(services, s3ObjectStores);
      backups.setTarget(target);
      // Loads the SDK and opens a connection, as `backup test` would before the first push.
      const probe = await backups.test();
      if (!probe.ok) throw new Error(`the bench's S3 server refused the probe: ${probe.message}`);

      const rss = rssSampler();
      let started = nowMs();
      const first = await backups.now();
      const pushMs = nowMs() - started;
      const pushRss = rss.stop();
      progress(`  first push: ${first.objectsUploaded} objects, ${formatNumber(first.bytesUploaded / MB)} MB`);

      const sdkPut = await sdkPutLoop(server, PREFIX, 'sdk-put');
      progress(`  SDK PutObject loop: ${sdkPut.objects} objects, ${formatNumber(sdkPut.bytes / MB)} MB`);

      services.messages.update(ids[Math.floor(ids.length / 2)]!, { body: 'An edited body, shorter than before.' });
      const second = await backups.now();
      progress(`  incremental push: ${second.objectsUploaded} objects, ${second.bytesUploaded} B`);

      const restoreRoot = join(tmp, 'backup-restore');
      const store = s3ObjectStores(target);
      started = nowMs();
      const restored = await restoreVault({
        store,
        vaultDir: join(restoreRoot, 'vault'),
        password: BENCH_PASSWORD,
        deps: { clock: systemClock, scrypt: SETUP_SCRYPT, marks: new FileKeyStore(join(restoreRoot, 'keys')) },
      }).finally(() => store.close?.());
      const restoreMs = nowMs() - started;
      const baseline =
        (await awsCliCopy(server, PREFIX, join(tmp, 'backup-aws-copy'))) ?? (await sdkGetLoop(server, PREFIX));
      progress(`  restore: ${restored.messages} messages; baseline (${baseline.how}): ${baseline.objects} objects`);

      const sec = `9. Backup to a loopback S3 server (s3rver): ${formatNumber(sizes.messages)} messages, ${(sizes.attachmentCount * sizes.attachmentBytes) / MIB} MiB of attachments`;
      const mbps = (bytes: number, ms: number): number => bytes / MB / (ms / 1000);
      const figures: Record<BackupFigureId, Figure> = {
        'backup.pushOurs': figure(
          sec,
          'first push (backup now), uploaded bytes',
          mbps(first.bytesUploaded, pushMs),
          'MB/s',
        ),
        'backup.pushSdk': figure(
          sec,
          'plain SDK PutObject, same objects, 8 in flight',
          mbps(sdkPut.bytes, sdkPut.ms),
          'MB/s',
        ),
        'backup.pushRatio': figure(
          sec,
          'ours / plain SDK throughput',
          mbps(first.bytesUploaded, pushMs) / mbps(sdkPut.bytes, sdkPut.ms),
          '×',
          { op: '>=', value: 0.5 },
        ),
        'backup.pushPeakRssGrowth': figure(
          sec,
          'peak RSS growth during the first push',
          pushRss.peakGrowth / MIB,
          'MiB',
          { op: '<', value: 128 },
        ),
        'backup.incrementalBytes': figure(
          sec,
          'push after one edit: bytes uploaded',
          second.bytesUploaded / 1024,
          'KiB',
        ),
        'backup.incrementalRatio': figure(
          sec,
          "same, as a share of the vault's size",
          (100 * second.bytesUploaded) / second.size,
          '%',
          { op: '<=', value: 1 },
        ),
        'backup.restoreOurs': figure(sec, 'restore into a new folder (checks included)', restoreMs, 'ms'),
        'backup.restoreBaseline': figure(sec, `${baseline.how}, same prefix`, baseline.ms, 'ms'),
        'backup.restoreRatio': figure(sec, `restore / ${baseline.how} time`, restoreMs / baseline.ms, '×', {
          op: '<=',
          value: 2,
        }),
      };
      await stopS3rver(server);
      server = null;
      return {
        skipped: null,
        figures,
        checks: {
          backupVaultBytes: second.size,
          backupFirstObjects: first.objectsUploaded,
          backupFirstBytes: first.bytesUploaded,
          backupSdkPutObjects: sdkPut.objects,
          backupSdkPutBytes: sdkPut.bytes,
          backupIncrementalObjects: second.objectsUploaded,
          backupIncrementalSkippedBytes: second.bytesSkipped,
          backupRestoredMessages: restored.messages,
          backupRestoredAttachments: restored.attachments,
          backupBaselineDownload: baseline.how,
          backupBaselineObjects: baseline.objects,
          backupBaselineBytes: baseline.bytes,
          backupRssSamples: pushRss.samples,
          backupServerStopped: true,
        },
      };
    } finally {
      await vault.close();
    }
  } finally {
    if (server) await stopS3rver(server);
  }
}

export function backupLine(outcome: BackupOutcome): string {
  if (outcome.skipped !== null) return `backup: skipped (${outcome.skipped})`;
  const c = outcome.checks;
  return (
    `backup: vault ${formatNumber(c.backupVaultBytes / MB)} MB; first push ${c.backupFirstObjects} objects ` +
    `${formatNumber(c.backupFirstBytes / MB)} MB (SDK loop ${c.backupSdkPutObjects} objects ${formatNumber(c.backupSdkPutBytes / MB)} MB, ` +
    `${c.backupRssSamples} RSS samples); after one edit ${c.backupIncrementalObjects} objects uploaded, ` +
    `${formatNumber(c.backupIncrementalSkippedBytes / MB)} MB skipped; restored ${c.backupRestoredMessages} messages and ` +
    `${c.backupRestoredAttachments} attachments; baseline download: ${c.backupBaselineDownload} ` +
    `(${c.backupBaselineObjects} objects, ${formatNumber(c.backupBaselineBytes / MB)} MB)`
  );
}
