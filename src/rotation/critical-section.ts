import { KeywardError } from "../core/errors.js";
import { DeadlineError } from "../genesys/index.js";
import { CriticalBudget } from "./budget.js";
import { systemClock, type Clock } from "./clock.js";
import { decideAfterCheck, type Liveness } from "./decide.js";
import { canonicalClientId } from "../contracts/client-id-tag.js";
import { parseStoredCredentials } from "../contracts/credential-document.js";
import { ConflictError, NotStoredError, NotVerifiedError } from "./errors.js";
import type { InFlight, RunGate, StopReason } from "./interrupt.js";
import { AWSCURRENT, AWSPENDING, isStageConflict, pendingVersionId, versionWith, type SecretLock } from "./lock.js";
import { minimumCriticalBudgetMs, type RotationPolicy } from "./policy.js";
import type { RotationDeps } from "./types.js";

/** Defaults when the caller did not say (src/rotation/wire.ts computes both from the configured timeouts). */
const DEFAULT_REGENERATE_MS = 15_000;
const DEFAULT_CHECK_MS = 45_000;

/** What the steps of one rotation share: its dependencies, policy, clock and jittered exponential backoff. */
export interface Run {
  deps: RotationDeps;
  policy: RotationPolicy;
  clock: Clock;
  /** `baseMs · 2^(attempt-1)`, jittered to 50–100 %. */
  backoff(baseMs: number, attempt: number): number;
  /** Worst case of one regenerate attempt, of one Secrets Manager call, of one token grant. */
  worst: { regenerateMs: number; callMs: number; checkMs: number };
}

/** The run's context; the policy's critical budget is raised to the minimum its worst cases need (policy.ts). */
export function runContext(deps: RotationDeps, policy: RotationPolicy): Run {
  const clock = deps.clock ?? systemClock;
  const worst = rotationWorstCases(deps);
  return {
    deps,
    policy: { ...policy, criticalBudgetMs: Math.max(policy.criticalBudgetMs, minimumCriticalBudgetMs(worst)) },
    clock,
    backoff: (baseMs, attempt) => Math.round(baseMs * 2 ** (attempt - 1) * (0.5 + clock.random() / 2)),
    worst,
  };
}

/** Worst case of one regenerate attempt, of one Secrets Manager call, of one token grant, for these dependencies. */
export function rotationWorstCases(deps: Pick<RotationDeps, "store" | "timing">): Run["worst"] {
  return { regenerateMs: deps.timing?.regenerateMs ?? DEFAULT_REGENERATE_MS, callMs: deps.store.worstCaseCallMs, checkMs: deps.timing?.checkMs ?? DEFAULT_CHECK_MS };
}

/** A regenerate that was not sent: a stop request, or too little time left. Nothing changed. */
export class NotStartedError extends KeywardError {
  constructor(readonly stop: StopReason) {
    super(`the regenerate was not sent: ${stop.kind === "signal" ? `interrupted by ${stop.signal}` : stop.detail}`, {
      reason: stop.kind === "signal" ? "interrupted" : stop.kind === "deadline" ? "deadline" : "called-off",
    });
  }
}

/** The critical section this run is in: entered when the first regenerate is sent, left when its value is promoted. */
export interface Section {
  budget: CriticalBudget | undefined;
  leave(): void;
}

/**
 * Step 3, the regenerate, the point of no return. Before the first send (and after every rate-limit pause the
 * transport waits out before it), `beforeSend` checks that a regenerate may still start: no stop request, and the
 * whole critical budget left before the run's latest start and the lock's expiry; `notAfter` keeps the transport from
 * waiting for a pause that ends too late. The budget's clock starts at the send. A failure that proves the request
 * was not acted on (connection refused, 429, 4xx) changes nothing; one that may have been acted on (timeout, 5xx, lost
 * connection) is retried here only while a retry, the store after it and their waits fit the budget; otherwise exit 3.
 */
export async function regenerate(run: Run, what: InFlight & { lockExpiresAtMs: number }, gate: RunGate | undefined, section: Section): Promise<string> {
  const { deps, policy, clock, worst } = run;
  let mayHaveChanged = false;
  let leave: (() => void) | undefined;
  const latestStart = () => Math.min(gate?.latestStartMs ?? Number.POSITIVE_INFINITY, what.lockExpiresAtMs - policy.criticalBudgetMs);
  for (let attempt = 1; ; attempt++) {
    const budget = section.budget;
    const notAfter = mayHaveChanged && budget ? budget.until - worst.regenerateMs - worst.callMs : latestStart();
    try {
      return await deps.genesys.regenerateSecret(what.clientId, {
        notAfter,
        beforeSend: () => {
          if (mayHaveChanged) return;
          // Not past the point of no return yet: every earlier attempt was refused unprocessed.
          const stop = gate?.stopReason;
          if (stop) throw new NotStartedError(stop);
          if (clock.now() > latestStart()) throw new NotStartedError({ kind: "deadline", detail: "too little time left for a critical section" });
          leave ??= gate?.enter({ clientId: what.clientId, secretId: what.secretId });
          section.leave = () => {
            leave?.();
            leave = undefined;
          };
          section.budget = new CriticalBudget(clock, clock.now() + policy.criticalBudgetMs);
          deps.logger.debug("sending the regenerate: the critical section begins", { clientId: what.clientId, budgetMs: policy.criticalBudgetMs });
        },
      });
    } catch (err) {
      if (!mayHaveChanged && (err instanceof NotStartedError || err instanceof DeadlineError)) {
        section.leave();
        throw err instanceof NotStartedError ? err : new NotStartedError({ kind: "deadline", detail: "a rate-limit pause or the run's deadline leaves too little time" });
      }
      const ambiguous = err instanceof KeywardError && (err as KeywardError & { mayHaveTakenEffect?: boolean }).mayHaveTakenEffect === true;
      mayHaveChanged ||= ambiguous;
      if (!mayHaveChanged) {
        // Nothing changed in Genesys: leave the critical section; a transient failure is retried like any request.
        section.leave();
        section.budget = undefined;
        const again = err instanceof KeywardError && err.retryable && attempt < policy.regenerateAttempts;
        if (!again) throw err;
        deps.logger.warn("regenerate refused; retrying", { clientId: what.clientId, attempt, reason: err.reason });
        await clock.sleep(run.backoff(policy.regenerateBackoffMs, attempt));
        continue;
      }
      const wait = run.backoff(policy.regenerateBackoffMs, attempt);
      const fits = section.budget?.fits(wait + worst.regenerateMs + worst.callMs) ?? false;
      if (attempt >= policy.regenerateAttempts || !fits) throw new NotStoredError(what.clientId, what.secretId, err, "may-have-regenerated");
      deps.logger.warn("regenerate failed after it may have reached Genesys Cloud; retrying", {
        clientId: what.clientId,
        attempt,
        reason: err instanceof KeywardError ? err.reason : "error",
      });
      await clock.sleep(wait);
    }
  }
}

/**
 * Step 4: the new document goes to AWSPENDING (PutSecretValue, one ClientRequestToken for every attempt), where the
 * lock already is. The first attempt is always made (the budget was sized for it); a retry only while it fits.
 */
export async function storePending(run: Run, section: Section, lock: SecretLock, value: string, clientId: string, secretId: string): Promise<string> {
  const { deps, policy, clock, worst } = run;
  const token = pendingVersionId(lock.intent);
  let last: unknown;
  for (let attempt = 1; attempt <= policy.storeAttempts; attempt++) {
    try {
      const { versionId } = await deps.store.putValue(lock.secretArn, value, token, [AWSPENDING]);
      lock.holderVersionId = versionId;
      return versionId;
    } catch (err) {
      last = err;
      const wait = run.backoff(policy.storeBackoffMs, attempt);
      if (!(err instanceof KeywardError) || !err.retryable || attempt === policy.storeAttempts || !section.budget?.fits(wait + worst.callMs)) break;
      await clock.sleep(wait);
    }
  }
  throw new NotStoredError(clientId, secretId, last);
}

export type CheckResult = { kind: "promote"; verified: boolean } | { kind: "re-rotate" };

/**
 * Step 5: the new secret must authenticate (a token grant). Inconclusive answers are asked again while the budget
 * fits a check and the promote after it (src/rotation/decide.ts `decideAfterCheck`).
 */
export async function checkPending(
  run: Run,
  section: Section,
  ours: { clientId: string; secret: string; secretArn: string; alternating: boolean; reRotationsLeft: number },
): Promise<CheckResult> {
  const { deps, policy, clock, worst } = run;
  for (let attempt = 1; ; attempt++) {
    const pending: Liveness = await deps.check(ours.clientId, ours.secret);
    const wait = Math.round(policy.verifyBackoffMs * Math.min(attempt, 4) * (0.5 + clock.random()));
    const action = decideAfterCheck({
      pending,
      checksLeft: policy.verifyAttempts - attempt,
      reRotationsLeft: ours.reRotationsLeft,
      alternating: ours.alternating,
      budgetAllowsCheck: section.budget?.fits(wait + worst.checkMs + worst.callMs) ?? false,
      budgetAllowsReRotation: section.budget?.fits(worst.regenerateMs + 2 * worst.callMs + worst.checkMs) ?? false,
    });
    switch (action.kind) {
      case "promote":
        return { kind: "promote", verified: true };
      case "promote-unverified":
        return { kind: "promote", verified: false };
      case "re-rotate":
        return { kind: "re-rotate" };
      case "check-again":
        await clock.sleep(wait);
        continue;
      case "fail":
        throw new NotVerifiedError(ours.clientId, ours.secretArn, action.why);
    }
  }
}

/**
 * Step 6: AWSCURRENT moves to the new version, a compare-and-set on the version that was current (AWSPREVIOUS follows
 * it); the caller then takes AWSPENDING off (the lock is given back). If something outside keyward wrote AWSCURRENT
 * meanwhile, it is read: another client's document there is never overwritten (ConflictError, exit 5; the new secret
 * stays at AWSPENDING); otherwise the move is repeated once. Refused when the budget no longer fits it: the new value
 * stays at AWSPENDING for a re-run or a repair to promote (exit 4).
 */
export async function promote(run: Run, section: Section, lock: SecretLock, versionId: string, clientId: string, pair: string[]): Promise<void> {
  const { deps, worst } = run;
  let current = versionWith(lock.description.versionIdsToStages, AWSCURRENT);
  for (let attempt = 1; ; attempt++) {
    if (!section.budget?.fits(worst.callMs)) throw new NotVerifiedError(clientId, lock.secretArn, "not-promoted");
    try {
      if (current !== versionId) await deps.store.updateStage(lock.secretArn, AWSCURRENT, { moveTo: versionId, ...(current ? { removeFrom: current } : {}) });
      return;
    } catch (err) {
      if (!isStageConflict(err) || attempt > 1) throw new NotVerifiedError(clientId, lock.secretArn, "not-promoted", err);
      current = versionWith((await deps.store.describe(lock.secretArn)).versionIdsToStages, AWSCURRENT);
      const written = current ? await deps.store.getVersion(lock.secretArn, current) : undefined;
      const doc = written ? parseStoredCredentials(written.value) : undefined;
      if (doc && !pair.includes(canonicalClientId(doc.clientId))) {
        throw new ConflictError(
          `client ${clientId}: AWSCURRENT of ${lock.secretArn} now holds client ${doc.clientId}'s credentials, written outside keyward while this run rotated; they are left in place, and ${clientId}'s new secret waits at AWSPENDING`,
          "secret-overwritten-by-other-client",
          `give each client its own secret; then move ${clientId}'s new secret where it belongs (it is version ${versionId} of ${lock.secretArn}), or re-run \`keyward rotate --client-id ${clientId} --secret-id <its own secret>\``,
        );
      }
    }
  }
}
