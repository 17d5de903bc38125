import type { Clock } from "./clock.js";

/**
 * The critical section's clock: once a regenerate is sent, everything until its new value is at AWSCURRENT must end
 * by `until`. A step (an attempt, a backoff, a pause) starts only when its worst case still fits: what cannot fit is
 * refused, never started and then overrun.
 */
export class CriticalBudget {
  constructor(
    private readonly clock: Clock,
    readonly until: number,
  ) {}

  /** Does a step that takes at most `worstMs` still fit? */
  fits(worstMs: number): boolean {
    return this.clock.now() + worstMs <= this.until;
  }

  remainingMs(): number {
    return Math.max(0, this.until - this.clock.now());
  }
}
