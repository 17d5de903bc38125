import { randomUUID } from "node:crypto";
import { KeywardError } from "../core/errors.js";
import { parseStoredCredentials } from "../secrets/index.js";
import { systemClock, type Clock } from "./clock.js";
import { decideAfterVerify, needsOwnCheck, type Liveness } from "./decide.js";
import { ConflictError, NotStoredError, NotVerifiedError } from "./errors.js";
import type { RotationPolicy } from "./policy.js";
import type { RotationDeps } from "./types.js";

/** What the steps of one rotation share: its dependencies, policy, clock and jittered exponential backoff. */
export interface Run {
  deps: RotationDeps;
  policy: RotationPolicy;
  clock: Clock;
  /** `baseMs · 2^(attempt-1)`, jittered to 50–100 %. */
  backoff(baseMs: number, attempt: number): number;
  /** clock.now() after which no new store or verify attempt starts in the current critical section. */
  criticalUntil: number;
}

export function runContext(deps: RotationDeps, policy: RotationPolicy): Run {
  const clock = deps.clock ?? systemClock;
  return {
    deps,
    policy,
    clock,
    backoff: (baseMs, attempt) => Math.round(baseMs * 2 ** (attempt - 1) * (0.5 + clock.random() / 2)),
    criticalUntil: Number.POSITIVE_INFINITY,
  };
}

/**
 * Step 3, the regenerate call, retried here (the Genesys client itself never retries it once it may have reached
 * the server). Retrying is safe for a rotation: a secret from an attempt whose answer was lost is one nobody holds,
 * and if a lost attempt completes after the retry and invalidates the retry's secret, verify-after-write sees the
 * dead value at AWSCURRENT and regenerates again. Not retrying would leave the client with a secret nobody holds.
 * When every attempt failed and one may have taken effect, the old secret may already be dead: exit 3.
 */
export async function regenerate({ deps, policy, clock, backoff }: Run, clientId: string, secretId: string): Promise<string> {
  let mayHaveChanged = false;
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.genesys.regenerateSecret(clientId);
    } catch (err) {
      const ambiguous = err instanceof KeywardError && (err as KeywardError & { mayHaveTakenEffect?: boolean }).mayHaveTakenEffect === true;
      mayHaveChanged ||= ambiguous;
      const again = err instanceof KeywardError && (err.retryable || ambiguous) && attempt < policy.regenerateAttempts;
      if (!again) {
        if (mayHaveChanged) throw new NotStoredError(clientId, secretId, err, "may-have-regenerated");
        throw err;
      }
      deps.logger.warn("regenerate failed; retrying", { clientId, attempt, reason: err.reason });
      await clock.sleep(backoff(policy.regenerateBackoffMs, attempt));
    }
  }
}

/** Step 4: PutSecretValue with one ClientRequestToken for every attempt, bounded by the critical budget. */
export async function store(run: Run, clientId: string, secretArn: string, value: string, secretId: string): Promise<string> {
  const { deps, policy, clock, backoff } = run;
  const token = randomUUID();
  let last: unknown;
  for (let attempt = 1; attempt <= policy.storeAttempts; attempt++) {
    if (attempt > 1 && clock.now() > run.criticalUntil) break;
    try {
      return (await deps.store.putValue(secretArn, value, token)).versionId;
    } catch (err) {
      last = err;
      if (!(err instanceof KeywardError) || !err.retryable || attempt === policy.storeAttempts) break;
      await clock.sleep(backoff(policy.storeBackoffMs, attempt));
    }
  }
  throw new NotStoredError(clientId, secretId, last);
}

export type VerifyOutcome = { kind: "verified"; versionId: string } | { kind: "re-rotate" } | { kind: "failed"; why: "dead" | "unknown" };

/** Step 5: the value at AWSCURRENT must authenticate; converges with concurrent runs (src/rotation/decide.ts). */
export async function verify(
  run: Run,
  ours: { clientId: string; secretArn: string; secret: string; value: string; reRotationsLeft: number },
  onRestored: (versionId: string) => void,
): Promise<VerifyOutcome> {
  const { deps, policy, clock } = run;
  let restoresLeft = 2;
  for (let attempt = 1; attempt <= policy.verifyAttempts; attempt++) {
    if (attempt > 1 && clock.now() > run.criticalUntil) return { kind: "failed", why: "unknown" };
    let current: Liveness = "unknown";
    let currentIsOurs = false;
    let versionId = "";
    try {
      const stored = await deps.store.getValue(ours.secretArn, "AWSCURRENT");
      versionId = stored.versionId;
      currentIsOurs = stored.value === ours.value;
      const creds = parseStoredCredentials(stored.value);
      if (creds && creds.clientId !== ours.clientId) {
        throw new ConflictError(
          `client ${ours.clientId}: AWSCURRENT of ${ours.secretArn} now holds client ${creds.clientId}'s credentials; another run wrote them while this one rotated`,
          "secret-overwritten-by-other-client",
          `give each client its own secret, then re-run \`keyward rotate --client-id ${ours.clientId} --secret-id ${ours.secretArn}\``,
        );
      }
      current = creds ? await deps.check(creds.clientId, creds.clientSecret) : "dead";
    } catch (err) {
      if (err instanceof ConflictError) throw err;
      // The value is stored by now: whatever stops the read-back makes this an unverified rotation (exit 4).
      if (!(err instanceof KeywardError) || !err.retryable) throw new NotVerifiedError(ours.clientId, ours.secretArn, "unknown", err);
    }
    const own = needsOwnCheck(current, currentIsOurs) ? await deps.check(ours.clientId, ours.secret) : undefined;
    const action = decideAfterVerify({
      current,
      currentIsOurs,
      ...(own ? { own } : {}),
      verifyAttemptsLeft: policy.verifyAttempts - attempt,
      reRotationsLeft: ours.reRotationsLeft,
    });
    switch (action.kind) {
      case "succeed":
        return { kind: "verified", versionId };
      case "restore-own": {
        // Writing again does not use up a verification read (bounded by restoresLeft instead).
        if (restoresLeft-- > 0) attempt--;
        const restored = await store(run, ours.clientId, ours.secretArn, ours.value, ours.secretArn);
        onRestored(restored);
        deps.logger.info("re-stored this run's secret over a stale value", { clientId: ours.clientId, secretArn: ours.secretArn, versionId: restored });
        break;
      }
      case "retry-verify":
        await clock.sleep(Math.round(policy.verifyBackoffMs * Math.min(attempt, 4) * (0.5 + clock.random())));
        break;
      case "re-rotate":
        return { kind: "re-rotate" };
      case "fail-unverified":
        return { kind: "failed", why: action.why };
    }
  }
  return { kind: "failed", why: "unknown" };
}
