/** How hard a rotation tries, as data. Every wait is bounded; see {@link worstCaseCriticalMs}. */
export interface RotationPolicy {
  /** PutSecretValue attempts after a regenerate (each on top of the SDK's own retries), same ClientRequestToken. */
  storeAttempts: number;
  storeBackoffMs: number;
  /** Token grants with the new secret before giving up on an inconclusive answer. */
  verifyAttempts: number;
  verifyBackoffMs: number;
  /** Extra regenerates when the new secret was invalidated before it was promoted (a regenerate outside keyward). */
  maxReRotations: number;
  /** Attempts of the regenerate call itself when it fails in a way that may be transient. */
  regenerateAttempts: number;
  regenerateBackoffMs: number;
  /**
   * The critical section's budget: the longest time from sending a regenerate to the new value at AWSCURRENT. Every
   * wait and every attempt after the send (retries, backoffs, rate-limit pauses, SDK retries, timeouts) is admitted
   * only while its own worst case still fits; a regenerate is sent only when the whole budget is left (of the run's
   * deadline, of the Lambda invocation, of the lock).
   */
  criticalBudgetMs: number;
  /** The lock's lifetime before the regenerate: how long the steps between taking the lock and the send may take. */
  lockPreRegenerateMs: number;
  /** How long a run waits for another run's lock on the same secret before giving up (exit 5). */
  lockWaitMs: number;
  /** Clock skew allowed between machines when judging another run's lock expired. */
  lockSkewMs: number;
}

export const DEFAULT_ROTATION_POLICY: RotationPolicy = {
  storeAttempts: 4,
  storeBackoffMs: 400,
  verifyAttempts: 6,
  verifyBackoffMs: 150,
  maxReRotations: 2,
  regenerateAttempts: 3,
  regenerateBackoffMs: 500,
  criticalBudgetMs: 120_000,
  lockPreRegenerateMs: 15_000,
  lockWaitMs: 180_000,
  lockSkewMs: 5_000,
};

/**
 * The worst case of one critical section, from the regenerate's send to the end of its promote: the budget itself,
 * because everything after the send is admitted only while it fits (src/rotation/budget.ts). A run must not send a
 * regenerate with less time left than this (the CLI's deadline, the Lambda's remaining time).
 */
export function worstCaseCriticalMs(policy: RotationPolicy, _requestTimeoutMs?: number): number {
  return policy.criticalBudgetMs;
}

/**
 * The smallest budget that always reaches the promote: one regenerate attempt, the store, one check and the promote,
 * each at its worst case (src/rotation/critical-section.ts counts them the same way). A smaller configured budget is
 * raised to it (the CLI refuses one below it).
 */
export function minimumCriticalBudgetMs(worst: { regenerateMs: number; callMs: number; checkMs: number }): number {
  return worst.regenerateMs + 2 * worst.callMs + worst.checkMs;
}

/** How long a lock lives: the steps before the regenerate, then the critical section. */
export function lockTtlMs(policy: RotationPolicy): number {
  return policy.lockPreRegenerateMs + policy.criticalBudgetMs;
}

/** The environment variable that sets `criticalBudgetMs` in seconds (the CLI and the Lambdas). */
export const CRITICAL_BUDGET_ENV = "KEYWARD_CRITICAL_BUDGET_SECONDS";
