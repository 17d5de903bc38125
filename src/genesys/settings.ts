import { UsageError } from "../core/errors.js";
import { isInsecureRemote } from "../core/net.js";
import { registerClientSecret } from "../core/redact.js";
import type { GatewayPathParam, GatewaySettings } from "./gateway-url.js";
import { resolveEndpoints, type GenesysRegionName } from "./regions.js";

/** The environment variables keyward shares with the genesyscloud Terraform provider (reference §5). */
export const GENESYS_ENV = {
  clientId: "GENESYSCLOUD_OAUTHCLIENT_ID",
  clientSecret: "GENESYSCLOUD_OAUTHCLIENT_SECRET",
  region: "GENESYSCLOUD_REGION",
  gatewayHost: "GENESYSCLOUD_GATEWAY_HOST",
  gatewayPort: "GENESYSCLOUD_GATEWAY_PORT",
  gatewayProtocol: "GENESYSCLOUD_GATEWAY_PROTOCOL",
  gatewayPathName: "GENESYSCLOUD_GATEWAY_PATH_NAME",
  gatewayPathValue: "GENESYSCLOUD_GATEWAY_PATH_VALUE",
} as const;

/** keyward's own opt-in for a plain-http gateway that is not on this machine (the admin secret would cross the network in clear). */
export const ALLOW_INSECURE_GATEWAY_ENV = "KEYWARD_ALLOW_INSECURE_GATEWAY";

/** The admin OAuth client (client-credentials grant) keyward acts as. */
export interface GenesysCredentials {
  clientId: string;
  clientSecret: string;
}

export interface GenesysSettings {
  region: GenesysRegionName | undefined;
  endpoints: { loginBaseUrl: string; apiBaseUrl: string };
  credentials?: GenesysCredentials;
  /** The validated GENESYSCLOUD_GATEWAY_* settings, when a gateway is configured. */
  gateway?: GatewaySettings;
}

type Env = Record<string, string | undefined>;

/**
 * Reads the Genesys Cloud connection from the provider's environment variables. The client secret is registered
 * for redaction the moment it is read. Credentials are optional here (see `requireCredentials`), but setting only
 * one of the two is always a mistake and fails at once.
 */
export function genesysSettingsFromEnv(env: Env = process.env): GenesysSettings {
  const clientId = read(env, GENESYS_ENV.clientId);
  const rawSecret = env[GENESYS_ENV.clientSecret];
  const clientSecret = rawSecret?.trim() || undefined;
  if (clientSecret !== undefined) {
    registerClientSecret(clientId ?? "", clientSecret);
    if (rawSecret !== clientSecret && clientId !== undefined) registerClientSecret(clientId, rawSecret as string);
  }
  if ((clientId === undefined) !== (clientSecret === undefined)) {
    const missing = clientId === undefined ? GENESYS_ENV.clientId : GENESYS_ENV.clientSecret;
    throw new UsageError(`${missing} is not set.`, {
      hint: `Set both ${GENESYS_ENV.clientId} and ${GENESYS_ENV.clientSecret} to the admin OAuth client keyward acts as.`,
    });
  }
  const gateway = gatewayFromEnv(env);
  const endpoints = resolveEndpoints({ region: read(env, GENESYS_ENV.region), gateway });
  // Judged on the final URLs, whatever spelling of the protocol produced them (`http:`, `HTTP://`, `http:/`).
  if (gateway && read(env, ALLOW_INSECURE_GATEWAY_ENV) !== "true") {
    for (const base of [endpoints.loginBaseUrl, endpoints.apiBaseUrl]) {
      if (isInsecureRemote(new URL(base))) {
        throw new UsageError(
          `The gateway URL ${new URL(base).origin} is plain http to a host that is not this machine: the admin client secret would cross the network unencrypted.`,
          {
            hint: `Use https for a remote gateway (${GENESYS_ENV.gatewayProtocol}=https, or unset it), or a loopback host; if a plain-http hop is really intended, set ${ALLOW_INSECURE_GATEWAY_ENV}=true.`,
          },
        );
      }
    }
  }
  const settings: GenesysSettings = {
    region: endpoints.region,
    endpoints: { loginBaseUrl: endpoints.loginBaseUrl, apiBaseUrl: endpoints.apiBaseUrl },
    ...(gateway ? { gateway } : {}),
  };
  if (clientId !== undefined && clientSecret !== undefined) settings.credentials = { clientId, clientSecret };
  return settings;
}

/** The admin credentials, or a UsageError (exit 2) naming the variables to set. */
export function requireCredentials(settings: GenesysSettings): GenesysCredentials {
  if (settings.credentials === undefined) {
    throw new UsageError("No Genesys Cloud admin credentials are configured.", {
      hint: `Set ${GENESYS_ENV.clientId} and ${GENESYS_ENV.clientSecret} to an OAuth client (client-credentials grant) whose role has the oauth:client:* permissions, and ${GENESYS_ENV.region} to your org's region.`,
    });
  }
  return settings.credentials;
}

/**
 * The provider reads one `path_params` pair from the environment (GENESYSCLOUD_GATEWAY_PATH_NAME/_PATH_VALUE), so
 * from the environment a prefix can be given for `login` or for `api`, not both. Gateway variables without
 * GENESYSCLOUD_GATEWAY_HOST are a UsageError: the SDKs would silently ignore them and talk to the real cloud.
 */
function gatewayFromEnv(env: Env): GatewaySettings | undefined {
  const host = read(env, GENESYS_ENV.gatewayHost);
  const port = read(env, GENESYS_ENV.gatewayPort);
  const protocol = read(env, GENESYS_ENV.gatewayProtocol);
  const pathName = read(env, GENESYS_ENV.gatewayPathName);
  const pathValue = read(env, GENESYS_ENV.gatewayPathValue);
  if (host === undefined) {
    const stray = [
      [GENESYS_ENV.gatewayPort, port],
      [GENESYS_ENV.gatewayProtocol, protocol],
      [GENESYS_ENV.gatewayPathName, pathName],
      [GENESYS_ENV.gatewayPathValue, pathValue],
    ].find(([, v]) => v !== undefined);
    if (stray) {
      throw new UsageError(`${stray[0]} is set but ${GENESYS_ENV.gatewayHost} is not.`, {
        hint: `Set ${GENESYS_ENV.gatewayHost} to use a gateway, or unset the other GENESYSCLOUD_GATEWAY_* variables to talk to the region directly.`,
      });
    }
    return undefined;
  }
  if ((pathName === undefined) !== (pathValue === undefined)) {
    throw new UsageError(`Set both ${GENESYS_ENV.gatewayPathName} and ${GENESYS_ENV.gatewayPathValue}, or neither.`, {
      hint: `${GENESYS_ENV.gatewayPathName} is login or api; ${GENESYS_ENV.gatewayPathValue} is the path prefix for those requests.`,
    });
  }
  const pathParams: GatewayPathParam[] = pathName !== undefined && pathValue !== undefined ? [{ pathName, pathValue }] : [];
  return { host, ...(port !== undefined ? { port } : {}), ...(protocol !== undefined ? { protocol } : {}), pathParams };
}

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}
