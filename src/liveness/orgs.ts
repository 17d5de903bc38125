/**
 * The Genesys Cloud orgs a run may prove verdicts in (README "Several orgs"). A leaked secret can belong to any of a
 * company's orgs (dev, test, prod; often in different regions); the liveness engine tries it in each and names the
 * org in its verdict.
 *
 * Configuration, in this order:
 * 1. `KEYWARD_ORGS_FILE`: a JSON or YAML file `{orgs: [{name, region, gateway?, credentials?}]}` where credentials
 *    are `{clientIdEnv, clientSecretEnv}` (names of environment variables) or `{secretArn}` (a credential document in
 *    Secrets Manager, read at run time). A secret written into the file itself is refused: the file gets committed.
 * 2. Otherwise one org, `default`, from the variables every command reads: `GENESYSCLOUD_REGION` and the
 *    `GENESYSCLOUD_GATEWAY_*` variables, credentials from `GENESYSCLOUD_OAUTHCLIENT_ID`/`_SECRET` or the credential
 *    document named by `KEYWARD_ADMIN_SECRET_ARN` (its region and gateway fill in what the variables leave unset).
 * An org without credentials can still be tried with candidate client ids, but nothing can be proven dead there
 * (its clients cannot be read or listed).
 */
import { readFileSync } from "node:fs";
import { ADMIN_SECRET_ARN_ENV, readEnvName } from "../contracts/env-names.js";
import { parseStoredCredentials, type StoredCredentials } from "../contracts/credential-document.js";
import { UsageError } from "../core/errors.js";
import { registerSecret } from "../core/redact.js";
import { GENESYS_ENV, genesysSettingsFromEnv, type GenesysSettings } from "../genesys/index.js";
import { gatewayToEnv } from "../rotation/wire.js";

export const ORGS_FILE_ENV = "KEYWARD_ORGS_FILE";
export const DEFAULT_ORG_NAME = "default";

/** One org, resolved: where its login and API endpoints are, and (optionally) credentials to read its clients. */
export interface OrgConfig {
  name: string;
  /** Canonical region name; undefined only for a gateway-only org without a region. */
  region: string | undefined;
  /** Endpoints and, when configured, credentials (the shape every Genesys client of keyward takes). */
  settings: GenesysSettings;
  /** Where the credentials came from, for messages: `env:NAME`, `arn:…`, or undefined. */
  credentialSource?: string;
}

/** Reads a credential document (the value of a Secrets Manager secret) by ARN or name. */
export type DocumentReader = (secretId: string) => Promise<string>;

export interface LoadOrgsOptions {
  readFile?: (path: string) => string;
  /** Needed only when an org's credentials are a Secrets Manager ARN. */
  readDocument?: DocumentReader;
  /** Deprecation lines and the like. */
  warn?: (line: string) => void;
}

type Env = Record<string, string | undefined>;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const ORG_KEYS = new Set(["name", "region", "gateway", "credentials"]);
const GATEWAY_KEYS = new Set(["host", "port", "protocol", "pathName", "pathValue"]);
const CREDENTIAL_KEYS = new Set(["clientIdEnv", "clientSecretEnv", "secretArn"]);
/** Keys that would put a secret into a file that gets committed. */
const INLINE_SECRET = /secret$|password|token/i;

/** Is any org configured at all (a file, a region, a gateway or an admin document)? */
export function orgsConfigured(env: Env): boolean {
  return Boolean(env[ORGS_FILE_ENV]?.trim() || env[GENESYS_ENV.region]?.trim() || env[GENESYS_ENV.gatewayHost]?.trim() || readEnvName(env, ADMIN_SECRET_ARN_ENV));
}

/** The configured orgs, credentials read (environment, or Secrets Manager at run time). Throws UsageError (exit 2). */
export async function loadOrgs(env: Env, options: LoadOrgsOptions = {}): Promise<OrgConfig[]> {
  const file = env[ORGS_FILE_ENV]?.trim();
  if (file) return loadOrgsFile(file, env, options);
  return [await defaultOrg(env, options)];
}

async function defaultOrg(env: Env, options: LoadOrgsOptions): Promise<OrgConfig> {
  const arn = readEnvName(env, ADMIN_SECRET_ARN_ENV, options.warn);
  const hasEnvCredentials = Boolean(env[GENESYS_ENV.clientId]?.trim() || env[GENESYS_ENV.clientSecret]?.trim());
  let doc: StoredCredentials | undefined;
  if (arn && !hasEnvCredentials) doc = await readCredentialDocument(arn, ADMIN_SECRET_ARN_ENV, options);
  const region = env[GENESYS_ENV.region]?.trim() || doc?.region;
  const gatewayEnv = env[GENESYS_ENV.gatewayHost]?.trim() ? {} : gatewayToEnv(doc?.gateway);
  if (!region && !env[GENESYS_ENV.gatewayHost]?.trim() && !doc?.gateway) {
    throw new UsageError("No Genesys Cloud org is configured, so the secrets found cannot be checked", {
      hint: `set ${GENESYS_ENV.region} to the org's region (with ${GENESYS_ENV.clientId}/${GENESYS_ENV.clientSecret} or ${ADMIN_SECRET_ARN_ENV} to read its clients), or ${ORGS_FILE_ENV} to a file listing several orgs`,
    });
  }
  const settings = genesysSettingsFromEnv({
    ...env,
    ...gatewayEnv,
    [GENESYS_ENV.region]: region,
    ...(doc ? { [GENESYS_ENV.clientId]: doc.clientId, [GENESYS_ENV.clientSecret]: doc.clientSecret } : {}),
  });
  const source = doc ? `${ADMIN_SECRET_ARN_ENV}` : settings.credentials ? `env:${GENESYS_ENV.clientId}` : undefined;
  return { name: DEFAULT_ORG_NAME, region: settings.region, settings, ...(source ? { credentialSource: source } : {}) };
}

async function loadOrgsFile(path: string, env: Env, options: LoadOrgsOptions): Promise<OrgConfig[]> {
  const where = `${ORGS_FILE_ENV} (${path})`;
  let text: string;
  try {
    text = (options.readFile ?? ((p) => readFileSync(p, "utf8")))(path);
  } catch (err) {
    throw new UsageError(`${where}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? "error"})`, {
      hint: `set ${ORGS_FILE_ENV} to the path of a JSON or YAML file {orgs: [{name, region, credentials}]}`,
      cause: err,
    });
  }
  let doc: unknown;
  try {
    // The YAML parser is loaded only for a YAML orgs file (it costs ~25 ms at start-up of every command otherwise).
    doc = /\.ya?ml$/i.test(path) ? (await import("yaml")).parse(text) : JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${where}: not valid ${/\.ya?ml$/i.test(path) ? "YAML" : "JSON"} (${(err as Error).message.split("\n")[0]})`, {
      hint: 'README "Several orgs" shows the format',
      cause: err,
    });
  }
  const orgs = (doc as { orgs?: unknown } | null)?.orgs;
  if (!Array.isArray(orgs) || orgs.length === 0)
    throw new UsageError(`${where}: expected {"orgs": [...]} with at least one org`, { hint: 'README "Several orgs" shows the format' });
  const problems: string[] = [];
  const seen = new Set<string>();
  const specs = orgs.map((raw, i) => {
    const at = `orgs[${i}]`;
    const spec = checkOrg(raw, at, problems);
    if (spec?.name) {
      if (seen.has(spec.name.toLowerCase())) problems.push(`${at}.name "${spec.name}" is used twice`);
      seen.add(spec.name.toLowerCase());
    }
    return spec;
  });
  if (problems.length)
    throw new UsageError(`${where}: ${problems.join("; ")}`, { hint: 'README "Several orgs" shows the format; credentials are named, never written into the file' });
  const out: OrgConfig[] = [];
  for (const spec of specs as OrgSpec[]) {
    const creds = spec.credentials;
    let clientId: string | undefined;
    let clientSecret: string | undefined;
    let doc: StoredCredentials | undefined;
    let source: string | undefined;
    if (creds && "secretArn" in creds) {
      doc = await readCredentialDocument(creds.secretArn, `${where} org ${spec.name}`, options);
      clientId = doc.clientId;
      clientSecret = doc.clientSecret;
      source = creds.secretArn;
    } else if (creds) {
      clientId = env[creds.clientIdEnv]?.trim();
      clientSecret = env[creds.clientSecretEnv]?.trim();
      const missing = [!clientId && creds.clientIdEnv, !clientSecret && creds.clientSecretEnv].filter(Boolean);
      if (missing.length)
        throw new UsageError(`${where}: org ${spec.name} names ${missing.join(" and ")}, which ${missing.length > 1 ? "are" : "is"} not set`, {
          hint: `set ${missing.join(" and ")} (or remove the org's credentials: nothing can then be proven dead there)`,
        });
      if (clientSecret) registerSecret(clientSecret);
      source = `env:${creds.clientIdEnv}`;
    }
    const region = spec.region ?? doc?.region;
    const gateway = spec.gateway ?? doc?.gateway;
    if (!region && !gateway)
      throw new UsageError(`${where}: org ${spec.name} has no region`, { hint: "give each org its region (e.g. us-east-1), and a gateway only for a proxy or an emulator" });
    const settings = genesysSettingsFromEnv({
      [GENESYS_ENV.region]: region,
      ...gatewayToEnv(gateway),
      ...(clientId && clientSecret ? { [GENESYS_ENV.clientId]: clientId, [GENESYS_ENV.clientSecret]: clientSecret } : {}),
      KEYWARD_ALLOW_INSECURE_GATEWAY: env.KEYWARD_ALLOW_INSECURE_GATEWAY,
    });
    out.push({ name: spec.name, region: settings.region, settings, ...(source ? { credentialSource: source } : {}) });
  }
  return out;
}

interface OrgSpec {
  name: string;
  region?: string;
  gateway?: NonNullable<StoredCredentials["gateway"]>;
  credentials?: { clientIdEnv: string; clientSecretEnv: string } | { secretArn: string };
}

function checkOrg(raw: unknown, at: string, problems: string[]): OrgSpec | undefined {
  if (!isObject(raw)) {
    problems.push(`${at} must be an object`);
    return undefined;
  }
  for (const key of Object.keys(raw))
    if (!ORG_KEYS.has(key))
      problems.push(
        INLINE_SECRET.test(key)
          ? `${at}.${key}: never write a secret into the orgs file (name an environment variable or a Secrets Manager ARN under credentials)`
          : `${at}.${key} is not an org field (name, region, gateway, credentials)`,
      );
  const name = raw.name;
  if (typeof name !== "string" || !NAME.test(name)) problems.push(`${at}.name must be 1-64 letters, digits, '.', '_' or '-'`);
  if (raw.region !== undefined && (typeof raw.region !== "string" || !raw.region.trim())) problems.push(`${at}.region must be a region name such as us-east-1`);
  let gateway: OrgSpec["gateway"];
  if (raw.gateway !== undefined) {
    if (!isObject(raw.gateway) || typeof raw.gateway.host !== "string") problems.push(`${at}.gateway must be an object with a host`);
    else {
      for (const key of Object.keys(raw.gateway))
        if (!GATEWAY_KEYS.has(key)) problems.push(`${at}.gateway.${key} is not a gateway field (host, port, protocol, pathName, pathValue)`);
      gateway = Object.fromEntries(Object.entries(raw.gateway).map(([k, v]) => [k, String(v)])) as OrgSpec["gateway"];
    }
  }
  let credentials: OrgSpec["credentials"];
  if (raw.credentials !== undefined) {
    const c = raw.credentials;
    if (!isObject(c)) problems.push(`${at}.credentials must be an object`);
    else {
      for (const key of Object.keys(c))
        if (!CREDENTIAL_KEYS.has(key))
          problems.push(
            INLINE_SECRET.test(key) || key === "clientId"
              ? `${at}.credentials.${key}: never write credentials into the orgs file (use clientIdEnv/clientSecretEnv or secretArn)`
              : `${at}.credentials.${key} is not a credentials field (clientIdEnv, clientSecretEnv, secretArn)`,
          );
      if (typeof c.secretArn === "string" && c.secretArn.trim()) {
        if (c.clientIdEnv !== undefined || c.clientSecretEnv !== undefined) problems.push(`${at}.credentials: give secretArn or clientIdEnv/clientSecretEnv, not both`);
        credentials = { secretArn: c.secretArn.trim() };
      } else if (typeof c.clientIdEnv === "string" && typeof c.clientSecretEnv === "string" && c.clientIdEnv.trim() && c.clientSecretEnv.trim()) {
        credentials = { clientIdEnv: c.clientIdEnv.trim(), clientSecretEnv: c.clientSecretEnv.trim() };
      } else problems.push(`${at}.credentials needs secretArn, or both clientIdEnv and clientSecretEnv`);
    }
  }
  return { name: String(name), ...(typeof raw.region === "string" ? { region: raw.region.trim() } : {}), ...(gateway ? { gateway } : {}), ...(credentials ? { credentials } : {}) };
}

async function readCredentialDocument(secretId: string, what: string, options: LoadOrgsOptions): Promise<StoredCredentials> {
  if (!options.readDocument)
    throw new UsageError(`${what}: a Secrets Manager credential document cannot be read here`, {
      hint: "give the org's credentials as environment variables here (clientIdEnv/clientSecretEnv, or GENESYSCLOUD_OAUTHCLIENT_ID/_SECRET)",
    });
  const doc = parseStoredCredentials(await options.readDocument(secretId));
  if (!doc)
    throw new UsageError(`${what}: secret ${secretId} does not hold a keyward credential document ({clientId, clientSecret, region})`, {
      hint: 'store the org\'s client as README "Secret value format" shows',
    });
  return doc;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
