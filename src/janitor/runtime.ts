import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { datadogSink, splunkHecSink, stdoutSink, type AuditSink } from "../audit/index.js";
import { CLIENT_ID_TAG } from "../contracts/client-id-tag.js";
import { isUnderManagedPrefix } from "../contracts/managed-secrets.js";
import { KeywardError, UsageError } from "../core/errors.js";
import type { Logger } from "../core/log.js";
import { registerProcessSecret } from "../core/redact.js";
import { createGenesysClient, genesysSettingsFromEnv, type GenesysClient, type GenesysSettings } from "../genesys/index.js";
import { createGitHubClient, type GitHubClientOptions } from "../github/index.js";
import type { RotationDeps } from "../rotation/rotate-client.js";
import { gatewayToEnv, rotationDeps } from "../rotation/wire.js";
import { createSecretStore, parseStoredCredentials, type SecretStore } from "../secrets/index.js";
import { createSlackClient, type SlackClientOptions } from "../slack/index.js";
import { MIN_WEBHOOK_SECRET_LENGTH, type JanitorConfig, type SecretSource } from "./config.js";
import type { JanitorGenesys, ProcessorDeps, VerifyPolicy } from "./processor.js";
import { loadOrgs, ORGS_FILE_ENV } from "../liveness/index.js";
import { engineVerifier } from "./steps/verify.js";
import { managedTargets, type ManagedTargets } from "./targets.js";
import { verdictCache } from "./verdict-cache.js";

export interface RuntimeOptions {
  logger: Logger;
  /** An SDK client (tests, Lambda); otherwise one from the SDK's default chain. */
  secretsManager?: SecretsManagerClient;
  /** Where the always-on stdout audit sink writes. */
  auditWrite?: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
  verify?: VerifyPolicy;
  /** How long a secret read from Secrets Manager (webhook secret) is cached; default 5 minutes. */
  cacheMs?: number;
  now?: () => number;
  /** GitHub client settings beyond the configuration (tests: pacing, retry unit). */
  github?: Partial<GitHubClientOptions>;
  /** Slack client settings beyond the configuration (tests: retry timing). */
  slack?: Partial<SlackClientOptions>;
  /** Keep the janitor's admin token fresh in the background (default true). */
  keepTokenWarm?: boolean;
  /** Where the orgs file's credential variables are read (default: the process environment). */
  env?: Record<string, string | undefined>;
}

export interface JanitorRuntime {
  config: JanitorConfig;
  webhookSecrets(): Promise<readonly string[]>;
  processorDeps: ProcessorDeps;
  targets: ManagedTargets;
  store: SecretStore;
  secretsManager: SecretsManagerClient;
  /** Stops background work (the token warmer). */
  close(): void;
}

/** Wires the validated configuration to real clients. Secrets given as ARNs are read here, at run time. */
export async function createJanitorRuntime(config: JanitorConfig, options: RuntimeOptions): Promise<JanitorRuntime> {
  const logger = options.logger;
  const sm = options.secretsManager ?? new SecretsManagerClient({ maxAttempts: 3 });
  const store = createSecretStore({ client: sm, logger });
  const now = options.now ?? Date.now;
  const resolve = async (source: SecretSource): Promise<string> => {
    if ("value" in source) return source.value;
    const value = (await store.getValue(source.arn)).value.trim();
    registerProcessSecret(value);
    return value;
  };

  const webhookSecrets = webhookSecretSource(config.webhook, store, { now, cacheMs: options.cacheMs ?? 300_000 });

  await webhookSecrets();
  const github = createGitHubClient({
    baseUrl: config.github.apiUrl,
    token: await resolve(config.github.token),
    maxResponseBytes: config.github.maxResponseBytes,
    ...options.github,
  });
  const slack = config.slack ? createSlackClient({ baseUrl: config.slack.apiUrl, token: await resolve(config.slack.token), ...options.slack }) : undefined;
  const sinks: AuditSink[] = [stdoutSink(options.auditWrite)];
  if (config.splunk) sinks.push(splunkHecSink(config.splunk.url, config.splunk.token));
  if (config.datadog) sinks.push(datadogSink(config.datadog.apiKey, config.datadog.url));

  const genesys = await janitorGenesys(config, store, logger, now);
  // The janitor's own org first; KEYWARD_ORGS_FILE adds more (their credentials read now, from the environment or
  // Secrets Manager). The engine proves every verdict across them (README "Several orgs").
  const more = config.orgsFile
    ? await loadOrgs({ ...(options.env ?? process.env), [ORGS_FILE_ENV]: config.orgsFile }, { readDocument: async (id) => (await store.getValue(id)).value })
    : [];
  const verifier = engineVerifier(genesys, { logger, ...(options.sleep ? { sleep: options.sleep } : {}), more });
  const targets = managedTargets({ store, prefix: config.managedPrefix, policy: config.policy, logger, now });
  // The index of managed secrets is built in the background (a first delivery may find it still empty).
  void targets.refresh();
  let warmer: NodeJS.Timeout | undefined;
  if (options.keepTokenWarm !== false) {
    // The admin token is on the critical path of every containment: keep it fresh (a cached token costs nothing).
    const warm = () =>
      void genesys
        .client()
        .tokens.getToken()
        .catch((err: unknown) => logger.warn("janitor token refresh failed", { reason: err instanceof KeywardError ? err.reason : "error" }));
    warm();
    warmer = setInterval(warm, 30_000);
    warmer.unref();
  }
  const processorDeps: ProcessorDeps = {
    github,
    ...(slack ? { slack } : {}),
    ...(config.slack ? { fallbackChannel: config.slack.fallbackChannel } : {}),
    dmDomains: config.slack?.dmDomains ?? [],
    genesys,
    targets,
    policy: config.policy,
    secretTypes: config.secretTypes,
    sinks,
    fingerprintKey: config.fingerprintKey,
    logger,
    verifier,
    now,
    verdicts: verdictCache({ now }),
    deliveryBudgetMs: config.deliveryBudgetMs,
    maxAttempts: config.maxAttempts,
    ...(options.sleep ? { sleep: options.sleep } : {}),
    ...(options.verify ? { verify: options.verify } : {}),
  };
  return { config, webhookSecrets, processorDeps, targets, store, secretsManager: sm, close: () => clearInterval(warmer) };
}

async function settingsFromDocument(store: SecretStore, secretId: string): Promise<GenesysSettings> {
  const doc = parseStoredCredentials((await store.getValue(secretId)).value);
  if (!doc) throw new UsageError(`secret ${secretId} does not hold a keyward credential document ({clientId, clientSecret, region})`);
  // The janitor's own credentials outlive any delivery's redaction scope.
  registerProcessSecret(doc.clientSecret, Buffer.from(`${doc.clientId}:${doc.clientSecret}`).toString("base64"));
  return genesysSettingsFromEnv({
    GENESYSCLOUD_OAUTHCLIENT_ID: doc.clientId,
    GENESYSCLOUD_OAUTHCLIENT_SECRET: doc.clientSecret,
    GENESYSCLOUD_REGION: doc.region,
    ...gatewayToEnv(doc.gateway),
  });
}

/**
 * The rotation dependencies the janitor hands `rotateClient`: one set per Genesys client (its admin token and
 * permission check cached across deliveries); claims counted only among managed secrets (a tag on a secret outside
 * the managed prefix is not a claim, so a decoy cannot make a rotation refuse); and the guards' first reads served
 * from a prefetch started while the leak was being verified.
 */
export function janitorRotationDeps(
  client: GenesysClient,
  store: SecretStore,
  logger: Logger,
  prefix: string,
  now: () => number,
): { deps: RotationDeps; prefetch(clientId: string, secretId: string): Promise<void> } {
  const managedStore: SecretStore = {
    ...store,
    listTagged: async (key, value) => (await store.listTagged(key, value)).filter((s) => key !== CLIENT_ID_TAG || isUnderManagedPrefix(s.name, prefix)),
  };
  const base = rotationDeps(client, managedStore, logger);
  const pending = new Map<string, { at: number; value: Promise<unknown> }>();
  const take = <T>(key: string, run: () => Promise<T>): Promise<T> => {
    const hit = pending.get(key);
    pending.delete(key);
    return hit && now() - hit.at < 30_000 ? (hit.value as Promise<T>) : run();
  };
  const put = <T>(key: string, value: Promise<T>): Promise<T> => {
    value.catch(() => undefined);
    pending.set(key, { at: now(), value });
    if (pending.size > 200) for (const [k, v] of pending) if (now() - v.at >= 30_000) pending.delete(k);
    return value;
  };
  const deps: RotationDeps = {
    ...base,
    genesys: { ...base.genesys, getClient: (id) => take(`client:${id}`, () => base.genesys.getClient(id)) },
    store: {
      ...managedStore,
      describe: (id) => take(`describe:${id}`, () => managedStore.describe(id)),
      getValue: (id, stage) => take(`value:${id}:${stage ?? "AWSCURRENT"}`, () => managedStore.getValue(id, stage)),
      listTagged: (key, value) => take(`tagged:${key}:${value}`, () => managedStore.listTagged(key, value)),
    },
  };
  return {
    deps,
    async prefetch(clientId, secretId) {
      void base.genesys.adminToken().catch(() => undefined);
      void base.genesys.missingPermissions?.().catch(() => undefined);
      put(`client:${clientId}`, base.genesys.getClient(clientId));
      put(`tagged:${CLIENT_ID_TAG}:${clientId}`, managedStore.listTagged(CLIENT_ID_TAG, clientId));
      const described = managedStore.describe(secretId);
      // Registered before the description is handed out, so the value's read is in place when the rotation asks for it.
      const next = described.then(
        (d) => {
          if (Object.values(d.versionIdsToStages).some((s) => s.includes("AWSCURRENT"))) put(`value:${d.arn}:AWSCURRENT`, managedStore.getValue(d.arn, "AWSCURRENT"));
        },
        () => undefined,
      );
      put(`describe:${secretId}`, described);
      await next;
    },
  };
}

async function janitorGenesys(config: JanitorConfig, store: SecretStore, logger: Logger, now: () => number): Promise<JanitorGenesys> {
  const ownSecretId = "credentialsArn" in config.genesys ? config.genesys.credentialsArn : undefined;
  let settings = "settings" in config.genesys ? config.genesys.settings : await settingsFromDocument(store, ownSecretId!);
  registerProcessSecret(settings.credentials?.clientSecret);
  let client: GenesysClient = createGenesysClient(settings, { logger });
  let rotation = janitorRotationDeps(client, store, logger, config.managedPrefix, now);
  let checkedAt = now();
  const rebuild = (next: GenesysSettings) => {
    settings = next;
    client = createGenesysClient(settings, { logger });
    rotation = janitorRotationDeps(client, store, logger, config.managedPrefix, now);
  };
  return {
    // Another instance (or scheduled rotation) may have rotated the janitor's own secret: re-read the document at
    // most once a minute and rebuild the client when the secret changed.
    async refresh() {
      if (!ownSecretId || now() - checkedAt < 60_000) return;
      checkedAt = now();
      const next = await settingsFromDocument(store, ownSecretId);
      if (next.credentials?.clientSecret !== settings.credentials?.clientSecret) rebuild(next);
    },
    client: () => client,
    rotationDeps: () => rotation.deps,
    prefetch: (clientId, secretId) => rotation.prefetch(clientId, secretId),
    ownClientId: () => settings.credentials?.clientId ?? "",
    ...(ownSecretId ? { ownSecretId } : {}),
    async reload(secretId) {
      const from = secretId ?? ownSecretId;
      if (!from) return;
      rebuild(await settingsFromDocument(store, from));
      checkedAt = now();
    },
  };
}

/**
 * The webhook secrets, current first: from the environment, or read from Secrets Manager at run time (plain text,
 * or a JSON `{"current","previous"}` document for rotation without downtime), cached for `cacheMs`. A secret read
 * from Secrets Manager is held to the same length rule as one from the environment.
 */
export function webhookSecretSource(webhook: JanitorConfig["webhook"], store: SecretStore, options: { now?: () => number; cacheMs?: number } = {}): () => Promise<string[]> {
  const now = options.now ?? Date.now;
  let cached: { at: number; secrets: string[] } | undefined;
  let reading: Promise<string[]> | undefined;
  return async () => {
    if ("current" in webhook) return webhook.previous ? [webhook.current, webhook.previous] : [webhook.current];
    if (cached && now() - cached.at < (options.cacheMs ?? 300_000)) return cached.secrets;
    // A burst of deliveries after the cache expired reads the secret once, not once per delivery.
    reading ??= read().finally(() => (reading = undefined));
    return reading;
  };

  async function read(): Promise<string[]> {
    if ("current" in webhook) return [webhook.current];
    const raw = (await store.getValue(webhook.arn)).value.trim();
    let secrets = [raw];
    try {
      const doc = JSON.parse(raw) as { current?: unknown; previous?: unknown };
      if (doc && typeof doc.current === "string") secrets = [doc.current, ...(typeof doc.previous === "string" && doc.previous ? [doc.previous] : [])];
    } catch {
      /* a plain-text secret */
    }
    registerProcessSecret(...secrets);
    if (secrets.some((s) => s.length < MIN_WEBHOOK_SECRET_LENGTH)) {
      throw new UsageError(`the webhook secret in ${webhook.arn} is too short (at least ${MIN_WEBHOOK_SECRET_LENGTH} characters, current and previous)`, {
        reason: "webhook-secret-too-short",
        hint: "put a long random value into the secret (e.g. `openssl rand -base64 32`)",
      });
    }
    cached = { at: now(), secrets };
    return secrets;
  }
}
