export interface WindowHit {
  /** Requests counted in the current window, this one included. */
  count: number;
  allowed: number;
  /** Whole seconds until the window resets, rounded up, at least 1. */
  resetSeconds: number;
  limited: boolean;
}

/**
 * Fixed windows per key on the emulator's clock (wall clock plus `advanceClock`, so a test ends a window by moving
 * the clock, not by sleeping). A key's window opens at its first request and lasts `windowMs`; every request counts
 * (throttled ones too), and requests beyond `allowed` in the window are limited.
 */
export class FixedWindowCounter {
  private windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly settings: () => { allowed: number; windowMs: number },
    private readonly clock: () => number = Date.now,
  ) {}

  hit(key: string, now = this.clock()): WindowHit {
    const { allowed, windowMs } = this.settings();
    let window = this.windows.get(key);
    if (!window || now >= window.start + windowMs) {
      if (this.windows.size > 10_000) this.prune(now, windowMs);
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count += 1;
    const resetSeconds = Math.max(1, Math.ceil((window.start + windowMs - now) / 1000));
    return { count: window.count, allowed, resetSeconds, limited: window.count > allowed };
  }

  forget(key: string): void {
    this.windows.delete(key);
  }

  clear(): void {
    this.windows.clear();
  }

  private prune(now: number, windowMs: number): void {
    for (const [key, window] of this.windows) if (now >= window.start + windowMs) this.windows.delete(key);
  }
}
