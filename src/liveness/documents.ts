import type { Logger } from "../core/log.js";
import { checkAwsEndpoints, createSecretStore } from "../secrets/index.js";
import type { DocumentReader } from "./orgs.js";

/**
 * Reads an org's credential document from Secrets Manager at run time (the AWS SDK's default chain, the endpoint
 * overrides checked first). Kept apart from the engine so that bundles without the AWS SDK (the scan Action) can use
 * the engine with credentials from the environment.
 */
export function secretsManagerDocuments(env: Record<string, string | undefined>, logger?: Logger): DocumentReader {
  return async (secretId) => {
    checkAwsEndpoints(env);
    return (await createSecretStore({ ...(logger ? { logger } : {}) }).getValue(secretId)).value;
  };
}
