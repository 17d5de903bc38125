import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
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
  /** The (not deleted) secrets carrying tag `key` (any value) whose name starts with `namePrefix`, with their tags (bounded). */
  listByTagKey?(key: string, namePrefix: string): Promise<Array<{ arn: string; name: string; tags: Record<string, string> }>>;
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
        return { arn: out.ARN ?? secretId, versionId: out.VersionId ?? "", value };
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
    listByTagKey: (key, namePrefix) =>
      call("ListSecrets", `tag-key ${key}`, async () => {
        const found: Array<{ arn: string; name: string; tags: Record<string, string> }> = [];
        let nextToken: string | undefined;
        for (let page = 0; page < MAX_LIST_PAGES; page++) {
          const out = await client.send(
            new ListSecretsCommand({
              Filters: [{ Key: "tag-key", Values: [key] }, ...(namePrefix ? [{ Key: "name" as const, Values: [namePrefix] }] : [])],
              MaxResults: 100,
              ...(nextToken ? { NextToken: nextToken } : {}),
            }),
          );
          for (const s of out.SecretList ?? []) {
            if (s.DeletedDate || !s.ARN || !(s.Name ?? "").startsWith(namePrefix)) continue;
            found.push({ arn: s.ARN, name: s.Name ?? s.ARN, tags: Object.fromEntries((s.Tags ?? []).filter((t) => t.Key !== undefined).map((t) => [t.Key!, t.Value ?? ""])) });
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
  };
}
