/**
 * One rule for every rate-limit wait keyward takes on behalf of a delivery (GitHub, Slack): a service's
 * `Retry-After` (or reset time) is waited out only when the wait ends before the delivery's deadline, at most
 * `maxWaits` times and never longer than `maxWaitMs`. Otherwise the call fails as rate-limited and the delivery is
 * retried later by its queue. Pure.
 */
export interface WaitPolicy {
  /** Waits per request before it fails as rate-limited. */
  maxWaits: number;
  /** No single wait is longer than this, whatever the deadline. */
  maxWaitMs: number;
}

export const DEFAULT_WAIT_POLICY: WaitPolicy = Object.freeze({ maxWaits: 3, maxWaitMs: 15 * 60_000 });

/** Wait out the limit (true) or fail now so the delivery is retried later (false)? */
export function decideRateLimitWait(input: { retryAfterMs: number; waitsSoFar: number; nowMs: number; deadlineMs: number; policy?: WaitPolicy }): boolean {
  const policy = input.policy ?? DEFAULT_WAIT_POLICY;
  if (input.waitsSoFar >= policy.maxWaits) return false;
  if (input.retryAfterMs > policy.maxWaitMs) return false;
  return input.nowMs + input.retryAfterMs < input.deadlineMs;
}
