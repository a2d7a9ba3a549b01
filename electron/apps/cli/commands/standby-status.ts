import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { formatDuration, MINUTE_MS } from '../../../../shared/durations.js';
import type { RunnerFacts } from '../../../core/standby/lease-decision.js';
import {
  readStandbyRunnerFacts,
  RUNNER_FACTS_FILE,
  type StandbyFacts,
} from '../../../core/standby/runner-facts-file.js';
import { STANDBY_CONFIG_FILE } from '../../../core/standby/standby-files.js';
import { Vault } from '../../../core/vault/vault.js';
import { processAlive } from '../../../node/vault-process-lock.js';
import { isoTime } from '../output.js';

/** `serve --standby` writes its facts at least every minute: older ones are a runner that stopped. */
const STALE_AFTER_MS = 3 * MINUTE_MS;

/** `status` in a standby's folder while it follows (there is no vault there to report on). */
export interface StandbyStatusReport {
  runner: RunnerFacts;
  standby:
    | (StandbyFacts & {
        /** When `serve --standby` last wrote these facts (its clock), null when it never ran. */
        updatedAt: number | null;
        /** Whether `serve --standby` runs now (its facts are recent and its process is there). */
        running: boolean;
      })
    | null;
}

const NO_LEASE: RunnerFacts = {
  role: 'standby',
  leaseHolder: null,
  leaseEpoch: null,
  primarySilentForMs: null,
  takeoverAt: null,
};

const isStandbyFolder = (dir: string): boolean => existsSync(join(dir, STANDBY_CONFIG_FILE));

/**
 * A standby folder with no vault in it (it follows): what `serve --standby` last wrote there, and
 * whether it still runs, instead of the vault's report.
 */
export async function followingStandbyStatus(dir: string, now: number): Promise<StandbyStatusReport | null> {
  if (!isStandbyFolder(dir) || Vault.exists(dir)) return null;
  const record = readStandbyRunnerFacts(dir, now);
  if (!record) return { runner: NO_LEASE, standby: null };
  // The file's age by this machine's clock: the writer's clock may be another (a test clock).
  const age = Date.now() - (await stat(join(dir, RUNNER_FACTS_FILE))).mtimeMs;
  const running = age <= STALE_AFTER_MS && record.pid !== null && processAlive(record.pid);
  const { writtenAt, stale: _stale, ...runner } = record.runner;
  return { runner, standby: { ...record.standby, updatedAt: writtenAt ?? null, running } };
}

export function renderStandbyStatus(report: StandbyStatusReport): string {
  const { runner, standby } = report;
  if (!standby) return 'This folder is a standby; afterword serve --standby has not run here yet.';
  const lines = [
    `Standby ${standby.name ?? '(not paired yet)'} (fingerprint ${standby.fingerprint}): ${standby.state}${standby.running ? '' : ' (serve --standby is not running: this is what it last saw)'}`,
    standby.followed
      ? `Following snapshot ${standby.followed.seq} (taken by the primary at ${isoTime(standby.followed.at)})`
      : 'No snapshot followed yet.',
  ];
  if (runner.leaseHolder) lines.push(`Lease: ${runner.leaseHolder.name}, epoch ${runner.leaseEpoch ?? '?'}`);
  else lines.push('Lease: nobody holds it');
  if (runner.primarySilentForMs !== null)
    lines.push(`Unchanged for ${formatDuration(runner.primarySilentForMs)} (by this machine's clock)`);
  if (runner.takeoverAt !== null) lines.push(`Takes over at ${isoTime(runner.takeoverAt)} if nothing changes`);
  if (standby.lastError) lines.push(`! ${standby.lastError}`);
  return lines.join('\n');
}
