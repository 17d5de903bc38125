import type { EnvSpec, ExitSpec } from "./command-spec.js";

/**
 * The environment variables several commands read, described once for their help texts (README "Configuration"
 * has the long form). Each command's declaration lists the groups it reads.
 */
export const GENESYS_CONNECTION_ENV: readonly EnvSpec[] = [
  { name: "GENESYSCLOUD_REGION", description: "the org's region, e.g. us-east-1, eu-west-1" },
  { name: "GENESYSCLOUD_GATEWAY_HOST, _PORT, _PROTOCOL, _PATH_NAME, _PATH_VALUE", description: "route login and API calls through a gateway (the sandbox sets these)" },
  { name: "KEYWARD_ALLOW_INSECURE_GATEWAY", description: "true allows a plain-http gateway that is not on this machine" },
];

export const GENESYS_ADMIN_ENV: readonly EnvSpec[] = [
  { name: "GENESYSCLOUD_OAUTHCLIENT_ID, GENESYSCLOUD_OAUTHCLIENT_SECRET", description: "the admin OAuth client keyward acts as (as for the Terraform provider)" },
  ...GENESYS_CONNECTION_ENV,
];

export const AWS_ENV: readonly EnvSpec[] = [
  { name: "AWS_REGION, AWS credentials", description: "Secrets Manager, through the AWS SDK's default chain" },
  { name: "AWS_ENDPOINT_URL_SECRETS_MANAGER, AWS_ENDPOINT_URL", description: "another Secrets Manager endpoint (the sandbox sets it)" },
  { name: "KEYWARD_ALLOW_INSECURE_AWS_ENDPOINT", description: "true allows a plain-http endpoint that is not on this machine" },
];

/** Where verdicts are proven (README "Several orgs", "What proves a secret dead", "Fingerprints"). */
export const LIVENESS_ENV: readonly EnvSpec[] = [
  { name: "KEYWARD_ADMIN_SECRET_ARN", description: "the org's credentials as a credential document in Secrets Manager (instead of GENESYSCLOUD_OAUTHCLIENT_*)" },
  { name: "KEYWARD_ORGS_FILE", description: "a JSON or YAML file listing several orgs: name, region, credentials named by variable or ARN" },
  { name: "KEYWARD_VERIFY_MAX_GRANTS", description: "most token grants one run makes (default 100000); past it, what is left is unknown" },
  { name: "KEYWARD_FINGERPRINT_KEY", description: "key of the kwf1_ fingerprints (default: keyward's public key); set the same value everywhere" },
];

export const HTTP_ENV: readonly EnvSpec[] = [{ name: "KEYWARD_HTTP_TIMEOUT_SECONDS", description: "seconds to wait for each HTTP request (1-600, default 15)" }];

export const LOG_ENV: readonly EnvSpec[] = [{ name: "KEYWARD_LOG_LEVEL", description: "debug, info, warn (default), error or silent; JSON lines on stderr, ids only" }];

/** Exit 2 means the same for every command. */
export const USAGE_EXIT: ExitSpec = { code: 2, meaning: "usage or configuration: unknown command or flag, bad value, missing variable" };
