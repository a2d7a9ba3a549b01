/**
 * Remembers the wall and monotonic time of the last tick of a long-running process. A forward
 * wall-clock jump that the monotonic clock does not account for is reported, so the scheduler
 * restarts the running wait instead of counting the jump (a clock set ahead must never bring a
 * delivery closer). Sleeping is real time passing, not a jump: the system clock's monotonic
 * reading counts time asleep where the OS can tell (Linux, Windows), and the desktop shell also
 * calls `rebase()` on resume (the only way on macOS).
 */
export const JUMP_TOLERANCE_MS = 2 * 60_000;

export class ClockGuard {
  private last: { wall: number; mono: number } | null = null;

  /** Returns the unexplained forward jump in ms (0 when none), and remembers this observation. */
  observe(wall: number, mono: number): number {
    const previous = this.last;
    this.last = { wall, mono };
    if (!previous) return 0;
    const unexplained = wall - previous.wall - (mono - previous.mono);
    return unexplained > JUMP_TOLERANCE_MS ? unexplained : 0;
  }

  /** Forget the baseline: the next observation starts fresh (after resume from sleep). */
  rebase(): void {
    this.last = null;
  }
}
