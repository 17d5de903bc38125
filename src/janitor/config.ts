import { readFileSync } from "node:fs";
import { ADMIN_SECRET_ARN_ENV, readEnvName } from "../contracts/env-names.js";
import { fingerprintKeyFrom } from "../contracts/fingerprint.js";
import { managedSecretPrefix, MANAGED_SECRET_PREFIX_ENV } from "../contracts/managed-secrets.js";
import { isLoopbackHost } from "../core/net.js";
import { KeywardError } from "../core/errors.js";
import { registerSecret } from "../core/redact.js";
import { genesysSettingsFromEnv, type GenesysSettings } from "../genesys/index.js";
import { DEFAULT_GITHUB_API_URL, DEFAULT_MAX_RESPONSE_BYTES } from "../github/index.js";
import { DEFAULT_SLACK_API_URL } from "../slack/index.js";
import { DEFAULT_DATADOG_URL } from "../audit/index.js";
import { JanitorConfigError } from "./errors.js";
import { DEFAULT_POLICY, parsePolicy, type JanitorPolicy } from "./policy.js";

/** The variables the janitor reads (README "The janitor"). */
export const JANITOR_ENV = {
  webhookSecret: "KEYWARD_WEBHOOK_SECRET",
  webhookSecretPrevious: "KEYWARD_WEBHOOK_SECRET_PREVIOUS",
  webhookSecretArn: "KEYWARD_WEBHOOK_SECRET_ARN",
  githubToken: "GITHUB_TOKEN",
  githubTokenArn: "GITHUB_TOKEN_ARN",
  githubApiUrl: "GITHUB_API_URL",
  slackToken: "SLACK_BOT_TOKEN",
  slackTokenArn: "SLACK_BOT_TOKEN_ARN",
  slackApiUrl: "SLACK_API_URL",
  slackFallbackChannel: "KEYWARD_SLACK_FALLBACK_CHANNEL",
  splunkUrl: "KEYWARD_SPLUNK_HEC_URL",
  splunkToken: "KEYWARD_SPLUNK_HEC_TOKEN",
  datadogApiKey: "KEYWARD_DATADOG_API_KEY",
  datadogUrl: "KEYWARD_DATADOG_URL",
  /** The credential document of the janitor's own Genesys client (src/contracts/env-names.ts). */
  credentialsArn: ADMIN_SECRET_ARN_ENV,
  policyFile: "KEYWARD_POLICY_FILE",
  managedPrefix: MANAGED_SECRET_PREFIX_ENV,
  secretTypes: "KEYWARD_GITHUB_SECRET_TYPES",
  slackDmDomains: "KEYWARD_SLACK_DM_DOMAINS",
  maxResponseBytes: "KEYWARD_GITHUB_MAX_RESPONSE_BYTES",
  maxAttempts: "KEYWARD_JANITOR_MAX_ATTEMPTS",
  budgetSeconds: "KEYWARD_JANITOR_DELIVERY_BUDGET_SECONDS",
  concurrency: "KEYWARD_JANITOR_CONCURRENCY",
  /** Further orgs the engine proves verdicts in (README "Several orgs"); the janitor's own client is always one. */
  orgsFile: "KEYWARD_ORGS_FILE",
  /** The key of the audit event's `kwf1_` fingerprint (README "Fingerprints"). */
  fingerprintKey: "KEYWARD_FINGERPRINT_KEY",
  /** Lambda receiver only: the FIFO queue it sends to (set by the janitor stack). */
  queueUrl: "KEYWARD_JANITOR_QUEUE_URL",
} as const;

/** A value given directly, or the ARN of a Secrets Manager secret holding it (read at run time). */
export type SecretSource = { value: string } | { arn: string };

/**
 * The `secret_type` (or `secret_type_display_name`) values of keyward's own patterns: the names `keyward patterns
 * --format github` exports (test/janitor/config.test.ts keeps them in step) and the slug the sandbox uses. GitHub has
 * not documented the `secret_type` of a custom-pattern alert, so both fields are matched.
 */
export const DEFAULT_GITHUB_SECRET_TYPES: readonly string[] = [
  "keyward_genesys_client_secret",
  "Genesys Cloud OAuth client secret (after a client-secret key)",
  "Genesys Cloud OAuth client secret (after its client id, double-quoted)",
  "Genesys Cloud OAuth client secret (after its client id, single-quoted)",
  "Genesys Cloud OAuth client secret (after its client id, curl-u)",
  "Genesys Cloud OAuth client secret (after its client id, curl-user)",
  "Genesys Cloud OAuth client secret (after its client id, url-encoded)",
  "Genesys Cloud OAuth client credentials (HTTP Basic)",
  // Names an earlier export used: alerts raised by those patterns are still Genesys secrets.
  "Genesys Cloud OAuth client secret (Genesys name before)",
  "Genesys Cloud OAuth client secret (Genesys name after)",
];

/** The least a webhook secret may be: GitHub lets any string through, keyward does not. */
export const MIN_WEBHOOK_SECRET_LENGTH = 16;

export interface JanitorConfig {
  webhook: { current: string; previous?: string } | { arn: string };
  github: { token: SecretSource; apiUrl: string; maxResponseBytes: number };
  /** Slack on: a fallback channel is required (human alerts must have somewhere to go); DMs only to these domains. */
  slack?: { token: SecretSource; apiUrl: string; fallbackChannel: string; dmDomains: readonly string[] };
  /** Which alerts are Genesys secrets (compared without case). */
  secretTypes: readonly string[];
  /** `KEYWARD_MANAGED_SECRET_PREFIX`: managed secrets are named under it **and** tagged. */
  managedPrefix: string;
  /** Tries of one delivery before a human is told and it is dropped from the queue. */
  maxAttempts: number;
  /** How long one delivery may take in `serve` (rate-limit waits that would run past it are retried later instead). */
  deliveryBudgetMs: number;
  /** Deliveries processed at once in `serve`. */
  concurrency: number;
  /** `KEYWARD_FINGERPRINT_KEY`, or keyward's public default. */
  fingerprintKey: string;
  /** `KEYWARD_ORGS_FILE`: more orgs to prove a verdict in, besides the janitor's own. */
  orgsFile?: string;
  splunk?: { url: string; token: string };
  datadog?: { apiKey: string; url: string };
  genesys: { settings: GenesysSettings } | { credentialsArn: string };
  policy: JanitorPolicy;
  queueUrl?: string;
}

type Env = Record<string, string | undefined>;

export interface LoadOptions {
  /** Lambdas: the Genesys credentials come only from KEYWARD_ADMIN_SECRET_ARN. */
  lambda?: boolean;
  /** Where deprecation lines go (default: nowhere). */
  warn?: (line: string) => void;
  /** The receiver Lambda needs only the webhook secret and the queue. */
  receiverOnly?: boolean;
  readFile?: (path: string) => string;
}

const ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;

/** Reads and validates the whole configuration; throws one JanitorConfigError listing every problem (exit 2). */
export function loadJanitorConfig(env: Env, options: LoadOptions = {}): JanitorConfig {
  const problems: string[] = [];
  const read = (name: string) => {
    const v = env[name]?.trim();
    return v ? v : undefined;
  };
  const secretVar = (name: string) => {
    const v = read(name);
    if (v) registerSecret(v);
    return v;
  };
  const arnVar = (name: string) => {
    const v = read(name);
    if (v !== undefined && !ARN.test(v)) problems.push(`${name} must be a Secrets Manager secret ARN`);
    return v;
  };
  /** A URL in one spelling (scheme and host lower case, as URL parsing gives them), https or loopback http. */
  const url = (name: string, fallback: string) => {
    const v = read(name) ?? fallback;
    try {
      const u = new URL(v);
      if (u.protocol !== "https:" && !(u.protocol === "http:" && isLoopbackHost(u.hostname))) problems.push(`${name} must be an https URL (plain http only to loopback)`);
      if (u.username || u.password) problems.push(`${name} must not carry credentials`);
      return u.href;
    } catch {
      problems.push(`${name} is not a URL`);
    }
    return v;
  };
  const positiveInt = (name: string, fallback: number, max: number) => {
    const v = read(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > max) {
      problems.push(`${name} must be a whole number from 1 to ${max}`);
      return fallback;
    }
    return n;
  };
  const list = (name: string) =>
    (read(name) ?? "")
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean);
  const source = (valueName: string, arnName: string, required: boolean): SecretSource | undefined => {
    const value = secretVar(valueName);
    const arn = arnVar(arnName);
    if (value && arn) problems.push(`set ${valueName} or ${arnName}, not both`);
    if (!value && !arn) {
      if (required) problems.push(`${valueName} (or ${arnName}) is required`);
      return undefined;
    }
    return value ? { value } : { arn: arn! };
  };

  const E = JANITOR_ENV;
  // Webhook secret
  const current = secretVar(E.webhookSecret);
  const previous = secretVar(E.webhookSecretPrevious);
  const webhookArn = arnVar(E.webhookSecretArn);
  let webhook: JanitorConfig["webhook"] | undefined;
  if (current && webhookArn) problems.push(`set ${E.webhookSecret} or ${E.webhookSecretArn}, not both`);
  else if (previous && !current) problems.push(`${E.webhookSecretPrevious} is set without ${E.webhookSecret}`);
  else if (current) {
    if (current.length < MIN_WEBHOOK_SECRET_LENGTH) problems.push(`${E.webhookSecret} is too short (use at least ${MIN_WEBHOOK_SECRET_LENGTH} random characters)`);
    if (previous && previous.length < MIN_WEBHOOK_SECRET_LENGTH)
      problems.push(`${E.webhookSecretPrevious} is too short (use at least ${MIN_WEBHOOK_SECRET_LENGTH} random characters)`);
    webhook = { current, ...(previous ? { previous } : {}) };
  } else if (webhookArn) webhook = { arn: webhookArn };
  else problems.push(`${E.webhookSecret} (or ${E.webhookSecretArn}) is required`);

  const queueUrl = read(E.queueUrl);
  if (options.receiverOnly) {
    if (!queueUrl) problems.push(`${E.queueUrl} is required by the receiver Lambda`);
    if (problems.length) throw new JanitorConfigError(problems);
    const secretTypes = list(E.secretTypes);
    return {
      webhook: webhook!,
      github: { token: { value: "" }, apiUrl: DEFAULT_GITHUB_API_URL, maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES },
      genesys: { credentialsArn: "" },
      policy: DEFAULT_POLICY,
      secretTypes: secretTypes.length ? secretTypes : DEFAULT_GITHUB_SECRET_TYPES,
      managedPrefix: managedSecretPrefix(env),
      maxAttempts: 1,
      deliveryBudgetMs: 0,
      concurrency: 1,
      ...(queueUrl ? { queueUrl } : {}),
      fingerprintKey: fingerprintKeyFrom(env),
    };
  }

  const githubToken = source(E.githubToken, E.githubTokenArn, true);
  const githubApiUrl = url(E.githubApiUrl, DEFAULT_GITHUB_API_URL);

  const slackToken = source(E.slackToken, E.slackTokenArn, false);
  const slackApiUrl = url(E.slackApiUrl, DEFAULT_SLACK_API_URL);
  const fallbackChannel = read(E.slackFallbackChannel);
  if (fallbackChannel && !slackToken) problems.push(`${E.slackFallbackChannel} is set but ${E.slackToken} (or ${E.slackTokenArn}) is not`);
  if (slackToken && !fallbackChannel) problems.push(`${E.slackFallbackChannel} is required when Slack is on (human alerts go there; without it they would be dropped)`);
  const dmDomains = list(E.slackDmDomains).map((d) => d.toLowerCase().replace(/^@/, ""));
  for (const d of dmDomains) if (!/^[a-z0-9.-]+\.[a-z]{2,}$/.test(d)) problems.push(`${E.slackDmDomains}: "${d}" is not a domain name`);
  if (dmDomains.length && !slackToken) problems.push(`${E.slackDmDomains} is set but ${E.slackToken} (or ${E.slackTokenArn}) is not`);

  const splunkUrl = read(E.splunkUrl);
  const splunkToken = secretVar(E.splunkToken);
  if (!!splunkUrl !== !!splunkToken) problems.push(`set both ${E.splunkUrl} and ${E.splunkToken}, or neither`);
  if (splunkUrl) url(E.splunkUrl, splunkUrl);
  const datadogKey = secretVar(E.datadogApiKey);
  const datadogUrl = read(E.datadogUrl);
  if (datadogUrl && !datadogKey) problems.push(`${E.datadogUrl} is set but ${E.datadogApiKey} is not`);
  if (datadogUrl) url(E.datadogUrl, datadogUrl);

  let genesys: JanitorConfig["genesys"] | undefined;
  const credentialsArn = readEnvName(env, E.credentialsArn, options.warn);
  if (credentialsArn !== undefined && !ARN.test(credentialsArn)) problems.push(`${E.credentialsArn} must be a Secrets Manager secret ARN`);
  const hasEnvCreds = read("GENESYSCLOUD_OAUTHCLIENT_ID") !== undefined || read("GENESYSCLOUD_OAUTHCLIENT_SECRET") !== undefined;
  if (credentialsArn) {
    if (hasEnvCreds) problems.push(`set GENESYSCLOUD_OAUTHCLIENT_ID/_SECRET or ${E.credentialsArn}, not both`);
    genesys = { credentialsArn };
  } else if (options.lambda) {
    problems.push(`${E.credentialsArn} is required in Lambda (the janitor reads its Genesys credentials from Secrets Manager)`);
  } else if (!hasEnvCreds) {
    problems.push(`GENESYSCLOUD_OAUTHCLIENT_ID and GENESYSCLOUD_OAUTHCLIENT_SECRET (or ${E.credentialsArn}) are required`);
  } else {
    try {
      const settings = genesysSettingsFromEnv(env);
      if (!settings.credentials) problems.push(`GENESYSCLOUD_OAUTHCLIENT_ID and GENESYSCLOUD_OAUTHCLIENT_SECRET (or ${E.credentialsArn}) are required`);
      else if (!settings.region) problems.push("GENESYSCLOUD_REGION is required (it is recorded with every rotated secret)");
      else genesys = { settings };
    } catch (err) {
      problems.push(err instanceof KeywardError ? err.message : String(err));
    }
  }

  let policy: JanitorPolicy = DEFAULT_POLICY;
  const policyFile = read(E.policyFile);
  if (policyFile) {
    let doc: unknown;
    try {
      doc = JSON.parse((options.readFile ?? ((p: string) => readFileSync(p, "utf8")))(policyFile));
    } catch (err) {
      problems.push(
        `${E.policyFile} ${policyFile}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : err instanceof SyntaxError ? "not valid JSON" : "cannot be read"}`,
      );
    }
    if (doc !== undefined) {
      const parsed = parsePolicy(doc, `${E.policyFile} ${policyFile}`);
      problems.push(...parsed.problems);
      policy = parsed.policy;
    }
  }

  const secretTypes = list(E.secretTypes);
  const maxResponseBytes = positiveInt(E.maxResponseBytes, DEFAULT_MAX_RESPONSE_BYTES, 256 * 1024 * 1024);
  const maxAttempts = positiveInt(E.maxAttempts, 5, 20);
  const deliveryBudgetMs = positiveInt(E.budgetSeconds, 300, 3600) * 1000;
  const concurrency = positiveInt(E.concurrency, 4, 64);

  if (problems.length) throw new JanitorConfigError(problems);
  // A private key is kept out of every log line like a secret.
  secretVar(E.fingerprintKey);
  return {
    webhook: webhook!,
    github: { token: githubToken!, apiUrl: githubApiUrl.replace(/\/+$/, ""), maxResponseBytes },
    ...(slackToken && fallbackChannel ? { slack: { token: slackToken, apiUrl: slackApiUrl, fallbackChannel, dmDomains } } : {}),
    secretTypes: secretTypes.length ? secretTypes : DEFAULT_GITHUB_SECRET_TYPES,
    managedPrefix: managedSecretPrefix(env),
    maxAttempts,
    deliveryBudgetMs,
    concurrency,
    fingerprintKey: fingerprintKeyFrom(env),
    ...(read(E.orgsFile) ? { orgsFile: read(E.orgsFile)! } : {}),
    ...(splunkUrl && splunkToken ? { splunk: { url: splunkUrl, token: splunkToken } } : {}),
    ...(datadogKey ? { datadog: { apiKey: datadogKey, url: datadogUrl ?? DEFAULT_DATADOG_URL } } : {}),
    genesys: genesys!,
    policy,
    ...(queueUrl ? { queueUrl } : {}),
  };
}
