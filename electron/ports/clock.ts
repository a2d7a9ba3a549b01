/** Time as the core sees it. Injected so that tests and the fake-clock mode can move it. */
export interface Clock {
  /** Wall-clock time, ms since the Unix epoch. */
  now(): number;
  /** Monotonic time in ms (arbitrary origin); never jumps with the wall clock. */
  monotonic(): number;
}
