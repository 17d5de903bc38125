import { randomUUID } from "node:crypto";
import { canonicalClientId } from "../contracts/client-id-tag.js";
import { parseStoredCredentials, type StoredCredentials } from "../contracts/credential-document.js";
import { parseRotationIntent, serializeRotationIntent, type RotationIntent } from "../contracts/rotation-intent.js";
import { KeywardError } from "../core/errors.js";
import type { Logger } from "../core/log.js";
import { SecretsError, type SecretDescription, type SecretStore } from "../secrets/index.js";
import type { Clock } from "./clock.js";
import { decideLock, type PendingHolder } from "./decide.js";
import { ConflictError } from "./errors.js";
import type { RunGate } from "./interrupt.js";
import { describeStop } from "./interrupt.js";
import { lockTtlMs, type RotationPolicy } from "./policy.js";
import { currentProcessIdentity, isProvablyGone } from "./process-identity.js";

export const AWSCURRENT = "AWSCURRENT";
export const AWSPENDING = "AWSPENDING";
/** Keeps a run's intent version labelled (so it is not a deprecated version) while it waits for AWSPENDING. */
export const INTENT_LABEL = "KEYWARD_INTENT";
/** The dry run's write probe: written with this label only, and the label removed again. */
export const PROBE_LABEL = "KEYWARD_WRITE_PROBE";

/** What holds AWSPENDING of a secret, read (never changed) by {@link inspectPending}. */
export type PendingState =
  | { kind: "none" }
  | { kind: "intent"; versionId: string; isCurrent: boolean; intent: RotationIntent; free: boolean }
  | { kind: "credentials"; versionId: string; isCurrent: boolean; doc: StoredCredentials; createdDate?: Date; free: boolean }
  | { kind: "empty"; versionId: string; isCurrent: boolean; free: boolean }
  | { kind: "other"; versionId: string; isCurrent: boolean; createdDate?: Date; free: boolean };

/** The version id of a run's new credentials: its intent's id (the run's owner id) and a suffix. */
export function pendingVersionId(intent: RotationIntent): string {
  return `${intent.owner}.${randomUUID().slice(0, 8)}`;
}

/** The intent version a pending version id names, if it is one keyward made. */
function intentOf(versionId: string): string | undefined {
  const m = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.[0-9a-f]{8}$/.exec(versionId);
  return m?.[1];
}

export function versionWith(stages: Record<string, string[]>, label: string): string | undefined {
  return Object.entries(stages).find(([, s]) => s.includes(label))?.[0];
}

/** Reads the version at AWSPENDING and judges whether a new run may take it (src/rotation/decide.ts `decideLock`). */
export async function inspectPending(store: SecretStore, secretArn: string, stages: Record<string, string[]>, now: number, policy: RotationPolicy): Promise<PendingState> {
  const versionId = versionWith(stages, AWSPENDING);
  if (!versionId) return { kind: "none" };
  const isCurrent = stages[versionId]!.includes(AWSCURRENT);
  const stored = await store.getVersion(secretArn, versionId);
  const judge = (holder: Omit<PendingHolder, "isCurrent">) => decideLock({ ...holder, isCurrent }, now, lockTtlMs(policy), policy.lockSkewMs) === "free";
  if (!stored) return { kind: "empty", versionId, isCurrent, free: judge({ content: "empty" }) };
  const createdMs = stored.createdDate?.getTime();
  const intent = parseRotationIntent(stored.value);
  if (intent)
    return {
      kind: "intent",
      versionId,
      isCurrent,
      intent,
      free: judge({ content: "intent", expiresAtMs: Date.parse(intent.expiresAt), holderGone: isProvablyGone(intent.process) }),
    };
  const doc = parseStoredCredentials(stored.value);
  const dated = stored.createdDate ? { createdDate: stored.createdDate } : {};
  if (doc) {
    // A keyward run names its new version after its intent: that run's lock decides.
    const owner = intentOf(versionId);
    const runIntent = owner ? parseRotationIntent((await store.getVersion(secretArn, owner))?.value) : undefined;
    const holder = runIntent ? { expiresAtMs: Date.parse(runIntent.expiresAt), holderGone: isProvablyGone(runIntent.process) } : createdMs !== undefined ? { createdMs } : {};
    return { kind: "credentials", versionId, isCurrent, doc, ...dated, free: judge({ content: "credentials", ...holder }) };
  }
  return { kind: "other", versionId, isCurrent, ...dated, free: judge({ content: "other", ...(createdMs !== undefined ? { createdMs } : {}) }) };
}

/** The rotation lock of one secret, held by this run. */
export interface SecretLock {
  secretArn: string;
  intent: RotationIntent;
  /** The version AWSPENDING is on now (the intent; the new credentials once stored). */
  holderVersionId: string;
  /** The secret as it was when the lock was taken. */
  description: SecretDescription;
  /** What this run took AWSPENDING from, when it took over an expired or leftover holder. */
  tookOver?: PendingState;
  /** True when this run created the container (with its intent as the first version). */
  created: boolean;
  /** Epoch ms: the regenerate must be sent early enough for the critical section to end before this. */
  expiresAtMs: number;
}

export interface AcquireRequest {
  /** The secret's ARN, or (with `create`) the name of the container to create. */
  secretId: string;
  clientId: string;
  by: string;
  /** Create the container: its first version is the intent (id = the run's token), with these tags. */
  create?: { tags: Record<string, string>; kmsKeyId?: string };
}

interface LockContext {
  store: SecretStore;
  clock: Clock;
  policy: RotationPolicy;
  logger: Logger;
  gate?: RunGate | undefined;
}

/**
 * Takes the rotation lock of a secret (README "The rotation lock"), proving the write path on the way:
 * 1. the intent (who, which client, since and until when) is written as a new version of the secret, labelled
 *    KEYWARD_INTENT only: PutSecretValue with the secret's own KMS key, so a denied write or a key without
 *    GenerateDataKey fails here, before anything changes in Genesys; with `create`, the container is created with
 *    the intent as its first version, and a lost answer is recognised by that version's id;
 * 2. AWSPENDING is moved onto it with UpdateSecretVersionStage, a compare-and-set: without RemoveFromVersionId when
 *    no version has the label, with the observed holder's id when that holder may be taken (a leftover, an expired
 *    intent, a stale pending value: src/rotation/decide.ts `decideLock`). Two runs never both succeed.
 * A live holder is waited for (polling, bounded by `lockWaitMs` and stop requests), then ConflictError (exit 5).
 */
export async function acquireLock(ctx: LockContext, request: AcquireRequest): Promise<SecretLock> {
  const { store, clock, policy, logger } = ctx;
  const ttl = lockTtlMs(policy);
  const newIntent = (): RotationIntent => {
    const now = clock.now();
    const process = currentProcessIdentity();
    return {
      owner: randomUUID(),
      clientId: canonicalClientId(request.clientId),
      startedAt: new Date(now).toISOString(),
      expiresAt: new Date(now + ttl).toISOString(),
      by: request.by,
      ...(process ? { process } : {}),
    };
  };
  let intent = newIntent();
  let secretArn = request.secretId;
  let created = false;
  if (request.create) {
    ({ secretArn, created } = await createWithIntent(store, request.secretId, intent, request.create, logger));
    if (!created) await store.putValue(secretArn, serializeRotationIntent(intent), intent.owner, [INTENT_LABEL]);
  } else {
    await store.putValue(secretArn, serializeRotationIntent(intent), intent.owner, [INTENT_LABEL]);
  }
  const started = clock.now();
  let waitMs = 100;
  let announced = false;
  for (;;) {
    const description = await store.describe(secretArn);
    const stages = description.versionIdsToStages;
    const holder = versionWith(stages, AWSPENDING);
    let tookOver: PendingState | undefined;
    let removeFrom: string | undefined;
    if (holder === intent.owner) return held(description, undefined);
    if (holder !== undefined) {
      const state = await inspectPending(store, secretArn, stages, clock.now(), policy);
      if (!("free" in state) || !state.free) {
        const stop = ctx.gate?.stopReason;
        if (stop || clock.now() - started + waitMs > policy.lockWaitMs) {
          await dropIntentLabel(store, secretArn, intent.owner);
          throw lockHeldError(request.secretId, state, stop ? describeStop(stop) : undefined);
        }
        if (!announced) {
          announced = true;
          logger.info("waiting for the rotation lock of the secret", { secretArn, holder: describeHolder(state) });
        }
        await clock.sleep(Math.round(waitMs * (0.5 + clock.random() / 2)));
        waitMs = Math.min(waitMs * 1.5, 1_000);
        continue;
      }
      tookOver = state;
      removeFrom = holder;
    }
    // After a wait, a fresh intent: the lock's lifetime counts from when it is taken, not from when it was asked for.
    if (clock.now() - Date.parse(intent.startedAt) > 1_000) {
      intent = newIntent();
      await store.putValue(secretArn, serializeRotationIntent(intent), intent.owner, [INTENT_LABEL]);
    }
    try {
      await store.updateStage(secretArn, AWSPENDING, { moveTo: intent.owner, ...(removeFrom ? { removeFrom } : {}) });
    } catch (err) {
      if (isStageConflict(err)) continue; // another run moved the label first: look again
      await dropIntentLabel(store, secretArn, intent.owner);
      throw err;
    }
    if (tookOver) logger.warn("took over the rotation lock from an expired or finished holder", { secretArn, holder: describeHolder(tookOver) });
    return held(await store.describe(secretArn), tookOver);
  }

  function held(description: SecretDescription, tookOver: PendingState | undefined): SecretLock {
    logger.info("took the rotation lock", { secretArn, owner: intent.owner, expiresAt: intent.expiresAt });
    return {
      secretArn: description.arn,
      intent,
      holderVersionId: intent.owner,
      description,
      created,
      expiresAtMs: Date.parse(intent.expiresAt),
      ...(tookOver ? { tookOver } : {}),
    };
  }
}

/**
 * CreateSecret with the intent as the first version, named by the run's token. When the answer is lost (a network
 * failure, or the SDK's retry with the same token answered ResourceExistsException), the secret is described: if its
 * versions include the token, this run created it.
 */
async function createWithIntent(
  store: SecretStore,
  name: string,
  intent: RotationIntent,
  create: NonNullable<AcquireRequest["create"]>,
  logger: Logger,
): Promise<{ secretArn: string; created: boolean }> {
  try {
    const out = await store.create(name, {
      tags: create.tags,
      value: serializeRotationIntent(intent),
      clientRequestToken: intent.owner,
      ...(create.kmsKeyId ? { kmsKeyId: create.kmsKeyId } : {}),
    });
    logger.info("created secret container", { secretArn: out.arn });
    return { secretArn: out.arn, created: true };
  } catch (err) {
    const lost = err instanceof SecretsError && (err.reason === "secret-exists" || err.retryable);
    if (!lost) throw err;
    let description: SecretDescription;
    try {
      description = await store.describe(name);
    } catch {
      throw err;
    }
    if (description.versionIdsToStages[intent.owner]) {
      logger.info("created secret container (its answer was lost; recognised by this run's version)", { secretArn: description.arn });
      return { secretArn: description.arn, created: true };
    }
    // Another run created it meanwhile: it is an existing secret now (the caller's guards run again under the lock).
    if (err.reason === "secret-exists") return { secretArn: description.arn, created: false };
    throw err;
  }
}

/** Gives the lock back: AWSPENDING off the version this run holds it on. Never throws (the real outcome matters more). */
export async function releaseLock(store: SecretStore, lock: SecretLock, logger: Logger): Promise<void> {
  try {
    await store.updateStage(lock.secretArn, AWSPENDING, { removeFrom: lock.holderVersionId });
    logger.info("released the rotation lock", { secretArn: lock.secretArn });
  } catch (err) {
    logger.warn("could not release the rotation lock; it expires on its own", {
      secretArn: lock.secretArn,
      expiresAt: lock.intent.expiresAt,
      reason: err instanceof KeywardError ? err.reason : "error",
    });
  }
}

/** The dry run's proof that this identity may write the secret (PutSecretValue with its KMS key, UpdateSecretVersionStage). Leaves a deprecated version only. */
export async function probeWritePath(store: SecretStore, secretArn: string, clientId: string): Promise<void> {
  const token = randomUUID();
  await store.putValue(secretArn, JSON.stringify({ keywardWriteProbe: { clientId: canonicalClientId(clientId), at: new Date().toISOString() } }), token, [PROBE_LABEL]);
  await store.updateStage(secretArn, PROBE_LABEL, { removeFrom: token });
}

async function dropIntentLabel(store: SecretStore, secretArn: string, versionId: string): Promise<void> {
  await store.updateStage(secretArn, INTENT_LABEL, { removeFrom: versionId }).catch(() => undefined);
}

/** UpdateSecretVersionStage refused because the label is not where this run saw it (someone moved it first). */
export function isStageConflict(err: unknown): boolean {
  return err instanceof SecretsError && err.awsName === "InvalidParameterException";
}

function describeHolder(state: PendingState): Record<string, unknown> {
  if (state.kind === "none") return { kind: "none" };
  if (state.kind === "intent") return { kind: "intent", owner: state.intent.owner, clientId: state.intent.clientId, by: state.intent.by, expiresAt: state.intent.expiresAt };
  if (state.kind === "credentials") return { kind: "pending-credentials", versionId: state.versionId, clientId: state.doc.clientId };
  return { kind: state.kind === "empty" ? "rotation-started" : "other", versionId: state.versionId };
}

function lockHeldError(secretId: string, state: PendingState, stop: string | undefined): ConflictError {
  const who =
    state.kind === "intent"
      ? `${state.intent.by} (client ${state.intent.clientId}) since ${state.intent.startedAt}, until ${state.intent.expiresAt}`
      : state.kind === "empty"
        ? "a Secrets Manager rotation (RotateSecret) that has not finished"
        : state.kind === "credentials"
          ? `a rotation of client ${state.doc.clientId} whose new secret is at AWSPENDING, not yet promoted`
          : "a pending value keyward did not write";
  return new ConflictError(
    `secret ${secretId} is being rotated by ${who}${stop ? `; stopped waiting: ${stop}` : ""}`,
    "rotation-in-progress",
    state.kind === "intent"
      ? `wait for it to finish (or, if that run died, until its lock expires at ${state.intent.expiresAt}), then re-run`
      : "let that rotation finish (or fail: AWSPENDING then stays until it is older than the lock's lifetime), then re-run",
  );
}
