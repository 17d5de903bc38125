import { canonicalClientId, CLIENT_ID_TAG, STANDBY_CLIENT_ID_TAG } from "../contracts/client-id-tag.js";
import { parseStoredCredentials } from "../contracts/credential-document.js";
import { exitCodeOfOutcome, type Outcome } from "../core/exit-codes.js";
import { KeywardError } from "../core/errors.js";
import type { Logger } from "../core/log.js";
import { registerClientSecret } from "../core/redact.js";
import type { OAuthClient } from "../genesys/types.js";
import { SecretsError, serializeStoredCredentials } from "../secrets/index.js";
import { CriticalBudget } from "./budget.js";
import { claimSecret, type Claim } from "./claim.js";
import { chooseTarget } from "./decide.js";
import { checkPending, NotStartedError, promote, regenerate, runContext, storePending, type Run, type Section } from "./critical-section.js";
import { ConflictError, NotStoredError, NotVerifiedError, outcomeOfError, PreflightError } from "./errors.js";
import { describeStop, type StopReason } from "./interrupt.js";
import { acquireLock, AWSCURRENT, probeWritePath, releaseLock, versionWith, type SecretLock } from "./lock.js";
import { DEFAULT_ROTATION_POLICY } from "./policy.js";
import { dryRunSteps, preflight, type Preflight } from "./preflight.js";
import type { RotateOptions, RotationDeps, RotationResult, RotationTarget, RotationTimings } from "./types.js";

// The shapes and the policy are defined in their own modules; re-exported here for the callers of rotateClient.
export type { RotateOptions, RotationDeps, RotationResult, RotationTarget, RotationTimings } from "./types.js";
export { DEFAULT_ROTATION_POLICY, worstCaseCriticalMs, type RotationPolicy } from "./policy.js";

/**
 * Rotates one client (or the standby of an alternating pair), as named steps:
 * 1. preflight: the guards, read-only;
 * 2. lock: the intent written into the secret (proving the write path) and AWSPENDING taken with a compare-and-set;
 *    then, under the lock, the guards against other runs again and the claim (tags);
 * 3. regenerate, the point of no return, sent only with a whole critical budget left;
 * 4. store the new document at AWSPENDING; 5. verify it with a token grant; 6. promote it to AWSCURRENT and release.
 * Throws nothing: failures come back as a result with a typed outcome (and its exit code), so a fleet can continue.
 */
export async function rotateClient(target: RotationTarget, deps: RotationDeps, options: RotateOptions = {}): Promise<RotationResult> {
  const run = runContext(deps, { ...DEFAULT_ROTATION_POLICY, ...options.policy });
  const policy = run.policy;
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

  let lock: SecretLock | undefined;
  let claim: Claim | undefined;
  let regenerated = false;
  /** Keep AWSPENDING where it is: it holds a new secret nobody else has (a re-run or a repair promotes it). */
  let keepPending = false;
  const section: Section = { budget: undefined, leave: () => undefined };
  try {
    // ---- 1. guards: nothing changes until all of them pass ------------------------------------------------
    const pre = await timed("preflightMs", () =>
      preflight(target, deps, options, (client) => {
        result.clientId = client.id;
        result.clientName = client.name;
      }),
    );
    result.clientId = pre.client.id;
    result.clientName = pre.client.name;
    result.rotation = pre.pair.standby ? "alternating" : "single";
    log = deps.logger.child({ clientId: pre.client.id, secretId: target.secretId });
    if (pre.secretArn) result.secretArn = pre.secretArn;

    if (options.dryRun) {
      const checked = pre.secretArn !== undefined && pre.hasVersions;
      if (checked) await timed("preflightMs", () => writePathProven(() => probeWritePath(deps.store, pre.secretArn!, pre.targetClientId), target.secretId));
      result.plan = {
        clientState: pre.client.state ?? "active",
        secretExists: pre.secretArn !== undefined,
        wouldCreateSecret: pre.createSecret,
        steps: dryRunSteps(target, pre, checked ? "checked" : "empty"),
      };
      result.regeneratedClientId = pre.targetClientId;
      log.info("dry run: preflight passed", { clientState: result.plan.clientState, writePath: checked ? "checked" : "not checked (empty container)" });
      return finish(result, "dry-run");
    }

    // ---- 2. the lock (which proves the write path), then the guards against other runs and the claim ---------
    const held = await timed("preflightMs", () =>
      writePathProven(
        () =>
          acquireLock(
            { store: deps.store, clock, policy, logger: log, gate: options.gate },
            {
              secretId: pre.secretArn ?? target.secretId,
              clientId: pre.targetClientId,
              by: options.by ?? "keyward rotate",
              ...(pre.createSecret ? { create: { tags: { [CLIENT_ID_TAG]: pre.pair.primary, ...(pre.pair.standby ? { [STANDBY_CLIENT_ID_TAG]: pre.pair.standby } : {}) } } } : {}),
            },
          ),
        target.secretId,
      ),
    );
    lock = held;
    result.secretArn = held.secretArn;
    if (held.created) result.createdSecret = true;
    claim = await timed("preflightMs", () => claimSecret(deps.store, held, target.secretId, pre.pair, options, log));
    if (claim.tookOverFrom.length) result.tookOverFrom = claim.tookOverFrom;
    let currentClientId = claim.currentClientId;

    // ---- an interrupted rotation's new secret, still at AWSPENDING: made current if it works ------------------
    if (held.tookOver?.kind === "credentials") {
      const recovered = await recoverPending(run, held, pre, log);
      if (recovered) {
        currentClientId = recovered;
        result.recovered = "promoted-pending";
      }
    }
    if (options.mode === "repair" && currentClientId !== undefined && (await currentWorks(deps, held))) {
      result.recovered ??= "healthy";
      result.currentClientId = currentClientId;
      log.info("repair: AWSCURRENT authenticates; nothing to regenerate", { recovered: result.recovered });
      return finish(result, "rotated");
    }
    const targetClientId = chooseTarget(pre.pair, currentClientId);
    const targetClient = clientFor(pre, targetClientId);
    if (targetClientId === canonicalClientId(deps.genesys.adminClientId) && !options.rotateSelf) {
      throw new PreflightError(
        `client ${targetClientId} is the admin client this run authenticates as`,
        "rotates-admin-client",
        "pass --rotate-self, or rotate it with another admin client",
        "misconfigured",
      );
    }
    const alternating = pre.pair.standby !== undefined;
    const secretArn = held.secretArn;
    if (options.proceed && !(await options.proceed())) throw new NotStartedError({ kind: "called-off", detail: "the caller said no before the regenerate" });

    // ---- 3–6. regenerate → store at AWSPENDING → verify → promote -----------------------------------------
    for (let round = 0; round <= policy.maxReRotations; round++) {
      const secret = await timed("regenerateMs", () =>
        regenerate(run, { clientId: targetClient.id, secretId: target.secretId, lockExpiresAtMs: held.expiresAtMs }, options.gate, section),
      );
      regenerated = true;
      registerClientSecret(targetClient.id, secret);
      result.regenerations++;
      result.regeneratedClientId = targetClient.id;
      if (targetClientId === canonicalClientId(deps.genesys.adminClientId)) result.selfRotated = true;
      await options.onNewSecret?.(targetClient.id, secret);
      log.info("regenerated client secret", { round, regeneratedClientId: targetClient.id });

      const value = serializeStoredCredentials({
        clientId: targetClient.id,
        clientSecret: secret,
        region: deps.region,
        rotatedAt: new Date(clock.now()).toISOString(),
        rotatedBy: "keyward",
        ...(deps.gateway ? { gateway: deps.gateway } : {}),
        ...(alternating ? { pairedClientId: clientFor(pre, targetClientId === pre.pair.primary ? pre.pair.standby! : pre.pair.primary).id } : {}),
      });
      const versionId = await timed("storeMs", () => storePending(run, section, held, value, targetClient.id, target.secretId));
      keepPending = true;
      log.info("stored new secret", { secretArn, versionId, stage: "AWSPENDING" });

      const checked = await timed("verifyMs", () =>
        checkPending(run, section, { clientId: targetClient.id, secret, secretArn, alternating, reRotationsLeft: policy.maxReRotations - round }),
      );
      if (checked.kind === "re-rotate") {
        keepPending = false;
        log.warn("the new secret does not authenticate (regenerated outside keyward?); regenerating again", { round });
        continue;
      }
      await timed("verifyMs", () => promote(run, section, held, versionId, targetClient.id, members(pre)));
      keepPending = false;
      section.leave();
      result.versionId = versionId;
      result.currentClientId = targetClient.id;
      log.info(checked.verified ? "verified and made current" : "made current without a conclusive check", { versionId, stage: "AWSCURRENT" });
      if (!checked.verified) throw new NotVerifiedError(targetClient.id, secretArn, "unknown", undefined, true);
      // ---- 7. a pair's first rotation: no document held the other member's secret (its creation-time one) ------
      const other = targetClientId === pre.pair.primary ? pre.pair.standby : pre.pair.primary;
      if (alternating && currentClientId === undefined && other !== undefined) {
        // Never the admin client this run authenticates as: its secret is the one in use right now.
        result.pairMember =
          other === canonicalClientId(deps.genesys.adminClientId)
            ? { clientId: clientFor(pre, other).id, outcome: "not-sealed", reason: "it is the admin client this run authenticates as" }
            : await sealPairMember(run, clientFor(pre, other).id, log);
      }
      return finish(result, "rotated");
    }
    keepPending = false;
    throw new NotVerifiedError(targetClient.id, secretArn, "dead");
  } catch (err) {
    if (err instanceof NotVerifiedError && (err.reason === "verification-failed" || (err.reason === "verification-inconclusive" && result.rotation === "alternating")))
      keepPending = false;
    if (err instanceof ConflictError && err.reason === "rotation-in-progress") keepPending = false;
    if (err instanceof NotStartedError && !regenerated) {
      skipped(result, err.stop, log);
    } else {
      const e = asKeywardError(err);
      result.reason = e.reason;
      result.message = e.message;
      if (e.hint) result.hint = e.hint;
      finish(result, outcomeOfError(err));
      log.info("rotation failed", { reason: e.reason, exitCode: result.exitCode });
    }
    // A regenerate that may have happened keeps the container and its claim: the re-run stores into the same secret.
    if (!regenerated && !(err instanceof NotStoredError)) {
      await claim?.release();
      if (lock?.created) {
        // The container this run created holds nothing but its lock record: remove it, lock and all.
        await deps.store.deleteUnused(lock.secretArn).then(
          () => log.info("removed the container this run created", { secretArn: lock!.secretArn }),
          () => log.warn("could not remove the container this run created", { secretArn: lock!.secretArn }),
        );
        lock = undefined;
      }
    }
    return result;
  } finally {
    section.leave();
    if (lock && !keepPending) await releaseLock(deps.store, lock, log);
    timings.totalMs = Math.round(clock.now() - started);
  }
}

/**
 * Step 7 of a pair's first rotation (AWSCURRENT held neither member): the other member still has the secret it was
 * created with, which passed through whoever created it (the Terraform provider's response) and which no document
 * holds. Regenerating it kills that value; the new one is discarded, never stored or printed (the next rotation
 * regenerates that member and stores it). Nothing else depends on it, so a failure is reported, not fatal.
 */
async function sealPairMember(run: Run, clientId: string, log: Logger): Promise<NonNullable<RotationResult["pairMember"]>> {
  try {
    await run.deps.genesys.regenerateSecret(clientId);
    log.info("pair's first rotation: the other member's creation-time secret regenerated away", { sealedClientId: clientId });
    return { clientId, outcome: "sealed" };
  } catch (err) {
    const reason = asKeywardError(err).reason;
    log.warn("pair's first rotation: could not regenerate the other member's creation-time secret", { sealedClientId: clientId, reason });
    return { clientId, outcome: "not-sealed", reason };
  }
}

/**
 * A taken-over AWSPENDING that holds one of the pair's credential documents: a rotation that stored its new secret and
 * died before promoting it. If that secret authenticates and AWSCURRENT's does not (or holds the other member of the
 * pair, which is older), it is promoted. Returns the client now current, or undefined when nothing was promoted.
 */
async function recoverPending(run: Run, lock: SecretLock, pre: Preflight, log: Logger): Promise<string | undefined> {
  const taken = lock.tookOver;
  if (taken?.kind !== "credentials") return undefined;
  const id = canonicalClientId(taken.doc.clientId);
  if (id !== pre.pair.primary && id !== pre.pair.standby) return undefined;
  if ((await run.deps.check(taken.doc.clientId, taken.doc.clientSecret)) !== "live") return undefined;
  const current = versionWith(lock.description.versionIdsToStages, AWSCURRENT);
  if (current) {
    const stored = parseStoredCredentials((await run.deps.store.getValue(lock.secretArn, AWSCURRENT)).value);
    if (stored && canonicalClientId(stored.clientId) === id && (await run.deps.check(stored.clientId, stored.clientSecret)) === "live") return undefined;
  }
  await promote(
    run,
    { budget: new CriticalBudget(run.clock, run.clock.now() + run.policy.criticalBudgetMs), leave: () => undefined },
    lock,
    taken.versionId,
    taken.doc.clientId,
    members(pre),
  );
  lock.description = await run.deps.store.describe(lock.secretArn);
  log.warn("promoted the new secret an interrupted rotation left at AWSPENDING", { versionId: taken.versionId, clientId: taken.doc.clientId });
  return id;
}

async function currentWorks(deps: RotationDeps, lock: SecretLock): Promise<boolean> {
  if (!versionWith(lock.description.versionIdsToStages, AWSCURRENT)) return false;
  const doc = parseStoredCredentials((await deps.store.getValue(lock.secretArn, AWSCURRENT)).value);
  return doc !== undefined && (await deps.check(doc.clientId, doc.clientSecret)) === "live";
}

function members(pre: Preflight): string[] {
  return [pre.pair.primary, ...(pre.pair.standby ? [pre.pair.standby] : [])];
}

function clientFor(pre: Preflight, canonicalId: string): OAuthClient {
  if (pre.standby && canonicalClientId(pre.standby.id) === canonicalId) return pre.standby;
  return pre.client;
}

const WRITE_PATH_DENIALS: ReadonlySet<string> = new Set(["secrets-access-denied", "secrets-kms-access-denied", "secrets-kms-key-unusable"]);

/**
 * A refused write to the secret (an explicit deny, a KMS key without GenerateDataKey) before the regenerate: the
 * rotation stops there, with the AWS identity's missing permission named (exit 2).
 */
async function writePathProven<T>(step: () => Promise<T>, secretId: string): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (!(err instanceof SecretsError) || !WRITE_PATH_DENIALS.has(err.reason)) throw err;
    const aws = (err.cause as { message?: string } | undefined)?.message;
    throw new PreflightError(
      `keyward may not write secret ${secretId} (${err.message}${aws ? `: ${aws}` : ""}); nothing was regenerated`,
      "write-path-denied",
      `give the AWS identity secretsmanager:PutSecretValue and UpdateSecretVersionStage on the secret, and kms:GenerateDataKey and kms:Decrypt on its KMS key (KMS key policies can deny them too)`,
      "misconfigured",
      err,
    );
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
  finish(result, stop.kind === "deadline" ? "out-of-time" : "interrupted");
  result.reason = stop.kind === "signal" ? "interrupted" : stop.kind === "deadline" ? "deadline" : "called-off";
  result.message = `not rotated: ${describeStop(stop)} before its regenerate started (nothing was changed for this client)`;
  result.hint = "re-run the rotation for the clients marked skipped";
  log.info("rotation skipped", { reason: result.reason });
  return result;
}

function asKeywardError(err: unknown): KeywardError {
  if (err instanceof KeywardError) return err;
  return new KeywardError(err instanceof Error ? err.message : String(err), { reason: "unexpected", cause: err });
}
