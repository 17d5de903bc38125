/**
 * GitHub's rate limits, as data and pure decisions (no I/O, no clock of their own):
 * - primary: 403 or 429 with `x-ratelimit-remaining: 0`; wait until `x-ratelimit-reset` (epoch seconds) + 1 s;
 * - secondary: 403 or 429 whose message says "secondary rate limit"; wait `retry-after` seconds, else at least
 *   one minute (GitHub's guidance);
 * - a bare 429 with `retry-after`.
 * Whether a wait is taken is `decideRateLimitWait`'s (src/core/rate-limit-wait.ts); otherwise the request fails with
 * `github-rate-limited` and the delivery is retried later by the queue, never dropped.
 */
export type RateLimitKind = "primary" | "secondary" | "too-many-requests";

export interface RateLimitSignal {
  kind: RateLimitKind;
  /** How long GitHub asks to wait, in ms. */
  retryAfterMs: number;
}

/** GitHub's guidance when a secondary limit names no `retry-after`. */
export const SECONDARY_FALLBACK_SECONDS = 60;

/** Reads a failed response: is it a rate limit, and how long does GitHub ask to wait? */
export function classifyRateLimit(status: number, headers: Record<string, string | undefined>, message: string, nowMs: number): RateLimitSignal | undefined {
  if (status !== 403 && status !== 429) return undefined;
  const retryAfter = seconds(headers["retry-after"]);
  if (/\bsecondary rate\b/i.test(message)) return { kind: "secondary", retryAfterMs: (retryAfter ?? SECONDARY_FALLBACK_SECONDS) * 1000 };
  if (headers["x-ratelimit-remaining"] === "0") {
    const reset = seconds(headers["x-ratelimit-reset"]);
    const waitMs = reset === undefined ? (retryAfter ?? SECONDARY_FALLBACK_SECONDS) * 1000 : Math.max(0, reset * 1000 - nowMs) + 1000;
    return { kind: "primary", retryAfterMs: waitMs };
  }
  if (status === 429) return { kind: "too-many-requests", retryAfterMs: (retryAfter ?? SECONDARY_FALLBACK_SECONDS) * 1000 };
  if (retryAfter !== undefined) return { kind: "secondary", retryAfterMs: retryAfter * 1000 };
  return undefined;
}

function seconds(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value.trim());
}
