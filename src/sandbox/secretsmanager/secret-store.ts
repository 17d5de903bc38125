import { randomUUID } from "node:crypto";
import { invalidParameter, invalidRequest, markedForDeletion, resourceExists, resourceNotFound } from "./errors.js";
import { paginate } from "./paginate.js";
import { newSecretArn, secretArnPrefix } from "./secret-arn.js";
import type { SecretRecord, SecretValue, VersionRecord } from "./secret-record.js";
import { attachStage, AWSCURRENT, AWSPENDING, pruneVersions, versionIdsToStages } from "./staging-labels.js";
import type { RotationRules, SecretState, SecretsManagerSettings, SecretsManagerTag } from "./types.js";
import { matchesFilters, type ListFilter } from "./list-filters.js";

export interface SecretStoreOptions {
  region: string;
  accountId: string;
  clock: () => number;
  /** Read on every call: the control API may change them. */
  settings?: () => SecretsManagerSettings;
}

type Wire = Record<string, unknown>;

const DAY_MS = 86_400_000;
const seconds = (ms: number) => ms / 1000;
/** AWS reports access dates at day resolution. */
const day = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;
const sameValue = (a: SecretValue, b: SecretValue) => a.string === b.string && a.binary === b.binary;
const hasValue = (v: SecretValue) => v.string !== undefined || v.binary !== undefined;
const valueMembers = (v: SecretValue): Wire => (v.string !== undefined ? { SecretString: v.string } : { SecretBinary: v.binary });

/**
 * The emulator's in-memory Secrets Manager: secrets, versions and staging labels with AWS's rules. Methods take
 * already-validated inputs, return the wire output (dates in epoch seconds) and throw `SecretsManagerError`.
 * Secrets whose recovery window has passed are purged lazily, on the next call that looks at the store.
 */
export class SecretStore {
  private secrets = new Map<string, SecretRecord>();

  constructor(private readonly options: SecretStoreOptions) {}

  clear(): void {
    this.secrets.clear();
  }

  createSecret(input: { name: string; clientRequestToken?: string; description?: string; kmsKeyId?: string; value?: SecretValue; tags?: SecretsManagerTag[] }): Wire {
    this.purgeExpired();
    const existing = this.secrets.get(input.name);
    if (existing) {
      if (existing.deletedMs !== undefined) {
        throw invalidRequest("You can't create this secret because a secret with this name is already scheduled for deletion.");
      }
      const retryAnswer = this.options.settings?.().createSecretRetry ?? "idempotent";
      if (retryAnswer === "idempotent" && input.clientRequestToken !== undefined && existing.createToken === input.clientRequestToken) {
        const version = existing.versions.find((v) => v.id === input.clientRequestToken);
        const same = input.value === undefined ? version === undefined : version !== undefined && sameValue(version.value, input.value);
        if (same) return { ARN: existing.arn, Name: existing.name, ...(version ? { VersionId: version.id } : {}) };
      }
      throw resourceExists(`The operation failed because the secret ${input.name} already exists.`);
    }
    const now = this.now();
    const secret: SecretRecord = {
      name: input.name,
      arn: newSecretArn(this.options.region, this.options.accountId, input.name),
      createdMs: now,
      lastChangedMs: now,
      tags: mergeTags([], input.tags ?? []),
      versions: [],
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.kmsKeyId !== undefined ? { kmsKeyId: input.kmsKeyId } : {}),
      ...(input.clientRequestToken !== undefined ? { createToken: input.clientRequestToken } : {}),
    };
    let versionId: string | undefined;
    if (input.value) {
      versionId = input.clientRequestToken ?? randomUUID();
      secret.versions.push({ id: versionId, value: input.value, stages: new Set([AWSCURRENT]), createdMs: now });
    }
    this.secrets.set(secret.name, secret);
    return { ARN: secret.arn, Name: secret.name, ...(versionId ? { VersionId: versionId } : {}) };
  }

  putSecretValue(input: { secretId: string; clientRequestToken?: string; value: SecretValue; versionStages?: string[] }): Wire {
    const secret = this.requireActive(input.secretId);
    const versionId = input.clientRequestToken ?? randomUUID();
    const existing = secret.versions.find((v) => v.id === versionId);
    if (existing && !hasValue(existing.value)) {
      // The version a rotation started (RotateSecret): its createSecret step gives it its value.
      existing.value = input.value;
      for (const stage of input.versionStages ?? []) attachStage(secret, stage, existing);
      secret.lastChangedMs = this.now();
      return { ARN: secret.arn, Name: secret.name, VersionId: existing.id, VersionStages: [...existing.stages] };
    }
    if (existing) {
      // Versions are immutable. The exact AWS error for "same token, different value" is inferred from the
      // API docs ("the operation fails because you can't modify an existing version"): ResourceExistsException.
      if (!sameValue(existing.value, input.value)) throw resourceExists("You can't modify an existing version, you can only create a new version.");
      return { ARN: secret.arn, Name: secret.name, VersionId: existing.id, VersionStages: [...existing.stages] };
    }
    const now = this.now();
    const stages = [...(input.versionStages ?? [AWSCURRENT])];
    // The first version of a secret always gets AWSCURRENT.
    if (secret.versions.length === 0 && !stages.includes(AWSCURRENT)) stages.push(AWSCURRENT);
    const version: VersionRecord = { id: versionId, value: input.value, stages: new Set(), createdMs: now };
    secret.versions.push(version);
    for (const stage of stages) attachStage(secret, stage, version);
    secret.lastChangedMs = now;
    pruneVersions(secret);
    return { ARN: secret.arn, Name: secret.name, VersionId: version.id, VersionStages: [...version.stages] };
  }

  getSecretValue(input: { secretId: string; versionId?: string; versionStage?: string }): Wire {
    const secret = this.requireActive(input.secretId);
    let version: VersionRecord | undefined;
    if (input.versionId !== undefined) {
      version = secret.versions.find((v) => v.id === input.versionId);
      if (!version) throw resourceNotFound(`Secrets Manager can't find the specified secret value for VersionId: ${input.versionId}`);
      if (input.versionStage !== undefined && !version.stages.has(input.versionStage)) {
        throw resourceNotFound(`Secrets Manager can't find the specified secret value for VersionId: ${input.versionId} and staging label: ${input.versionStage}`);
      }
    } else {
      const stage = input.versionStage ?? AWSCURRENT;
      version = secret.versions.find((v) => v.stages.has(stage));
      if (!version) throw resourceNotFound(`Secrets Manager can't find the specified secret value for staging label: ${stage}`);
    }
    if (!hasValue(version.value)) {
      throw resourceNotFound(
        `Secrets Manager can't find the specified secret value for VersionId: ${version.id}${input.versionStage ? ` and staging label: ${input.versionStage}` : ""}`,
      );
    }
    const accessed = day(this.now());
    secret.lastAccessedMs = accessed;
    version.lastAccessedMs = accessed;
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.id,
      ...valueMembers(version.value),
      VersionStages: [...version.stages],
      CreatedDate: seconds(version.createdMs),
    };
  }

  /** Works on a secret scheduled for deletion, as AWS's does. */
  describeSecret(secretId: string): Wire {
    const secret = this.require(secretId);
    return { ...describe(secret), VersionIdsToStages: versionIdsToStages(secret) };
  }

  updateSecretVersionStage(input: { secretId: string; versionStage: string; removeFromVersionId?: string; moveToVersionId?: string }): Wire {
    const secret = this.requireActive(input.secretId);
    const { versionStage: stage, removeFromVersionId: removeId, moveToVersionId: moveId } = input;
    const byId = (id: string) => {
      const version = secret.versions.find((v) => v.id === id);
      if (!version) throw invalidParameter(`The version ${id} doesn't exist for this secret.`);
      return version;
    };
    const holder = secret.versions.find((v) => v.stages.has(stage));
    if (moveId !== undefined) {
      const target = byId(moveId);
      if (removeId !== undefined) byId(removeId);
      if (holder && holder !== target && holder.id !== removeId) {
        throw invalidParameter(
          `The parameter RemoveFromVersionId can't be empty. Staging label ${stage} is currently attached to version ${holder.id}, so you must explicitly reference that version in RemoveFromVersionId.`,
        );
      }
      // The label already on the target is a no-op whatever RemoveFromVersionId says, so a retried move succeeds.
      if (holder !== target && removeId !== undefined && removeId !== moveId && holder?.id !== removeId) {
        throw invalidParameter(`Staging label ${stage} is not attached to version ${removeId}.`);
      }
      attachStage(secret, stage, target);
    } else if (removeId !== undefined) {
      if (stage === AWSCURRENT) {
        throw invalidParameter("You can't remove the staging label AWSCURRENT from a version without moving it to another version (MoveToVersionId).");
      }
      const version = byId(removeId);
      // Removing a label a version no longer has is a no-op, so a retried finishSecret succeeds; removing it from
      // the wrong version is the caller's stale view, and fails.
      if (holder && holder !== version) throw invalidParameter(`Staging label ${stage} is attached to version ${holder.id}, not ${removeId}.`);
      version.stages.delete(stage);
    } else {
      throw invalidParameter("You must specify MoveToVersionId, RemoveFromVersionId or both.");
    }
    secret.lastChangedMs = this.now();
    return { ARN: secret.arn, Name: secret.name };
  }

  listSecretVersionIds(input: { secretId: string; maxResults?: number; nextToken?: string; includeDeprecated?: boolean }): Wire {
    const secret = this.require(input.secretId);
    const versions = secret.versions.filter((v) => input.includeDeprecated || v.stages.size > 0);
    const { page, nextToken } = paginate(versions, input.maxResults, input.nextToken);
    return {
      ARN: secret.arn,
      Name: secret.name,
      Versions: page.map((v) => ({
        VersionId: v.id,
        VersionStages: [...v.stages],
        CreatedDate: seconds(v.createdMs),
        ...(v.lastAccessedMs !== undefined ? { LastAccessedDate: seconds(v.lastAccessedMs) } : {}),
      })),
      ...(nextToken ? { NextToken: nextToken } : {}),
    };
  }

  listSecrets(input: { maxResults?: number; nextToken?: string; includePlannedDeletion?: boolean; filters?: readonly ListFilter[] }): Wire {
    this.purgeExpired();
    const filters = input.filters ?? [];
    const secrets = [...this.secrets.values()].filter((s) => (input.includePlannedDeletion || s.deletedMs === undefined) && matchesFilters(s, filters, this.options.region));
    const { page, nextToken } = paginate(secrets, input.maxResults, input.nextToken);
    return {
      SecretList: page.map((s) => ({ ...describe(s), SecretVersionsToStages: versionIdsToStages(s) })),
      ...(nextToken ? { NextToken: nextToken } : {}),
    };
  }

  deleteSecret(input: { secretId: string; recoveryWindowInDays?: number; forceDeleteWithoutRecovery?: boolean }): Wire {
    const now = this.now();
    if (input.forceDeleteWithoutRecovery) {
      // AWS: a forced delete of a secret that doesn't exist succeeds (no ResourceNotFoundException).
      const secret = this.find(input.secretId);
      if (!secret) return { ...(input.secretId.startsWith("arn:") ? { ARN: input.secretId } : { Name: input.secretId }), DeletionDate: seconds(now) };
      this.secrets.delete(secret.name);
      return { ARN: secret.arn, Name: secret.name, DeletionDate: seconds(now) };
    }
    const secret = this.require(input.secretId);
    if (secret.deletedMs !== undefined) throw invalidRequest(`You can't delete secret ${secret.name} because it's already scheduled for deletion.`);
    secret.deletedMs = now;
    secret.deletionMs = now + (input.recoveryWindowInDays ?? 30) * DAY_MS;
    secret.lastChangedMs = now;
    return { ARN: secret.arn, Name: secret.name, DeletionDate: seconds(secret.deletionMs) };
  }

  restoreSecret(secretId: string): Wire {
    const secret = this.require(secretId);
    if (secret.deletedMs !== undefined) {
      delete secret.deletedMs;
      delete secret.deletionMs;
      secret.lastChangedMs = this.now();
    }
    return { ARN: secret.arn, Name: secret.name };
  }

  /**
   * UpdateSecret: a new description and/or KMS key (what the Terraform AWS provider sends on an in-place change),
   * and optionally a new value, which becomes AWSCURRENT like PutSecretValue's.
   */
  updateSecret(input: { secretId: string; clientRequestToken?: string; description?: string; kmsKeyId?: string; value?: SecretValue }): Wire {
    const secret = this.requireActive(input.secretId);
    if (input.description !== undefined) secret.description = input.description;
    if (input.kmsKeyId !== undefined) secret.kmsKeyId = input.kmsKeyId;
    secret.lastChangedMs = this.now();
    if (!input.value) return { ARN: secret.arn, Name: secret.name };
    const put = this.putSecretValue({
      secretId: secret.arn,
      value: input.value,
      ...(input.clientRequestToken !== undefined ? { clientRequestToken: input.clientRequestToken } : {}),
    });
    return { ARN: put.ARN, Name: put.Name, VersionId: put.VersionId };
  }

  /** GetResourcePolicy: the emulator keeps no resource policies, so the answer never has a `ResourcePolicy`. */
  getResourcePolicy(secretId: string): Wire {
    const secret = this.requireActive(secretId);
    return { ARN: secret.arn, Name: secret.name };
  }

  /**
   * RotateSecret's synchronous part: stores the rotation configuration, refuses while a previous rotation is not
   * complete (AWSPENDING on a version that is not AWSCURRENT), and attaches AWSPENDING to a new version without a
   * value (id = the token). Returns what the rotation function must be invoked with; the caller runs the steps.
   */
  startRotation(input: { secretId: string; clientRequestToken?: string; rotationLambdaArn?: string; rotationRules?: RotationRules; rotateImmediately?: boolean }): {
    wire: Wire;
    run?: { arn: string; name: string; token: string; lambdaArn: string };
  } {
    const secret = this.requireActive(input.secretId);
    const lambdaArn = input.rotationLambdaArn ?? secret.rotationLambdaArn;
    if (!lambdaArn) throw invalidRequest("No Lambda rotation function ARN is associated with this secret.");
    const now = this.now();
    const token = input.clientRequestToken ?? randomUUID();
    const retried = secret.versions.find((v) => v.id === token);
    if (retried?.stages.has(AWSPENDING)) return { wire: { ARN: secret.arn, Name: secret.name, VersionId: token } };
    const pending = secret.versions.find((v) => v.stages.has(AWSPENDING));
    if (pending && !pending.stages.has(AWSCURRENT) && input.rotateImmediately !== false) {
      throw invalidRequest("A previous rotation isn't complete. That rotation will be reattempted.");
    }
    if (input.rotationLambdaArn !== undefined || input.rotationRules !== undefined || !secret.rotationEnabled) secret.rotationConfiguredMs = now;
    secret.rotationLambdaArn = lambdaArn;
    if (input.rotationRules !== undefined) secret.rotationRules = { ...input.rotationRules };
    secret.rotationEnabled = true;
    secret.lastChangedMs = now;
    if (input.rotateImmediately === false) return { wire: { ARN: secret.arn, Name: secret.name } };
    if (retried) throw resourceExists("You can't modify an existing version, you can only create a new version.");
    const version: VersionRecord = { id: token, value: {}, stages: new Set(), createdMs: now };
    secret.versions.push(version);
    attachStage(secret, AWSPENDING, version);
    pruneVersions(secret);
    return { wire: { ARN: secret.arn, Name: secret.name, VersionId: token }, run: { arn: secret.arn, name: secret.name, token, lambdaArn } };
  }

  /** A rotation's four steps succeeded: LastRotatedDate (and NextRotationDate, which counts from it). */
  markRotated(secretId: string): void {
    const secret = this.find(secretId);
    if (secret) secret.lastRotatedMs = this.now();
  }

  /** The secret's name, ARN and KMS key, for permission checks; undefined when there is no such secret. */
  lookup(secretId: string): { name: string; arn: string; kmsKeyId?: string; rotationLambdaArn?: string } | undefined {
    const secret = this.find(secretId);
    if (!secret) return undefined;
    return {
      name: secret.name,
      arn: secret.arn,
      ...(secret.kmsKeyId !== undefined ? { kmsKeyId: secret.kmsKeyId } : {}),
      ...(secret.rotationLambdaArn !== undefined ? { rotationLambdaArn: secret.rotationLambdaArn } : {}),
    };
  }

  tagResource(secretId: string, tags: SecretsManagerTag[]): Wire {
    const secret = this.requireActive(secretId);
    secret.tags = mergeTags(secret.tags, tags);
    secret.lastChangedMs = this.now();
    return {};
  }

  untagResource(secretId: string, tagKeys: string[]): Wire {
    const secret = this.requireActive(secretId);
    secret.tags = secret.tags.filter((t) => !tagKeys.includes(t.Key));
    secret.lastChangedMs = this.now();
    return {};
  }

  /** The value at a stage without touching access dates; undefined when there is none. */
  peek(secretId: string, stage = AWSCURRENT): string | undefined {
    const version = this.find(secretId)?.versions.find((v) => v.stages.has(stage));
    return version?.value.string ?? version?.value.binary;
  }

  snapshot(): SecretState[] {
    this.purgeExpired();
    const iso = (ms: number) => new Date(ms).toISOString();
    return [...this.secrets.values()].map((s) => ({
      name: s.name,
      arn: s.arn,
      ...(s.description !== undefined ? { description: s.description } : {}),
      ...(s.kmsKeyId !== undefined ? { kmsKeyId: s.kmsKeyId } : {}),
      createdDate: iso(s.createdMs),
      lastChangedDate: iso(s.lastChangedMs),
      ...(s.lastAccessedMs !== undefined ? { lastAccessedDate: iso(s.lastAccessedMs) } : {}),
      ...(s.deletedMs !== undefined ? { deletedDate: iso(s.deletedMs) } : {}),
      ...(s.deletionMs !== undefined ? { deletionDate: iso(s.deletionMs) } : {}),
      tags: s.tags.map((t) => ({ ...t })),
      versions: s.versions.map((v) => ({ id: v.id, stages: [...v.stages], createdDate: iso(v.createdMs) })),
      rotationEnabled: s.rotationEnabled ?? false,
      ...(s.rotationLambdaArn !== undefined ? { rotationLambdaArn: s.rotationLambdaArn } : {}),
      ...(s.rotationRules !== undefined ? { rotationRules: { ...s.rotationRules } } : {}),
      ...(s.lastRotatedMs !== undefined ? { lastRotatedDate: iso(s.lastRotatedMs) } : {}),
    }));
  }

  private now(): number {
    return this.options.clock();
  }

  private purgeExpired(): void {
    const now = this.now();
    for (const [name, secret] of this.secrets) {
      if (secret.deletionMs !== undefined && secret.deletionMs <= now) this.secrets.delete(name);
    }
  }

  /** By name, full ARN, or partial ARN (the ARN without the random suffix). */
  private find(secretId: string): SecretRecord | undefined {
    this.purgeExpired();
    if (!secretId.startsWith("arn:")) return this.secrets.get(secretId);
    for (const secret of this.secrets.values()) if (secret.arn === secretId) return secret;
    const prefix = secretArnPrefix(this.options.region, this.options.accountId);
    return secretId.startsWith(prefix) ? this.secrets.get(secretId.slice(prefix.length)) : undefined;
  }

  private require(secretId: string): SecretRecord {
    const secret = this.find(secretId);
    if (!secret) throw resourceNotFound();
    return secret;
  }

  private requireActive(secretId: string): SecretRecord {
    const secret = this.require(secretId);
    if (secret.deletedMs !== undefined) throw markedForDeletion();
    return secret;
  }
}

function mergeTags(current: SecretsManagerTag[], added: SecretsManagerTag[]): SecretsManagerTag[] {
  const merged = new Map(current.map((t) => [t.Key, t.Value]));
  for (const tag of added) merged.set(tag.Key, tag.Value);
  return [...merged].map(([Key, Value]) => ({ Key, Value }));
}

/** The DescribeSecret / ListSecrets members shared by both. */
function describe(secret: SecretRecord): Wire {
  return {
    ARN: secret.arn,
    Name: secret.name,
    ...(secret.description !== undefined ? { Description: secret.description } : {}),
    ...(secret.kmsKeyId !== undefined ? { KmsKeyId: secret.kmsKeyId } : {}),
    RotationEnabled: secret.rotationEnabled ?? false,
    ...(secret.rotationLambdaArn !== undefined ? { RotationLambdaARN: secret.rotationLambdaArn } : {}),
    ...(secret.rotationRules !== undefined ? { RotationRules: { ...secret.rotationRules } } : {}),
    ...(secret.lastRotatedMs !== undefined ? { LastRotatedDate: seconds(secret.lastRotatedMs) } : {}),
    ...nextRotation(secret),
    LastChangedDate: seconds(secret.lastChangedMs),
    ...(secret.lastAccessedMs !== undefined ? { LastAccessedDate: seconds(secret.lastAccessedMs) } : {}),
    // AWS: "The date the secret is scheduled for deletion" (the end of the recovery window).
    ...(secret.deletionMs !== undefined ? { DeletedDate: seconds(secret.deletionMs) } : {}),
    Tags: secret.tags.map((t) => ({ ...t })),
    CreatedDate: seconds(secret.createdMs),
  };
}

const RATE = /^rate\((\d+) (hour|hours|day|days)\)$/;

/**
 * NextRotationDate for rules with a fixed interval (`AutomaticallyAfterDays`, or a `rate(N days|hours)` schedule),
 * counted from the last rotation (or from when rotation was configured). A `cron(...)` schedule gets none here.
 */
function nextRotation(secret: SecretRecord): Wire {
  if (!secret.rotationEnabled || !secret.rotationRules) return {};
  const base = secret.lastRotatedMs ?? secret.rotationConfiguredMs;
  if (base === undefined) return {};
  let intervalMs: number | undefined;
  if (secret.rotationRules.AutomaticallyAfterDays !== undefined) intervalMs = secret.rotationRules.AutomaticallyAfterDays * DAY_MS;
  const rate = secret.rotationRules.ScheduleExpression ? RATE.exec(secret.rotationRules.ScheduleExpression) : null;
  if (rate) intervalMs = Number(rate[1]) * (rate[2]!.startsWith("hour") ? 3_600_000 : DAY_MS);
  return intervalMs === undefined ? {} : { NextRotationDate: seconds(base + intervalMs) };
}
