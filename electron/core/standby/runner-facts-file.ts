import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunnerFacts } from './lease-decision.js';

/** Beside the vault: what the running process last knew about the lease, for a separate `status`. */
export const RUNNER_FACTS_FILE = 'runner.json';

/** What a standby shows about itself (besides the lease). */
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

/**
 * - `waiting-for-pairing`: not in the bucket's roster yet (run `standby add` on the primary);
 * - `removed`: it was paired, and the primary removed it: it follows nothing and never takes over;
 * - `following`: keeping its copy current, the primary holds the lease (or has not been silent long enough);
 * - `active`: it holds the lease and runs the schedule itself.
 */
export type StandbyState = 'waiting-for-pairing' | 'removed' | 'following' | 'active';

export interface RunnerFactsRecord {
  format: 1;
  pid: number;
  /** The writer's wall clock when it wrote this. */
  writtenAt: number;
  runner: RunnerFacts;
  standby: StandbyFacts | null;
}

export async function writeRunnerFacts(dir: string, record: Omit<RunnerFactsRecord, 'format' | 'pid'>): Promise<void> {
  const file = join(dir, RUNNER_FACTS_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  const body: RunnerFactsRecord = { format: 1, pid: process.pid, ...record };
  await writeFile(temp, `${JSON.stringify(body)}\n`, { mode: 0o600 });
  await rename(temp, file);
}

export async function readRunnerFacts(dir: string): Promise<RunnerFactsRecord | null> {
  const text = await readFile(join(dir, RUNNER_FACTS_FILE), 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    const record = JSON.parse(text) as RunnerFactsRecord;
    return record.format === 1 && typeof record.writtenAt === 'number' ? record : null;
  } catch {
    return null;
  }
}
