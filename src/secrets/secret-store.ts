import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  TagResourceCommand,
  UntagResourceCommand,
} from "@aws-sdk/client-secrets-manager";
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
}

/** The tag keyward writes on every secret it rotates a client into (src/contracts/client-id-tag.ts). */
export { CLIENT_ID_TAG } from "../contracts/client-id-tag.js";
/** Bound on ListSecrets pages (100 secrets each) when looking a tag up. */
const MAX_LIST_PAGES = 100;

export interface StoredValue {
  arn: string;
  versionId: string;
  value: string;
  /** When this version was created (GetSecretValue's `CreatedDate`). */
  createdDate?: Date;
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
  create(name: string, options?: { description?: string; kmsKeyId?: string; tags?: Record<string, string> }): Promise<{ arn: string; name: string }>;
  /** PutSecretValue to AWSCURRENT; `clientRequestToken` makes a retry of the same write a no-op. */
  putValue(secretId: string, value: string, clientRequestToken: string): Promise<{ arn: string; versionId: string }>;
  /** GetSecretValue at a stage (AWSCURRENT by default). The value is registered with the redactor. */
  getValue(secretId: string, stage?: string): Promise<StoredValue>;
  tag(secretId: string, tags: Record<string, string>): Promise<void>;
  untag(secretId: string, keys: string[]): Promise<void>;
  /** ARNs and names of the (not deleted) secrets whose tag `key` is `value` (compared without case). */
  listTagged(key: string, value: string): Promise<Array<{ arn: string; name: string }>>;
  /** DeleteSecret without recovery: only for a container this run created and never wrote. */
  deleteUnused(secretId: string): Promise<void>;
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
}

/**
 * Builds the store. AWS configuration comes from the SDK's default chain: `AWS_REGION`, credentials,
 * and `AWS_ENDPOINT_URL_SECRETS_MANAGER` / `AWS_ENDPOINT_URL` for a non-AWS endpoint such as the sandbox.
 */
export function createSecretStore(options: SecretStoreOptions = {}): SecretStore {
  const log = options.logger ?? silentLogger;
  const client =
    options.client ??
    new SecretsManagerClient({
      ...(options.region ? { region: options.region } : {}),
      maxAttempts: options.maxAttempts ?? 3,
      requestHandler: { requestTimeout: options.requestTimeoutMs ?? 10_000, throwOnRequestTimeout: true, connectionTimeout: 3_000 },
    });

  async function call<T>(operation: string, secretId: string, run: () => Promise<T>): Promise<T> {
    try {
      const result = await run();
      log.debug("secrets manager call", { operation, secretId });
      return result;
    } catch (err) {
      const mapped = toSecretsError(err, operation, secretId);
      log.debug("secrets manager call failed", { operation, secretId, reason: mapped.reason, awsName: mapped.awsName });
      throw mapped;
    }
  }

  return {
    describe: (secretId) =>
      call("DescribeSecret", secretId, async () => {
        const out = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
        return {
          arn: out.ARN ?? secretId,
          name: out.Name ?? secretId,
          ...(out.KmsKeyId ? { kmsKeyId: out.KmsKeyId } : {}),
          ...(out.DeletedDate ? { deletedDate: out.DeletedDate } : {}),
          versionIdsToStages: out.VersionIdsToStages ?? {},
          tags: Object.fromEntries((out.Tags ?? []).filter((t) => t.Key !== undefined).map((t) => [t.Key!, t.Value ?? ""])),
        };
      }),
    create: (name, opts = {}) =>
      call("CreateSecret", name, async () => {
        const out = await client.send(
          new CreateSecretCommand({
            Name: name,
            Description: opts.description ?? "Genesys Cloud OAuth client credentials, rotated by keyward",
            ...(opts.kmsKeyId ? { KmsKeyId: opts.kmsKeyId } : {}),
            Tags: Object.entries({ "managed-by": "keyward", ...opts.tags }).map(([Key, Value]) => ({ Key, Value })),
          }),
        );
        return { arn: out.ARN ?? name, name: out.Name ?? name };
      }),
    putValue: (secretId, value, clientRequestToken) =>
      call("PutSecretValue", secretId, async () => {
        registerSecret(value);
        const out = await client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: value, ClientRequestToken: clientRequestToken }));
        return { arn: out.ARN ?? secretId, versionId: out.VersionId ?? clientRequestToken };
      }),
    getValue: (secretId, stage = "AWSCURRENT") =>
      call("GetSecretValue", secretId, async () => {
        const out = await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }));
        const value = out.SecretString ?? (out.SecretBinary ? Buffer.from(out.SecretBinary).toString("utf8") : "");
        registerSecret(value);
        return { arn: out.ARN ?? secretId, versionId: out.VersionId ?? "", value, ...(out.CreatedDate ? { createdDate: out.CreatedDate } : {}) };
      }),
    tag: (secretId, tags) =>
      call("TagResource", secretId, async () => {
        await client.send(new TagResourceCommand({ SecretId: secretId, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }));
      }),
    untag: (secretId, keys) =>
      call("UntagResource", secretId, async () => {
        await client.send(new UntagResourceCommand({ SecretId: secretId, TagKeys: keys }));
      }),
    listTagged: (key, value) =>
      call("ListSecrets", `tag ${key}=${value}`, async () => {
        // The filters narrow the listing (tag-value is a prefix match in AWS); the exact match is checked here.
        const found: Array<{ arn: string; name: string }> = [];
        let nextToken: string | undefined;
        for (let page = 0; page < MAX_LIST_PAGES; page++) {
          const out = await client.send(
            new ListSecretsCommand({
              Filters: [
                { Key: "tag-key", Values: [key] },
                { Key: "tag-value", Values: [value] },
              ],
              MaxResults: 100,
              ...(nextToken ? { NextToken: nextToken } : {}),
            }),
          );
          for (const s of out.SecretList ?? []) {
            if (s.DeletedDate) continue;
            // Client ids are compared as identities, not spellings (a UUID's case does not make it another client).
            if (s.ARN && (s.Tags ?? []).some((t) => t.Key === key && t.Value?.toLowerCase() === value.toLowerCase())) found.push({ arn: s.ARN, name: s.Name ?? s.ARN });
          }
          nextToken = out.NextToken;
          if (!nextToken) break;
        }
        return found;
      }),
    deleteUnused: (secretId) =>
      call("DeleteSecret", secretId, async () => {
        await client.send(new DeleteSecretCommand({ SecretId: secretId, ForceDeleteWithoutRecovery: true }));
      }),
    listWithTagKey: (tagKey, namePrefix) =>
      call("ListSecrets", `tag key ${tagKey}, name prefix ${namePrefix}`, async () => {
        const found: SecretListing[] = [];
        let nextToken: string | undefined;
        for (let page = 0; ; page++) {
          if (page === MAX_LIST_PAGES) throw new Error(`ListSecrets returned more than ${MAX_LIST_PAGES} pages`);
          const out = await client.send(
            new ListSecretsCommand({
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
      call("ListSecretVersionIds", secretId, async () => {
        const versions: SecretVersion[] = [];
        let nextToken: string | undefined;
        for (let page = 0; ; page++) {
          if (page === MAX_LIST_PAGES) throw new Error(`ListSecretVersionIds returned more than ${MAX_LIST_PAGES} pages`);
          const out = await client.send(new ListSecretVersionIdsCommand({ SecretId: secretId, MaxResults: 100, ...(nextToken ? { NextToken: nextToken } : {}) }));
          for (const v of out.Versions ?? []) {
            if (v.VersionId) versions.push({ versionId: v.VersionId, stages: v.VersionStages ?? [], ...(v.CreatedDate ? { createdDate: v.CreatedDate } : {}) });
          }
          nextToken = out.NextToken;
          if (!nextToken) return versions;
        }
      }),
  };
}
