/**
 * Milliseconds on the system's monotonic clock (the one performance.now() reads), counted from an
 * arbitrary point: only differences mean anything. process.hrtime is built in; `node:perf_hooks`
 * would be a dozen more of Node's own modules to load at every start of a short command.
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
