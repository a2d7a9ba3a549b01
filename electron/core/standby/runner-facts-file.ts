import { existsSync, readFileSync } from 'node:fs';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunnerFacts } from './lease-decision.js';

/**
 * `runner.json` beside the vault: the runner facts of the process that sends for it (the desktop
 * app, `afterword serve`), rewritten on each lease tick, so that another process (`afterword
 * status`) can show them. Facts about the lease only: no content, no key.
 */
export const RUNNER_FACTS_FILE = 'runner.json';

/**
 * What `status` shows as `runner`. Read from runner.json (another process sends), the facts carry
 * when they were written (the writer's clock) and whether that is too long ago: not rewritten for
 * three renewal periods, the process that wrote them is gone or stuck.
 */
export interface StatusRunner extends RunnerFacts {
  writtenAt?: number;
  stale?: boolean;
}

/** A vault without a standby: this machine alone sends for it. */
export const ALONE: StatusRunner = {
  role: 'primary',
  leaseHolder: null,
  leaseEpoch: null,
  primarySilentForMs: null,
  takeoverAt: null,
};

/**
 * - `waiting-for-pairing`: not in the bucket's roster yet (run `standby add` on the primary);
 * - `removed`: it was paired, and the primary removed it: it follows nothing and never takes over;
 * - `following`: keeping its copy current, the primary holds the lease (or has not been silent long enough);
 * - `active`: it holds the lease and runs the schedule itself.
 */
export type StandbyState = 'waiting-for-pairing' | 'removed' | 'following' | 'active';

/** What `serve --standby` shows about itself besides the lease (in runner.json, and /healthz). */
export interface StandbyFacts {
  state: StandbyState;
  /** The name the primary gave it (null before pairing). */
  name: string | null;
  fingerprint: string;
  /** The snapshot its followed copy holds, and when the primary took it. */
  followed: { seq: number; at: number } | null;
  /** What went wrong on the last poll (bucket, pairing), null when it went well. */
  lastError: string | null;
}

interface FactsFile {
  format: 1;
  facts: RunnerFacts;
  writtenAt: number;
  renewEveryMs: number;
  /** The writing process, and, from `serve --standby`, the standby's own facts. */
  pid?: number;
  standby?: StandbyFacts;
}

export async function writeRunnerFacts(
  dir: string,
  facts: RunnerFacts,
  writtenAt: number,
  renewEveryMs: number,
  standby?: StandbyFacts,
): Promise<void> {
  const file = join(dir, RUNNER_FACTS_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  const body: FactsFile = {
    format: 1,
    facts,
    writtenAt,
    renewEveryMs,
    pid: process.pid,
    ...(standby ? { standby } : {}),
  };
  await writeFile(temp, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, file);
}

/** No standby any more: the facts of an earlier one must not be shown. */
export async function removeRunnerFacts(dir: string): Promise<void> {
  await unlink(join(dir, RUNNER_FACTS_FILE)).catch(() => undefined);
}

/** runner.json as written, or null when there is none or it cannot be read. */
function readFactsFile(dir: string): FactsFile | null {
  const file = join(dir, RUNNER_FACTS_FILE);
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as FactsFile;
  } catch {
    return null;
  }
}

function statusRunnerOf(written: FactsFile | null, now: number): StatusRunner {
  if (!written || typeof written.writtenAt !== 'number' || typeof written.facts?.role !== 'string') return ALONE;
  const { facts, writtenAt, renewEveryMs } = written;
  return { ...facts, writtenAt, stale: now - writtenAt > 3 * renewEveryMs };
}

/** The facts the sending process wrote, marked stale when old; ALONE when there are none (or they are unreadable). */
export function readRunnerFacts(dir: string, now: number): StatusRunner {
  return statusRunnerOf(readFactsFile(dir), now);
}

/** What `serve --standby` last wrote in its folder: the lease facts, its own, and its process. */
export function readStandbyRunnerFacts(
  dir: string,
  now: number,
): { runner: StatusRunner; standby: StandbyFacts; pid: number | null } | null {
  const written = readFactsFile(dir);
  if (!written?.standby) return null;
  return { runner: statusRunnerOf(written, now), standby: written.standby, pid: written.pid ?? null };
}
