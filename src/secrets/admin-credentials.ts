import { parseStoredCredentials, type StoredCredentials } from "../contracts/credential-document.js";
import { ADMIN_SECRET_ARN_ENV, readEnvName } from "../contracts/env-names.js";
import { UsageError } from "../core/errors.js";
import { genesysSettingsFromEnv, type GenesysSettings } from "../genesys/index.js";
import { checkAwsEndpoints } from "./endpoint.js";
import { createSecretStore, type SecretStore } from "./secret-store.js";

/** Where the admin credentials came from. */
export type AdminSource = { kind: "env" } | { kind: "secret"; arn: string; versionId: string };

export interface ResolvedAdmin {
  settings: GenesysSettings;
  source: AdminSource;
  /** The credential document, when the credentials came from Secrets Manager. */
  document?: StoredCredentials;
}

const GATEWAY_ENV_NAMES = [
  "GENESYSCLOUD_GATEWAY_HOST",
  "GENESYSCLOUD_GATEWAY_PORT",
  "GENESYSCLOUD_GATEWAY_PROTOCOL",
  "GENESYSCLOUD_GATEWAY_PATH_NAME",
  "GENESYSCLOUD_GATEWAY_PATH_VALUE",
] as const;

/**
 * The admin client keyward acts as (README "Admin credentials in Secrets Manager"), for every command that needs it
 * (`rotate`, `status`) and the Lambdas alike:
 * - `KEYWARD_ADMIN_SECRET_ARN` set (or its deprecated spelling, with one deprecation line through `warn`): the
 *   credential document at AWSCURRENT of that secret, read now; its `region` and `gateway` win over the environment's
 *   (the document says where its credentials work). `GENESYSCLOUD_OAUTHCLIENT_*` are then ignored;
 * - otherwise the provider's variables (`GENESYSCLOUD_OAUTHCLIENT_ID`, `_SECRET`, `GENESYSCLOUD_REGION`, the gateway).
 * After `keyward rotate --rotate-self` wrote the new secret into that document, the next call reads it: nothing is
 * copied by hand. A document that is missing or not a keyward credential document is a configuration error (exit 2).
 */
export async function resolveAdminSettings(env: Record<string, string | undefined>, options: { store?: SecretStore; warn?: (line: string) => void } = {}): Promise<ResolvedAdmin> {
  const arn = readEnvName(env, ADMIN_SECRET_ARN_ENV, options.warn);
  if (!arn) return { settings: genesysSettingsFromEnv(env), source: { kind: "env" } };
  checkAwsEndpoints(env);
  const store = options.store ?? createSecretStore();
  const stored = await store.getValue(arn, "AWSCURRENT");
  const document = parseStoredCredentials(stored.value);
  if (!document) {
    throw new UsageError(`${ADMIN_SECRET_ARN_ENV}: secret ${arn} does not hold a keyward credential document at AWSCURRENT`, {
      reason: "admin-secret-invalid",
      hint: `put {"clientId", "clientSecret", "region"} of the admin OAuth client there (aws secretsmanager put-secret-value --secret-id ${arn} --secret-string file://admin.json), or unset ${ADMIN_SECRET_ARN_ENV} to use GENESYSCLOUD_OAUTHCLIENT_ID/_SECRET`,
    });
  }
  return { settings: genesysSettingsFromEnv(adminEnv(env, document)), source: { kind: "secret", arn: stored.arn, versionId: stored.versionId }, document };
}

/** The environment a Genesys client needs for `document`: its credentials, region and gateway over `env`'s. */
export function adminEnv(env: Record<string, string | undefined>, document: StoredCredentials): Record<string, string | undefined> {
  const base = Object.fromEntries(
    Object.entries(env).filter(([k]) => !k.startsWith("GENESYSCLOUD_OAUTHCLIENT_") && !(document.gateway && (GATEWAY_ENV_NAMES as readonly string[]).includes(k))),
  );
  return {
    ...base,
    GENESYSCLOUD_OAUTHCLIENT_ID: document.clientId,
    GENESYSCLOUD_OAUTHCLIENT_SECRET: document.clientSecret,
    GENESYSCLOUD_REGION: document.region,
    ...gatewayToEnv(document.gateway),
  };
}

/** The env-var view of a stored gateway, for building Genesys settings from a credential document. */
export function gatewayToEnv(gateway: StoredCredentials["gateway"] | undefined): Record<string, string> {
  if (!gateway) return {};
  return {
    GENESYSCLOUD_GATEWAY_HOST: gateway.host,
    ...(gateway.port ? { GENESYSCLOUD_GATEWAY_PORT: gateway.port } : {}),
    ...(gateway.protocol ? { GENESYSCLOUD_GATEWAY_PROTOCOL: gateway.protocol } : {}),
    ...(gateway.pathName ? { GENESYSCLOUD_GATEWAY_PATH_NAME: gateway.pathName } : {}),
    ...(gateway.pathValue ? { GENESYSCLOUD_GATEWAY_PATH_VALUE: gateway.pathValue } : {}),
  };
}
