/** Time as the core sees it. Injected so that tests and the fake-clock mode can move it. */
export interface Clock {
  /** Wall-clock time, ms since the Unix epoch. */
  now(): number;
  /**
   * Monotonic time in ms (arbitrary origin); never jumps with the wall clock. It counts time
   * asleep where the system can tell (see node/system-clock.ts); where it cannot, the shell
   * rebases the scheduler's clock guard on wake-up.
   */
  monotonic(): number;
}
