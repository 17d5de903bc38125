import { canonicalClientId, CLIENT_ID_TAG, STANDBY_CLIENT_ID_TAG } from "../contracts/client-id-tag.js";
import { parseStoredCredentials } from "../contracts/credential-document.js";
import { isUnderManagedPrefix } from "../contracts/managed-secrets.js";
import type { RotationIntent } from "../contracts/rotation-intent.js";
import type { SecretStore } from "../secrets/index.js";
import { AWSCURRENT, inspectPending, versionWith } from "./lock.js";
import { DEFAULT_ROTATION_POLICY, type RotationPolicy } from "./policy.js";
import { rotateClient } from "./rotate-client.js";
import type { RotateOptions, RotationDeps, RotationResult, RotationTarget } from "./types.js";

/** What the labels of one managed secret say about its rotations. Read-only; never holds a secret. */
export interface RotationInspection {
  secretArn: string;
  name: string;
  /** The client (pair) the secret's tags name, canonical. */
  clientId?: string;
  standbyClientId?: string;
  /** The client whose credential document is at AWSCURRENT, and its version. */
  current?: { versionId: string; clientId?: string };
  /** What holds AWSPENDING on a version that is not AWSCURRENT, if anything. */
  pending?: {
    kind: "intent" | "credentials" | "rotation-started" | "other";
    versionId: string;
    /** The lock record of the run that holds (or held) it: who regenerates which client since when, until when. */
    intent?: RotationIntent;
    /** The client whose new credentials wait at AWSPENDING (kind `credentials`). */
    clientId?: string;
  };
  /** A rotation is under way (its lock is live): leave it alone. */
  inProgress: boolean;
  /**
   * A rotation was interrupted: its lock expired or its process is gone, and AWSPENDING is still there. The client
   * (intent.clientId, or pending.clientId) may have a new secret that only AWSPENDING holds, or none anybody holds.
   */
  interrupted: boolean;
}

/** Reads what AWSCURRENT and AWSPENDING of a secret say (DescribeSecret, and GetSecretValue of those versions). */
export async function inspectRotation(store: SecretStore, secretId: string, policy: RotationPolicy = DEFAULT_ROTATION_POLICY, now = Date.now()): Promise<RotationInspection> {
  const d = await store.describe(secretId);
  const currentVersion = versionWith(d.versionIdsToStages, AWSCURRENT);
  let current: RotationInspection["current"];
  if (currentVersion) {
    const doc = parseStoredCredentials((await store.getValue(d.arn, AWSCURRENT)).value);
    current = { versionId: currentVersion, ...(doc ? { clientId: canonicalClientId(doc.clientId) } : {}) };
  }
  const state = await inspectPending(store, d.arn, d.versionIdsToStages, now, policy);
  const base = {
    secretArn: d.arn,
    name: d.name,
    ...(d.tags[CLIENT_ID_TAG] ? { clientId: canonicalClientId(d.tags[CLIENT_ID_TAG]) } : {}),
    ...(d.tags[STANDBY_CLIENT_ID_TAG] ? { standbyClientId: canonicalClientId(d.tags[STANDBY_CLIENT_ID_TAG]) } : {}),
    ...(current ? { current } : {}),
  };
  // No AWSPENDING, or a leftover on AWSCURRENT's version (a finished rotation): nothing under way.
  if (state.kind === "none" || (state.isCurrent && state.kind !== "intent")) return { ...base, inProgress: false, interrupted: false };
  const pending: NonNullable<RotationInspection["pending"]> =
    state.kind === "intent"
      ? { kind: "intent", versionId: state.versionId, intent: state.intent }
      : state.kind === "credentials"
        ? { kind: "credentials", versionId: state.versionId, clientId: canonicalClientId(state.doc.clientId) }
        : { kind: state.kind === "empty" ? "rotation-started" : "other", versionId: state.versionId };
  return { ...base, pending, inProgress: !state.free, interrupted: state.free };
}

/**
 * The managed secrets (under `prefix` and tagged `keyward:client-id`) whose rotation was interrupted, for a sweep:
 * each entry says which client may hold a secret nobody else has. Secrets that cannot be read are skipped (and
 * counted in `unreadable`), never reported as fine.
 */
export async function findInterruptedRotations(
  store: SecretStore,
  prefix: string,
  policy: RotationPolicy = DEFAULT_ROTATION_POLICY,
): Promise<{ interrupted: RotationInspection[]; checked: number; unreadable: string[] }> {
  const interrupted: RotationInspection[] = [];
  const unreadable: string[] = [];
  let checked = 0;
  for (const s of await store.listWithTagKey(CLIENT_ID_TAG, prefix)) {
    if (!isUnderManagedPrefix(s.name, prefix)) continue;
    checked++;
    try {
      const inspection = await inspectRotation(store, s.arn, policy);
      if (inspection.interrupted) interrupted.push(inspection);
    } catch {
      unreadable.push(s.arn);
    }
  }
  return { interrupted, checked, unreadable };
}

/**
 * Repairs one managed secret (the janitor, a sweep, an operator): under the secret's lock, a new secret an interrupted
 * rotation left at AWSPENDING is made current if it still authenticates; then, if AWSCURRENT authenticates, nothing
 * else happens (`recovered: "healthy"`, or `"promoted-pending"`); otherwise the client (the pair's member that is not
 * current) is regenerated and stored as any rotation does. The result is a RotationResult (exit code from the one
 * table); it never holds a secret.
 */
export function repairClientSecret(target: RotationTarget, deps: RotationDeps, options: RotateOptions = {}): Promise<RotationResult> {
  return rotateClient(target, deps, { ...options, mode: "repair", by: options.by ?? "keyward repair" });
}

/** The repair target of an inspected secret: its tagged client (pair) and its ARN. */
export function repairTargetOf(inspection: RotationInspection): RotationTarget | undefined {
  if (!inspection.clientId) return undefined;
  return { clientId: inspection.clientId, ...(inspection.standbyClientId ? { standbyClientId: inspection.standbyClientId } : {}), secretId: inspection.secretArn };
}
