import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { datadogSink, splunkHecSink, stdoutSink, type AuditSink } from "../audit/index.js";
import { UsageError } from "../core/errors.js";
import type { Logger } from "../core/log.js";
import { registerSecret } from "../core/redact.js";
import { createGenesysClient, genesysSettingsFromEnv, type GenesysClient, type GenesysSettings } from "../genesys/index.js";
import { createGitHubClient } from "../github/index.js";
import { gatewayToEnv, rotationDeps } from "../rotation/wire.js";
import { createSecretStore, parseStoredCredentials, type SecretStore } from "../secrets/index.js";
import { createSlackClient } from "../slack/index.js";
import type { JanitorConfig, SecretSource } from "./config.js";
import type { JanitorGenesys, ProcessorDeps, VerifyPolicy } from "./processor.js";
import { findSecretByClientId } from "./secret-lookup.js";
import { loadOrgs, ORGS_FILE_ENV } from "../liveness/index.js";
import { engineVerifier } from "./steps/verify.js";

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
  /** Where the orgs file's credential variables are read (default: the process environment). */
  env?: Record<string, string | undefined>;
}

export interface JanitorRuntime {
  webhookSecrets(): Promise<readonly string[]>;
  processorDeps: ProcessorDeps;
  store: SecretStore;
  secretsManager: SecretsManagerClient;
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
    registerSecret(value);
    return value;
  };

  const webhookSecrets = webhookSecretSource(config.webhook, store, { now, cacheMs: options.cacheMs ?? 300_000 });

  await webhookSecrets();
  const github = createGitHubClient({ baseUrl: config.github.apiUrl, token: await resolve(config.github.token), ...(options.sleep ? { sleep: options.sleep } : {}) });
  const slack = config.slack ? createSlackClient({ baseUrl: config.slack.apiUrl, token: await resolve(config.slack.token), ...(options.sleep ? { sleep: options.sleep } : {}) }) : undefined;
  const sinks: AuditSink[] = [stdoutSink(options.auditWrite)];
  if (config.splunk) sinks.push(splunkHecSink(config.splunk.url, config.splunk.token));
  if (config.datadog) sinks.push(datadogSink(config.datadog.apiKey, config.datadog.url));

  const genesys = await janitorGenesys(config, store, logger, now);
  // The janitor's own org first; KEYWARD_ORGS_FILE adds more (their credentials read now, from the environment or
  // Secrets Manager). The engine proves every verdict across them (README "Several orgs").
  const more = config.orgsFile ? await loadOrgs({ ...(options.env ?? process.env), [ORGS_FILE_ENV]: config.orgsFile }, { readDocument: async (id) => (await store.getValue(id)).value }) : [];
  const verifier = engineVerifier(genesys, { logger, ...(options.sleep ? { sleep: options.sleep } : {}), more });
  const processorDeps: ProcessorDeps = {
    github,
    ...(slack ? { slack } : {}),
    ...(config.slack?.fallbackChannel ? { fallbackChannel: config.slack.fallbackChannel } : {}),
    genesys,
    findSecretByClientId: (clientId) => findSecretByClientId(store, clientId),
    policy: config.policy,
    sinks,
    fingerprintKey: config.fingerprintKey,
    logger,
    ...(options.sleep ? { sleep: options.sleep } : {}),
    ...(options.verify ? { verify: options.verify } : {}),
    verifier,
  };
  return { webhookSecrets, processorDeps, store, secretsManager: sm };
}

async function settingsFromDocument(store: SecretStore, secretId: string): Promise<GenesysSettings> {
  const doc = parseStoredCredentials((await store.getValue(secretId)).value);
  if (!doc) throw new UsageError(`secret ${secretId} does not hold a keyward credential document ({clientId, clientSecret, region})`);
  return genesysSettingsFromEnv({
    GENESYSCLOUD_OAUTHCLIENT_ID: doc.clientId,
    GENESYSCLOUD_OAUTHCLIENT_SECRET: doc.clientSecret,
    GENESYSCLOUD_REGION: doc.region,
    ...gatewayToEnv(doc.gateway),
  });
}

async function janitorGenesys(config: JanitorConfig, store: SecretStore, logger: Logger, now: () => number): Promise<JanitorGenesys> {
  const ownSecretId = "credentialsArn" in config.genesys ? config.genesys.credentialsArn : undefined;
  let settings = "settings" in config.genesys ? config.genesys.settings : await settingsFromDocument(store, ownSecretId!);
  let client: GenesysClient = createGenesysClient(settings, { logger });
  let checkedAt = now();
  return {
    // Another instance (or scheduled rotation) may have rotated the janitor's own secret: re-read the document at
    // most once a minute and rebuild the client when the secret changed.
    async refresh() {
      if (!ownSecretId || now() - checkedAt < 60_000) return;
      checkedAt = now();
      const next = await settingsFromDocument(store, ownSecretId);
      if (next.credentials?.clientSecret !== settings.credentials?.clientSecret) {
        settings = next;
        client = createGenesysClient(settings, { logger });
      }
    },
    client: () => client,
    rotationDeps: () => rotationDeps(client, store, logger),
    ownClientId: () => settings.credentials?.clientId ?? "",
    ...(ownSecretId ? { ownSecretId } : {}),
    async reload(secretId) {
      const from = secretId ?? ownSecretId;
      if (!from) return;
      settings = await settingsFromDocument(store, from);
      client = createGenesysClient(settings, { logger });
      checkedAt = now();
    },
  };
}

/**
 * The webhook secrets, current first: from the environment, or read from Secrets Manager at run time (plain text,
 * or a JSON `{"current","previous"}` document for rotation without downtime), cached for `cacheMs`.
 */
export function webhookSecretSource(webhook: JanitorConfig["webhook"], store: SecretStore, options: { now?: () => number; cacheMs?: number } = {}): () => Promise<string[]> {
  const now = options.now ?? Date.now;
  let cached: { at: number; secrets: string[] } | undefined;
  return async () => {
    if ("current" in webhook) return webhook.previous ? [webhook.current, webhook.previous] : [webhook.current];
    if (cached && now() - cached.at < (options.cacheMs ?? 300_000)) return cached.secrets;
    const raw = (await store.getValue(webhook.arn)).value.trim();
    let secrets = [raw];
    try {
      const doc = JSON.parse(raw) as { current?: unknown; previous?: unknown };
      if (doc && typeof doc.current === "string") secrets = [doc.current, ...(typeof doc.previous === "string" && doc.previous ? [doc.previous] : [])];
    } catch {
      /* a plain-text secret */
    }
    registerSecret(...secrets);
    cached = { at: now(), secrets };
    return secrets;
  };
}
