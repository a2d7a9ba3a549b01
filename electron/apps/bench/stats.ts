import { performance } from 'node:perf_hooks';

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The nearest-rank `p` quantile (0 < p < 1): the value at index floor(n·p) of the sorted values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

export const nowMs = (): number => performance.now();

/** Milliseconds taken by `fn`. */
export function timeSync(fn: () => void): number {
  const start = nowMs();
  fn();
  return nowMs() - start;
}

export async function timeAsync(fn: () => Promise<void>): Promise<number> {
  const start = nowMs();
  await fn();
  return nowMs() - start;
}

export const MIB = 1024 * 1024;
export const MB = 1_000_000;
