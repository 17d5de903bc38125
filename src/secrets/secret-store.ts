// Types only: the SDK itself is loaded on the first call (src/secrets is reachable from every command, and loading
// the SDK costs ~60 ms that `keyward scan` would otherwise pay on every run without ever calling AWS).
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { canonicalClientId } from "../contracts/client-id-tag.js";
import type { Logger } from "../core/log.js";
import { silentLogger } from "../core/log.js";
import { registerSecret } from "../core/redact.js";
import { toSecretsError } from "./errors.js";

export interface SecretDescription {
  arn: string;
  name: string;
  kmsKeyId?: string;
  /** Set when the secret is scheduled for deletion: when Secrets Manager deletes it for good. */
  deletedDate?: Date;
  versionIdsToStages: Record<string, string[]>;
  tags: Record<string, string>;
  /** Secrets Manager's own rotation is configured (RotateSecret / aws_secretsmanager_secret_rotation). */
  rotationEnabled?: boolean;
  rotationLambdaArn?: string;
  lastRotatedDate?: Date;
}

/** The tag keyward writes on every secret it rotates a client into (src/contracts/client-id-tag.ts). */
export { CLIENT_ID_TAG } from "../contracts/client-id-tag.js";
/** Bound on ListSecrets pages (100 secrets each) when looking a tag up. */
const MAX_LIST_PAGES = 100;
const CONNECTION_TIMEOUT_MS = 3_000;

/** A ListSecrets filter takes at most 10 values: prefixes with at most 3 letters have at most 8 case variants. */
const MAX_PREFIX_LETTERS = 3;

/**
 * Every upper/lower-case spelling of the longest prefix of `value` (up to 8 characters) that has at most 3 letters:
 * a tag-value filter with all of them matches a tag in any spelling of `value`.
 */
export function caseVariantPrefixes(value: string): string[] {
  let prefix = "";
  let letters = 0;
  for (const ch of value.slice(0, 8)) {
    const letter = ch.toLowerCase() !== ch.toUpperCase();
    if (letter && letters === MAX_PREFIX_LETTERS) break;
    if (letter) letters++;
    prefix += ch;
  }
  let variants = [""];
  for (const ch of prefix) variants = ch.toLowerCase() === ch.toUpperCase() ? variants.map((v) => v + ch) : variants.flatMap((v) => [v + ch.toLowerCase(), v + ch.toUpperCase()]);
  return prefix === "" ? [] : variants;
}

/**
 * The SDK's standard retry mode waits at most `min(20 s, 2^attempt × 500 ms)` (throttling base) before a retry:
 * the worst case of one call is every attempt's connection + request timeout plus those waits.
 */
export function worstCaseCallMs(maxAttempts: number, requestTimeoutMs: number): number {
  let delays = 0;
  for (let attempt = 1; attempt < maxAttempts; attempt++) delays += Math.min(20_000, 2 ** attempt * 500);
  return maxAttempts * (CONNECTION_TIMEOUT_MS + requestTimeoutMs) + delays;
}

export interface StoredValue {
  arn: string;
  versionId: string;
  value: string;
  /** When the version was created (GetSecretValue's CreatedDate). */
  createdDate?: Date;
  /** The version's staging labels. */
  stages?: string[];
}

/** One secret of a listing, with the dates Secrets Manager keeps (never a value). */
export interface SecretListing {
  arn: string;
  name: string;
  tags: Record<string, string>;
  createdDate?: Date;
  /** Any change: a new value, a tag, the description. */
  lastChangedDate?: Date;
  /** Set by Secrets Manager's own rotation (RotateSecret), not by PutSecretValue. */
  lastRotatedDate?: Date;
}

/** One version of a secret (ListSecretVersionIds): its staging labels and creation date. */
export interface SecretVersion {
  versionId: string;
  stages: string[];
  createdDate?: Date;
}

/** The narrow view of AWS Secrets Manager that keyward's rotation needs. */
export interface SecretStore {
  describe(secretId: string): Promise<SecretDescription>;
  /**
   * CreateSecret. With `value`, its first version (AWSCURRENT) is created at once, named `clientRequestToken`: a
   * caller whose answer was lost recognises its own container by that version id.
   */
  create(
    name: string,
    options?: { description?: string; kmsKeyId?: string; tags?: Record<string, string>; value?: string; clientRequestToken?: string },
  ): Promise<{ arn: string; name: string; versionId?: string }>;
  /**
   * PutSecretValue; `clientRequestToken` names the version and makes a retry of the same write a no-op. Without
   * `stages` the new version becomes AWSCURRENT; with them, it gets exactly those labels (a secret's first version
   * gets AWSCURRENT whatever is asked).
   */
  putValue(secretId: string, value: string, clientRequestToken: string, stages?: string[]): Promise<{ arn: string; versionId: string }>;
  /** GetSecretValue at a stage (AWSCURRENT by default). The value is registered with the redactor. */
  getValue(secretId: string, stage?: string): Promise<StoredValue>;
  /** GetSecretValue of one version; undefined when it has no value (a rotation that has not written it yet). */
  getVersion(secretId: string, versionId: string): Promise<StoredValue | undefined>;
  /**
   * UpdateSecretVersionStage: a compare-and-set on a label. `moveTo` without `removeFrom` fails when the label is on
   * another version; with `removeFrom`, when it is not on that one.
   */
  updateStage(secretId: string, stage: string, change: { moveTo?: string; removeFrom?: string }): Promise<void>;
  tag(secretId: string, tags: Record<string, string>): Promise<void>;
  untag(secretId: string, keys: string[]): Promise<void>;
  /**
   * ARNs and names of the (not deleted) secrets whose tag `key` names the client id `value`, in any spelling: the
   * listing's `tag-value` filter (a case-sensitive prefix match) names every case variant of a short prefix, and the
   * values are compared in canonical form.
   */
  listTagged(key: string, value: string): Promise<Array<{ arn: string; name: string; tags: Record<string, string> }>>;
  /** DeleteSecret without recovery: only for a container this run created and never wrote. */
  deleteUnused(secretId: string): Promise<void>;
  /**
   * The longest one call can take, SDK retries included (attempts × (connection + request timeout) + the SDK's
   * largest retry delays): what a rotation's budget counts for every Secrets Manager call after its regenerate.
   */
  readonly worstCaseCallMs: number;
  /**
   * Every (not deleted) secret whose name starts with `namePrefix` and that carries the tag key `tagKey`, with its
   * dates. Every page is read: a listing longer than the page bound fails rather than return part of an inventory.
   */
  listWithTagKey(tagKey: string, namePrefix: string): Promise<SecretListing[]>;
  /** ListSecretVersionIds: every version's staging labels and creation date (metadata only: no value is read). */
  listVersions(secretId: string): Promise<SecretVersion[]>;
}

export interface SecretStoreOptions {
  /** An existing client (tests, Lambda); otherwise one is built from the SDK's default chain. */
  client?: SecretsManagerClient;
  region?: string;
  /** SDK attempts per call (its standard retry mode: throttling, 5xx, resets). Default 3. */
  maxAttempts?: number;
  /** Per-request timeout in ms. Default 10 s. */
  requestTimeoutMs?: number;
  logger?: Logger;
  /**
   * Read the SDK's settings from this environment instead of the process's (endpoint, region, access keys): for a
   * handler invoked in-process with its own environment (the sandbox's rotation function). The default chain
   * still supplies what it does not name.
   */
  env?: Record<string, string | undefined>;
}

/**
 * Builds the store. AWS configuration comes from the SDK's default chain: `AWS_REGION`, credentials,
 * and `AWS_ENDPOINT_URL_SECRETS_MANAGER` / `AWS_ENDPOINT_URL` for a non-AWS endpoint such as the sandbox.
 */
export function createSecretStore(options: SecretStoreOptions = {}): SecretStore {
  const log = options.logger ?? silentLogger;
  const maxAttempts = options.maxAttempts ?? 3;
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  let loaded: Promise<Aws> | undefined;
  const aws = (): Promise<Aws> =>
    (loaded ??= import("@aws-sdk/client-secrets-manager").then((sdk) => ({
      sdk,
      client:
        options.client ??
        new sdk.SecretsManagerClient({
          ...(options.region ? { region: options.region } : {}),
          ...(options.env ? clientConfigFromEnv(options.env) : {}),
          maxAttempts,
          requestHandler: { requestTimeout: requestTimeoutMs, throwOnRequestTimeout: true, connectionTimeout: CONNECTION_TIMEOUT_MS },
        }),
    })));

  async function call<T>(operation: string, secretId: string, run: (aws: Aws) => Promise<T>): Promise<T> {
    try {
      const result = await run(await aws());
      log.debug("secrets manager call", { operation, secretId });
      return result;
    } catch (err) {
      const mapped = toSecretsError(err, operation, secretId);
      log.debug("secrets manager call failed", { operation, secretId, reason: mapped.reason, awsName: mapped.awsName });
      throw mapped;
    }
  }

  async function listByTagKey({ client, sdk }: Aws, key: string, valuePrefixes?: string[]): Promise<Array<{ arn: string; name: string; tags: Record<string, string> }>> {
    const found: Array<{ arn: string; name: string; tags: Record<string, string> }> = [];
    let nextToken: string | undefined;
    const filters = [{ Key: "tag-key" as const, Values: [key] }, ...(valuePrefixes?.length ? [{ Key: "tag-value" as const, Values: valuePrefixes }] : [])];
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const out = await client.send(new sdk.ListSecretsCommand({ Filters: filters, MaxResults: 100, ...(nextToken ? { NextToken: nextToken } : {}) }));
      for (const s of out.SecretList ?? []) {
        if (s.DeletedDate) continue;
        const tags = Object.fromEntries((s.Tags ?? []).filter((t) => t.Key !== undefined).map((t) => [t.Key!, t.Value ?? ""]));
        if (s.ARN && tags[key] !== undefined) found.push({ arn: s.ARN, name: s.Name ?? s.ARN, tags });
      }
      nextToken = out.NextToken;
      if (!nextToken) break;
    }
    return found;
  }

  return {
    worstCaseCallMs: worstCaseCallMs(options.client ? (options.maxAttempts ?? 3) : maxAttempts, requestTimeoutMs),
    describe: (secretId) =>
      call("DescribeSecret", secretId, async ({ client, sdk }) => {
        const out = await client.send(new sdk.DescribeSecretCommand({ SecretId: secretId }));
        return {
          arn: out.ARN ?? secretId,
          name: out.Name ?? secretId,
          ...(out.KmsKeyId ? { kmsKeyId: out.KmsKeyId } : {}),
          ...(out.DeletedDate ? { deletedDate: out.DeletedDate } : {}),
          versionIdsToStages: out.VersionIdsToStages ?? {},
          tags: Object.fromEntries((out.Tags ?? []).filter((t) => t.Key !== undefined).map((t) => [t.Key!, t.Value ?? ""])),
          rotationEnabled: out.RotationEnabled ?? false,
          ...(out.RotationLambdaARN ? { rotationLambdaArn: out.RotationLambdaARN } : {}),
          ...(out.LastRotatedDate ? { lastRotatedDate: out.LastRotatedDate } : {}),
        };
      }),
    create: (name, opts = {}) =>
      call("CreateSecret", name, async ({ client, sdk }) => {
        if (opts.value !== undefined) registerSecret(opts.value);
        const out = await client.send(
          new sdk.CreateSecretCommand({
            Name: name,
            Description: opts.description ?? "Genesys Cloud OAuth client credentials, rotated by keyward",
            ...(opts.kmsKeyId ? { KmsKeyId: opts.kmsKeyId } : {}),
            ...(opts.value !== undefined ? { SecretString: opts.value } : {}),
            ...(opts.clientRequestToken ? { ClientRequestToken: opts.clientRequestToken } : {}),
            Tags: Object.entries({ "managed-by": "keyward", ...opts.tags }).map(([Key, Value]) => ({ Key, Value })),
          }),
        );
        return { arn: out.ARN ?? name, name: out.Name ?? name, ...(out.VersionId ? { versionId: out.VersionId } : {}) };
      }),
    putValue: (secretId, value, clientRequestToken, stages) =>
      call("PutSecretValue", secretId, async ({ client, sdk }) => {
        registerSecret(value);
        const out = await client.send(
          new sdk.PutSecretValueCommand({ SecretId: secretId, SecretString: value, ClientRequestToken: clientRequestToken, ...(stages ? { VersionStages: stages } : {}) }),
        );
        return { arn: out.ARN ?? secretId, versionId: out.VersionId ?? clientRequestToken };
      }),
    getValue: (secretId, stage = "AWSCURRENT") =>
      call("GetSecretValue", secretId, async ({ client, sdk }) => {
        const out = await client.send(new sdk.GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }));
        return storedValue(out, secretId);
      }),
    getVersion: (secretId, versionId) =>
      call("GetSecretValue", secretId, async ({ client, sdk }) => {
        try {
          return storedValue(await client.send(new sdk.GetSecretValueCommand({ SecretId: secretId, VersionId: versionId })), secretId);
        } catch (err) {
          // The secret exists (the caller just described it): a version without a value answers ResourceNotFound.
          if ((err as { name?: string }).name === "ResourceNotFoundException") return undefined;
          throw err;
        }
      }),
    updateStage: (secretId, stage, change) =>
      call("UpdateSecretVersionStage", secretId, async ({ client, sdk }) => {
        await client.send(
          new sdk.UpdateSecretVersionStageCommand({
            SecretId: secretId,
            VersionStage: stage,
            ...(change.moveTo ? { MoveToVersionId: change.moveTo } : {}),
            ...(change.removeFrom ? { RemoveFromVersionId: change.removeFrom } : {}),
          }),
        );
      }),
    tag: (secretId, tags) =>
      call("TagResource", secretId, async ({ client, sdk }) => {
        await client.send(new sdk.TagResourceCommand({ SecretId: secretId, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }));
      }),
    untag: (secretId, keys) =>
      call("UntagResource", secretId, async ({ client, sdk }) => {
        await client.send(new sdk.UntagResourceCommand({ SecretId: secretId, TagKeys: keys }));
      }),
    listTagged: (key, value) =>
      // ListSecrets' tag-value filter is a case-sensitive prefix match: filtering on the value itself would miss a tag
      // written in another spelling. So the filter names every case variant of a short prefix (values are ORed), which
      // matches every spelling and still narrows the listing; the values are then compared in canonical form (a
      // UUID's case does not make it another client).
      call("ListSecrets", `tag ${key}=${value}`, async (a) =>
        (await listByTagKey(a, key, caseVariantPrefixes(canonicalClientId(value)))).filter((s) => canonicalClientId(s.tags[key]!) === canonicalClientId(value)),
      ),
    deleteUnused: (secretId) =>
      call("DeleteSecret", secretId, async ({ client, sdk }) => {
        await client.send(new sdk.DeleteSecretCommand({ SecretId: secretId, ForceDeleteWithoutRecovery: true }));
      }),
    listWithTagKey: (tagKey, namePrefix) =>
      call("ListSecrets", `tag key ${tagKey}, name prefix ${namePrefix}`, async ({ client, sdk }) => {
        const found: SecretListing[] = [];
        let nextToken: string | undefined;
        for (let page = 0; ; page++) {
          if (page === MAX_LIST_PAGES) throw new Error(`ListSecrets returned more than ${MAX_LIST_PAGES} pages`);
          const out = await client.send(
            new sdk.ListSecretsCommand({
              // Both are prefix filters in AWS; the exact rules are checked by the caller.
              Filters: [{ Key: "tag-key", Values: [tagKey] }, ...(namePrefix ? [{ Key: "name" as const, Values: [namePrefix] }] : [])],
              MaxResults: 100,
              ...(nextToken ? { NextToken: nextToken } : {}),
            }),
          );
          for (const s of out.SecretList ?? []) {
            if (s.DeletedDate || !s.ARN || !s.Name) continue;
            found.push({
              arn: s.ARN,
              name: s.Name,
              tags: Object.fromEntries((s.Tags ?? []).filter((t) => t.Key !== undefined).map((t) => [t.Key!, t.Value ?? ""])),
              ...(s.CreatedDate ? { createdDate: s.CreatedDate } : {}),
              ...(s.LastChangedDate ? { lastChangedDate: s.LastChangedDate } : {}),
              ...(s.LastRotatedDate ? { lastRotatedDate: s.LastRotatedDate } : {}),
            });
          }
          nextToken = out.NextToken;
          if (!nextToken) return found;
        }
      }),
    listVersions: (secretId) =>
      call("ListSecretVersionIds", secretId, async ({ client, sdk }) => {
        const versions: SecretVersion[] = [];
        let nextToken: string | undefined;
        for (let page = 0; ; page++) {
          if (page === MAX_LIST_PAGES) throw new Error(`ListSecretVersionIds returned more than ${MAX_LIST_PAGES} pages`);
          const out = await client.send(new sdk.ListSecretVersionIdsCommand({ SecretId: secretId, MaxResults: 100, ...(nextToken ? { NextToken: nextToken } : {}) }));
          for (const v of out.Versions ?? []) {
            if (v.VersionId) versions.push({ versionId: v.VersionId, stages: v.VersionStages ?? [], ...(v.CreatedDate ? { createdDate: v.CreatedDate } : {}) });
          }
          nextToken = out.NextToken;
          if (!nextToken) return versions;
        }
      }),
  };
}

function storedValue(
  out: { ARN?: string; VersionId?: string; SecretString?: string; SecretBinary?: Uint8Array; CreatedDate?: Date; VersionStages?: string[] },
  secretId: string,
): StoredValue {
  const value = out.SecretString ?? (out.SecretBinary ? Buffer.from(out.SecretBinary).toString("utf8") : "");
  registerSecret(value);
  return {
    arn: out.ARN ?? secretId,
    versionId: out.VersionId ?? "",
    value,
    ...(out.CreatedDate ? { createdDate: out.CreatedDate } : {}),
    ...(out.VersionStages ? { stages: out.VersionStages } : {}),
  };
}

/** The SDK module and the client built from it, once the first call needs them. */
type Aws = { sdk: typeof import("@aws-sdk/client-secrets-manager"); client: SecretsManagerClient };

/** The SDK settings an environment names explicitly (what the default chain would read from the process's). */
function clientConfigFromEnv(env: Record<string, string | undefined>): {
  endpoint?: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
} {
  const endpoint = env.AWS_ENDPOINT_URL_SECRETS_MANAGER?.trim() || env.AWS_ENDPOINT_URL?.trim();
  const region = env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim();
  const accessKeyId = env.AWS_ACCESS_KEY_ID?.trim();
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY?.trim();
  return {
    ...(endpoint ? { endpoint } : {}),
    ...(region ? { region } : {}),
    ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) } } : {}),
  };
}
