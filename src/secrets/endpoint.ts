import { UsageError } from "../core/errors.js";
import { isInsecureRemote } from "../core/net.js";

/** keyward's opt-in for a plain-http AWS endpoint that is not on this machine. */
export const ALLOW_INSECURE_AWS_ENDPOINT_ENV = "KEYWARD_ALLOW_INSECURE_AWS_ENDPOINT";

/** The AWS SDK's endpoint overrides that reach Secrets Manager (the service-specific one wins). */
export const AWS_ENDPOINT_ENVS = ["AWS_ENDPOINT_URL_SECRETS_MANAGER", "AWS_ENDPOINT_URL"] as const;

/**
 * Validates the AWS endpoint overrides before anything is sent: a malformed URL, or plain http to a host that is not
 * loopback (the whole credential document would cross the network in clear), is a configuration error (exit 2).
 */
export function checkAwsEndpoints(env: Record<string, string | undefined>): void {
  for (const name of AWS_ENDPOINT_ENVS) {
    const raw = env[name]?.trim();
    if (!raw) continue;
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new UsageError(`${name} is not a URL.`, {
        hint: `Set ${name} to a URL such as https://secretsmanager.eu-west-1.amazonaws.com, or unset it to use the SDK's default endpoint.`,
      });
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      throw new UsageError(`${name} uses the scheme ${url.protocol} ; only https (or http to this machine) is supported.`, { hint: `Set ${name} to an https:// URL.` });
    }
    if (isInsecureRemote(url) && env[ALLOW_INSECURE_AWS_ENDPOINT_ENV] !== "true") {
      throw new UsageError(`${name} is plain http to ${url.hostname}, a host that is not this machine: secret values would cross the network unencrypted.`, {
        hint: `Use https (or a loopback host such as the sandbox); if a plain-http hop is really intended, set ${ALLOW_INSECURE_AWS_ENDPOINT_ENV}=true.`,
      });
    }
  }
}
