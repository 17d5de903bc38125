/** Reads response headers; `Headers` satisfies it. */
export interface HeaderReader {
  get(name: string): string | null;
}

export interface RateGateOptions {
  /** Milliseconds since the epoch. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** The longest pause any header may impose (60 s by default): a `reset` of 10^8 s must not stall a run. */
  maxPauseMs?: number;
}

/** Told when the gate closes: until when, and why (`429` or `inin-ratelimit`). */
export type PauseListener = (untilMs: number, reason: string) => void;

export const DEFAULT_MAX_PAUSE_MS = 60_000;
/** A pause extended by less than this is not announced again (the notice counts whole seconds). */
const ANNOUNCE_STEP_MS = 1_000;
/** setTimeout's ceiling; longer waits are taken in steps (and are capped long before this anyway). */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * One gate shared by every request of a Genesys client, and by every client of a fleet run. Genesys Cloud's API
 * limits are per OAuth client (reference §4), so when one request learns the limit is reached, all of them wait:
 * - `pauseUntil(t)` after a 429: nobody starts a request before `t` (the latest pause wins);
 * - `observe(headers)` after every response: when `inin-ratelimit-count` ≥ `inin-ratelimit-allowed`, new requests
 *   are held for `inin-ratelimit-reset` seconds. Genesys Cloud stopped sending these headers in 2021 (reference
 *   §8), so the shared budget works from 429 + `Retry-After` alone; the headers are still honoured when present.
 * Every pause is capped (`maxPauseMs`), whatever a header says. `onPause` listeners hear of each pause once: the
 * 429s of the other requests in flight extend it silently unless they push it a second or more further.
 */
export class RateGate {
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private until = 0;
  /** The end of the pause listeners were last told about. */
  private announced = 0;
  private readonly maxPauseMs: number;
  private readonly listeners = new Set<PauseListener>();

  constructor(options: RateGateOptions = {}) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    this.maxPauseMs = options.maxPauseMs ?? DEFAULT_MAX_PAUSE_MS;
  }

  /** Subscribes to pauses (progress output); returns the unsubscribe function. */
  onPause(listener: PauseListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Epoch ms before which no request starts (0 or a past time when open). */
  get pausedUntil(): number {
    return this.until;
  }

  /** Resolves once the gate is open; waits again if the pause was extended meanwhile. */
  async acquire(): Promise<void> {
    for (;;) {
      const wait = this.until - this.now();
      if (wait <= 0) return;
      await this.sleep(Math.min(wait, this.maxPauseMs, MAX_TIMER_MS));
    }
  }

  /** Holds every new request until `epochMs` (at most `maxPauseMs` from now). Never shortens a longer pause already in place. */
  pauseUntil(epochMs: number, reason = "429"): void {
    if (!Number.isFinite(epochMs)) return;
    const capped = Math.min(epochMs, this.now() + this.maxPauseMs);
    if (capped <= this.until) return;
    this.until = capped;
    // Every request in flight when a window fills gets its own 429 within a few ms: that is one pause, told once.
    // Listeners hear of a new pause, or of one pushed at least a second past what they were told.
    if (capped - Math.max(this.announced, this.now()) < ANNOUNCE_STEP_MS && this.announced > this.now()) return;
    this.announced = capped;
    for (const listener of this.listeners) listener(capped, reason);
  }

  /** Applies the `inin-ratelimit-*` headers of a response. Returns true when it paused the gate. */
  observe(headers: HeaderReader): boolean {
    const count = numberHeader(headers, "inin-ratelimit-count");
    const allowed = numberHeader(headers, "inin-ratelimit-allowed");
    const reset = numberHeader(headers, "inin-ratelimit-reset");
    if (count === undefined || allowed === undefined || reset === undefined) return false;
    if (allowed <= 0 || count < allowed || reset <= 0) return false;
    this.pauseUntil(this.now() + reset * 1000, "inin-ratelimit");
    return true;
  }
}

function numberHeader(headers: HeaderReader, name: string): number | undefined {
  const value = headers.get(name)?.trim();
  if (!value) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}
