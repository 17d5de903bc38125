import { randomUUID } from "node:crypto";
import { canonicalClientId, CLIENT_ID_TAG, STANDBY_CLIENT_ID_TAG } from "../contracts/client-id-tag.js";
import { parseStoredCredentials, serializeStoredCredentials, type StoredCredentials } from "../contracts/credential-document.js";
import { serializeRotationIntent } from "../contracts/rotation-intent.js";
import { KeywardError, UsageError } from "../core/errors.js";
import type { Logger } from "../core/log.js";
import { registerClientSecret } from "../core/redact.js";
import type { SecretDescription } from "../secrets/index.js";
import { CriticalBudget } from "./budget.js";
import { chooseTarget } from "./decide.js";
import { NotStoredError } from "./errors.js";
import { checkPending, regenerate, runContext, type Section } from "./critical-section.js";
import type { RunGate } from "./interrupt.js";
import { AWSCURRENT, AWSPENDING, INTENT_LABEL, versionWith } from "./lock.js";
import { DEFAULT_ROTATION_POLICY, lockTtlMs, type RotationPolicy } from "./policy.js";
import { currentProcessIdentity } from "./process-identity.js";
import type { RotationDeps } from "./types.js";

/** The event Secrets Manager invokes a rotation function with (reference §5.1). */
export interface SecretsManagerRotationEvent {
  Step: "createSecret" | "setSecret" | "testSecret" | "finishSecret";
  SecretId: string;
  ClientRequestToken: string;
  RotationToken?: string;
}

export function isRotationEvent(event: unknown): event is SecretsManagerRotationEvent {
  const e = event as Record<string, unknown> | null;
  return !!e && typeof e === "object" && typeof e.Step === "string" && typeof e.SecretId === "string" && typeof e.ClientRequestToken === "string";
}

export interface StepOutcome {
  step: SecretsManagerRotationEvent["Step"];
  secretArn: string;
  /** What the step did: `done` (its work), `already-done` (a re-invocation), `nothing` (setSecret). */
  result: "done" | "already-done" | "nothing";
  /** The client regenerated (createSecret) or tested (testSecret). */
  clientId?: string;
}

/**
 * Secrets Manager's own rotation protocol for a keyward secret (README "Secrets Manager's own rotation"), one step per
 * invocation, each safe to invoke again for the same ClientRequestToken (Secrets Manager retries whole rotations):
 * - every step first checks, as AWS's template does, that rotation is enabled and that the token's version exists:
 *   already AWSCURRENT → nothing to do; not AWSPENDING → refused;
 * - `createSecret`: the token's version already has a value → nothing to do. Otherwise the client to regenerate is
 *   chosen from the document at AWSCURRENT (alternating: the pair's member that is not current; single: the client),
 *   a lock record naming it is written first (it proves the write path and tells a janitor what is under way), then
 *   the client is regenerated and its new document put into the token's version (AWSPENDING), within the critical
 *   budget that the invocation's remaining time allows;
 * - `setSecret`: nothing (the regenerate already set the secret in Genesys Cloud);
 * - `testSecret`: a token grant with the pending document must succeed;
 * - `finishSecret`: AWSCURRENT moves to the token's version (AWSPREVIOUS follows), and AWSPENDING comes off it.
 * Secrets Manager itself refuses to start a rotation while another keyward run holds AWSPENDING, and keyward's runs
 * wait for a rotation Secrets Manager started (src/rotation/lock.ts): the two never rotate one secret at once.
 */
export async function rotationStep(
  event: SecretsManagerRotationEvent,
  deps: RotationDeps,
  options: { gate?: RunGate; policy?: Partial<RotationPolicy> } = {},
): Promise<StepOutcome> {
  const { store, logger } = deps;
  const token = event.ClientRequestToken;
  const description = await store.describe(event.SecretId);
  const log = logger.child({ secretArn: description.arn, step: event.Step });
  if (description.rotationEnabled === false) throw new UsageError(`secret ${description.arn} does not have rotation enabled`, { reason: "rotation-not-enabled" });
  const stages = description.versionIdsToStages[token];
  if (!stages) throw new UsageError(`secret version ${token} has no stage for rotation of secret ${description.arn}`, { reason: "rotation-version-missing" });
  const outcome = (result: StepOutcome["result"], clientId?: string): StepOutcome => ({ step: event.Step, secretArn: description.arn, result, ...(clientId ? { clientId } : {}) });
  if (stages.includes(AWSCURRENT)) {
    // Done before (a re-invoked finishSecret, or a rotation that completed): tidy a leftover AWSPENDING.
    if (stages.includes(AWSPENDING)) await store.updateStage(description.arn, AWSPENDING, { removeFrom: token }).catch(() => undefined);
    log.info("rotation step: the version is already AWSCURRENT; nothing to do");
    return outcome("already-done");
  }
  if (!stages.includes(AWSPENDING))
    throw new UsageError(`secret version ${token} is not set as AWSPENDING for rotation of secret ${description.arn}`, { reason: "rotation-version-not-pending" });

  switch (event.Step) {
    case "createSecret":
      return createSecretStep(event, description, deps, options, log, outcome);
    case "setSecret":
      log.info("rotation step: nothing to set (the regenerate set the secret in Genesys Cloud)");
      return outcome("nothing");
    case "testSecret": {
      const pending = await pendingDocument(deps, description.arn, token);
      const run = runContext(deps, { ...DEFAULT_ROTATION_POLICY, ...options.policy });
      const section: Section = { budget: undefined, leave: () => undefined };
      section.budget = new CriticalBudget(run.clock, run.clock.now() + run.policy.criticalBudgetMs);
      const checked = await checkPending(run, section, {
        clientId: pending.clientId,
        secret: pending.clientSecret,
        secretArn: description.arn,
        alternating: true,
        reRotationsLeft: 0,
      });
      if (checked.kind !== "promote" || !checked.verified)
        throw new KeywardError(`the pending secret of ${description.arn} does not authenticate`, { reason: "verification-failed" });
      log.info("rotation step: the pending secret authenticates", { clientId: pending.clientId });
      return outcome("done", pending.clientId);
    }
    case "finishSecret": {
      const current = versionWith(description.versionIdsToStages, AWSCURRENT);
      await store.updateStage(description.arn, AWSCURRENT, { moveTo: token, ...(current ? { removeFrom: current } : {}) });
      await store.updateStage(description.arn, AWSPENDING, { removeFrom: token });
      log.info("rotation step: the pending version is AWSCURRENT", { versionId: token });
      return outcome("done");
    }
  }
}

async function createSecretStep(
  event: SecretsManagerRotationEvent,
  description: SecretDescription,
  deps: RotationDeps,
  options: { gate?: RunGate; policy?: Partial<RotationPolicy> },
  log: Logger,
  outcome: (result: StepOutcome["result"], clientId?: string) => StepOutcome,
): Promise<StepOutcome> {
  const { store } = deps;
  const token = event.ClientRequestToken;
  const existing = await store.getVersion(description.arn, token);
  if (existing) {
    const doc = parseStoredCredentials(existing.value);
    log.info("rotation step: the pending version already has its value", { clientId: doc?.clientId });
    return outcome("already-done", doc?.clientId);
  }
  const current = parseStoredCredentials((await store.getValue(description.arn, AWSCURRENT)).value);
  if (!current)
    throw new UsageError(`secret ${description.arn} holds no keyward credential document at AWSCURRENT to rotate from`, {
      reason: "secret-holds-other-value",
      hint: "rotate it once with keyward rotate (which writes the document), then let Secrets Manager rotate it",
    });
  const pair = pairOf(description, current);
  const targetId = chooseTarget(pair, canonicalClientId(current.clientId));
  const run = runContext(deps, { ...DEFAULT_ROTATION_POLICY, ...options.policy });
  // The lock record, before the regenerate: proves the write path and names the client for a janitor.
  const now = run.clock.now();
  const process = currentProcessIdentity();
  await store.putValue(
    description.arn,
    serializeRotationIntent({
      owner: randomUUID(),
      clientId: targetId,
      startedAt: new Date(now).toISOString(),
      expiresAt: new Date(now + lockTtlMs(run.policy)).toISOString(),
      by: "secrets manager rotation",
      ...(process ? { process } : {}),
    }),
    randomUUID(),
    [INTENT_LABEL],
  );
  const section: Section = { budget: undefined, leave: () => undefined };
  const secret = await regenerate(run, { clientId: targetId, secretId: description.arn, lockExpiresAtMs: Number.POSITIVE_INFINITY }, options.gate, section);
  registerClientSecret(targetId, secret);
  const other = targetId === pair.primary ? pair.standby : pair.primary;
  const doc: StoredCredentials = {
    clientId: targetId,
    clientSecret: secret,
    region: current.region,
    rotatedAt: new Date(run.clock.now()).toISOString(),
    rotatedBy: "keyward",
    ...(current.gateway ? { gateway: current.gateway } : {}),
    ...(other ? { pairedClientId: other } : {}),
  };
  try {
    await store.putValue(description.arn, serializeStoredCredentials(doc), token, [AWSPENDING]);
  } catch (err) {
    throw new NotStoredError(targetId, description.arn, err);
  } finally {
    section.leave();
  }
  log.info("rotation step: regenerated into AWSPENDING", { clientId: targetId, alternating: pair.standby !== undefined });
  return outcome("done", targetId);
}

/** The clients a secret holds: its tags, else its document (the client, and its pairedClientId). */
function pairOf(description: SecretDescription, current: StoredCredentials): { primary: string; standby?: string } {
  const primary = description.tags[CLIENT_ID_TAG];
  const standby = description.tags[STANDBY_CLIENT_ID_TAG];
  if (primary) return { primary: canonicalClientId(primary), ...(standby ? { standby: canonicalClientId(standby) } : {}) };
  return { primary: canonicalClientId(current.clientId), ...(current.pairedClientId ? { standby: canonicalClientId(current.pairedClientId) } : {}) };
}

async function pendingDocument(deps: RotationDeps, secretArn: string, token: string): Promise<StoredCredentials> {
  const stored = await deps.store.getVersion(secretArn, token);
  const doc = stored ? parseStoredCredentials(stored.value) : undefined;
  if (!doc) throw new KeywardError(`the pending version ${token} of ${secretArn} holds no credential document (createSecret has not run)`, { reason: "rotation-version-empty" });
  return doc;
}
