import { exitCodeOfOutcome, type Outcome } from "../core/exit-codes.js";
import { KeywardError } from "../core/errors.js";
import type { Logger } from "../core/log.js";
import { registerClientSecret } from "../core/redact.js";
import { serializeStoredCredentials } from "../secrets/index.js";
import { claimSecret } from "./claim.js";
import { regenerate, runContext, store, verify } from "./critical-section.js";
import { NotStoredError, NotVerifiedError, outcomeOfError } from "./errors.js";
import { describeStop, type StopReason } from "./interrupt.js";
import { DEFAULT_ROTATION_POLICY } from "./policy.js";
import { dryRunSteps, preflight } from "./preflight.js";
import type { RotateOptions, RotationDeps, RotationResult, RotationTarget, RotationTimings } from "./types.js";

// The shapes and the policy are defined in their own modules; re-exported here for the callers of rotateClient.
export type { RotateOptions, RotationDeps, RotationResult, RotationTarget, RotationTimings } from "./types.js";
export { DEFAULT_ROTATION_POLICY, worstCaseCriticalMs, type RotationPolicy } from "./policy.js";

/**
 * Rotates one client, as named steps: preflight (guards) → claim → regenerate → store → verify, converging with
 * concurrent runs. Throws nothing: failures come back as a result with a typed outcome (and its exit code), so a
 * fleet can continue past them.
 */
export async function rotateClient(target: RotationTarget, deps: RotationDeps, options: RotateOptions = {}): Promise<RotationResult> {
  const policy = { ...DEFAULT_ROTATION_POLICY, ...options.policy };
  const run = runContext(deps, policy);
  const clock = run.clock;
  const started = clock.now();
  const timings: RotationTimings = { preflightMs: 0, regenerateMs: 0, storeMs: 0, verifyMs: 0, totalMs: 0 };
  const result: RotationResult = {
    clientId: target.clientId ?? "",
    ...(target.clientName ? { clientName: target.clientName } : {}),
    secretId: target.secretId,
    status: "failed",
    outcome: "failed",
    exitCode: exitCodeOfOutcome("failed"),
    regenerations: 0,
    timings,
  };
  let log = deps.logger.child({ secretId: target.secretId, ...(target.clientId ? { clientId: target.clientId } : {}) });
  const timed = async <T>(key: keyof RotationTimings, step: () => Promise<T>): Promise<T> => {
    const t0 = clock.now();
    try {
      return await step();
    } finally {
      timings[key] += Math.round(clock.now() - t0);
    }
  };

  let release: (() => Promise<void>) | undefined;
  try {
    // ---- guards: nothing changes until all of them pass ------------------------------------------------
    const pre = await timed("preflightMs", () =>
      preflight(target, deps, options, (client) => {
        result.clientId = client.id;
        result.clientName = client.name;
      }),
    );
    result.clientId = pre.client.id;
    result.clientName = pre.client.name;
    log = deps.logger.child({ clientId: pre.client.id, secretId: target.secretId });
    if (pre.secretArn) result.secretArn = pre.secretArn;

    if (options.dryRun) {
      result.plan = { clientState: pre.client.state ?? "active", secretExists: pre.secretArn !== undefined, wouldCreateSecret: pre.createSecret, steps: dryRunSteps(target, pre) };
      log.info("dry run: preflight passed", { clientState: result.plan.clientState });
      return finish(result, "dry-run");
    }

    // ---- claim: this secret holds this client, and no other secret does (one client, one secret) -------------
    const claim = await timed("preflightMs", () => claimSecret(target, pre, deps, options, log));
    release = claim.release;
    const secretArn = claim.secretArn;
    result.secretArn = secretArn;
    if (claim.created) result.createdSecret = true;
    if (claim.tookOverFrom.length) result.tookOverFrom = claim.tookOverFrom;
    const clientId = pre.client.id;
    const self = clientId === deps.genesys.adminClientId;

    // ---- regenerate → store → verify, converging with concurrent runs ------------------------------------
    for (let round = 0; round <= policy.maxReRotations; round++) {
      const stop = options.gate?.stopReason;
      if (stop) {
        if (round === 0) {
          await release?.();
          release = undefined;
          return skipped(result, stop, log);
        }
        throw new NotVerifiedError(clientId, secretArn, "dead");
      }
      const leave = options.gate?.enter({ clientId, secretId: target.secretId });
      try {
        let secret: string;
        try {
          secret = await timed("regenerateMs", () => regenerate(run, clientId, target.secretId));
        } catch (err) {
          // Nothing was changed in Genesys: the claim this run added (or the empty container it made) is undone.
          // A regenerate that may have happened keeps it: the re-run stores into the same secret.
          if (!(err instanceof NotStoredError)) await release?.();
          release = undefined;
          throw err;
        }
        release = undefined;
        run.criticalUntil = clock.now() + policy.criticalBudgetMs;
        registerClientSecret(clientId, secret);
        result.regenerations++;
        if (self) result.selfRotated = true;
        await options.onNewSecret?.(clientId, secret);
        log.info("regenerated client secret", { round });

        const value = serializeStoredCredentials({
          clientId,
          clientSecret: secret,
          region: deps.region,
          rotatedAt: new Date(clock.now()).toISOString(),
          rotatedBy: "keyward",
          ...(deps.gateway ? { gateway: deps.gateway } : {}),
        });
        let ourVersion = await timed("storeMs", () => store(run, clientId, secretArn, value, target.secretId));
        log.info("stored new secret", { secretArn, versionId: ourVersion });

        const outcome = await timed("verifyMs", () =>
          verify(run, { clientId, secretArn, secret, value, reRotationsLeft: policy.maxReRotations - round }, (v) => {
            ourVersion = v;
          }),
        );
        if (outcome.kind === "verified") {
          result.versionId = outcome.versionId;
          if (outcome.versionId !== ourVersion) result.superseded = true;
          log.info("verified AWSCURRENT", { versionId: outcome.versionId, superseded: result.superseded ?? false });
          return finish(result, "rotated");
        }
        if (outcome.kind === "failed") throw new NotVerifiedError(clientId, secretArn, outcome.why);
      } finally {
        leave?.();
      }
      log.warn("AWSCURRENT does not authenticate after waiting for concurrent runs; regenerating again", { round });
      await clock.sleep(Math.round(clock.random() * 300));
    }
    throw new NotVerifiedError(clientId, secretArn, "dead");
  } catch (err) {
    const e = asKeywardError(err);
    const outcome = outcomeOfError(err);
    result.reason = e.reason;
    result.message = e.message;
    if (e.hint) result.hint = e.hint;
    finish(result, outcome);
    log.info("rotation failed", { reason: e.reason, exitCode: result.exitCode });
    await release?.();
    return result;
  } finally {
    timings.totalMs = Math.round(clock.now() - started);
  }
}

/** Sets the outcome, the status that follows from it, and its exit code (from the one table). */
function finish(result: RotationResult, outcome: Outcome): RotationResult {
  result.outcome = outcome;
  result.exitCode = exitCodeOfOutcome(outcome);
  result.status = outcome === "rotated" ? "rotated" : outcome === "dry-run" ? "dry-run" : outcome === "interrupted" || outcome === "out-of-time" ? "skipped" : "failed";
  return result;
}

function skipped(result: RotationResult, stop: StopReason, log: Logger): RotationResult {
  finish(result, stop.kind === "signal" ? "interrupted" : "out-of-time");
  result.reason = stop.kind === "signal" ? "interrupted" : "deadline";
  result.message = `not rotated: ${describeStop(stop)} before its regenerate started (nothing was changed for this client)`;
  result.hint = "re-run the rotation for the clients marked skipped";
  log.info("rotation skipped", { reason: result.reason });
  return result;
}

function asKeywardError(err: unknown): KeywardError {
  if (err instanceof KeywardError) return err;
  return new KeywardError(err instanceof Error ? err.message : String(err), { reason: "unexpected", cause: err });
}
