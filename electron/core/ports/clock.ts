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
  /**
   * True when monotonic() counts time asleep: a wake-up is then no jump, and the scheduler keeps
   * its clock guard's baseline on resume instead of starting afresh (which would also forgive a
   * clock set ahead just before the machine went to sleep).
   */
  readonly countsSleep?: boolean;
}
