/** How hard a rotation tries, as data. Every wait is bounded; see {@link worstCaseCriticalMs}. */
export interface RotationPolicy {
  /** PutSecretValue attempts after a regenerate (each on top of the SDK's own retries), same ClientRequestToken. */
  storeAttempts: number;
  storeBackoffMs: number;
  /** Reads of AWSCURRENT before giving up (or regenerating again). */
  verifyAttempts: number;
  verifyBackoffMs: number;
  /** Extra regenerates when a racing run left a dead value at AWSCURRENT. */
  maxReRotations: number;
  /** Attempts of the regenerate call itself when it fails in a way that may be transient. */
  regenerateAttempts: number;
  regenerateBackoffMs: number;
  /**
   * Longest time from a regenerate to the end of its store + verify. Past it no further store or verify attempt
   * starts (exit 3 or 4), so a stop request or a Lambda deadline waits for a bounded time.
   */
  criticalBudgetMs: number;
}

export const DEFAULT_ROTATION_POLICY: RotationPolicy = {
  storeAttempts: 4,
  storeBackoffMs: 400,
  verifyAttempts: 6,
  verifyBackoffMs: 150,
  maxReRotations: 3,
  regenerateAttempts: 3,
  regenerateBackoffMs: 500,
  criticalBudgetMs: 120_000,
};

/**
 * The worst case of one critical section: every regenerate attempt timing out with its backoff, then the bounded
 * store + verify budget, plus one request that may overrun it. A run must not start a regenerate with less time
 * left than this (the scheduled-rotation Lambda checks its remaining time against it).
 */
export function worstCaseCriticalMs(policy: RotationPolicy, requestTimeoutMs: number): number {
  let regenerate = 0;
  for (let attempt = 1; attempt <= policy.regenerateAttempts; attempt++) regenerate += requestTimeoutMs + policy.regenerateBackoffMs * 2 ** (attempt - 1);
  return regenerate + policy.criticalBudgetMs + requestTimeoutMs;
}
