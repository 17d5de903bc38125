import { KeywardError, UsageError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import type { Logger } from "../core/log.js";
import { adminMissingPermissions, checkCredentials, DEFAULT_TIMEOUT_MS, OAUTH_PERMISSIONS, type GatewaySettings, type GenesysClient } from "../genesys/index.js";
import type { RetryPolicy } from "../genesys/retry.js";
import type { SecretStore, StoredCredentials } from "../secrets/index.js";
import type { RotationDeps } from "./rotate-client.js";

/**
 * The token grant that verifies a new secret: short and bounded, because it runs inside the critical section (its
 * worst case is counted in the budget; an inconclusive answer is asked again by the rotation while the budget fits).
 */
export const ROTATION_CHECK_POLICY: Readonly<RetryPolicy> = Object.freeze({ maxAttempts: 2, baseDelayMs: 200, maxDelayMs: 1_000, maxRetryAfterSeconds: 2, jitter: "full" });

/** Worst case of one rotation check: every attempt and the revoke timing out, and the longest wait between attempts. */
export function checkWorstCaseMs(timeoutMs: number): number {
  const waits = (ROTATION_CHECK_POLICY.maxAttempts - 1) * Math.max(ROTATION_CHECK_POLICY.maxDelayMs, ROTATION_CHECK_POLICY.maxRetryAfterSeconds * 1000);
  return (ROTATION_CHECK_POLICY.maxAttempts + 1) * timeoutMs + waits;
}

/**
 * Wires the rotation's narrow dependencies to the real Genesys Cloud client and Secrets Manager store.
 * One Genesys client (one admin token, one rate gate) serves every rotation of a run, so a fleet shares
 * a single rate budget: a 429 pauses every worker. `requestTimeoutMs`: the Genesys client's per-request timeout
 * (what one regenerate attempt and one check attempt may take), 15 s by default.
 */
export function rotationDeps(genesys: GenesysClient, store: SecretStore, logger: Logger, options: { requestTimeoutMs?: number } = {}): RotationDeps {
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const settings = genesys.settings;
  const gateway = storedGateway(settings.gateway);
  if (!settings.region) {
    throw new UsageError("GENESYSCLOUD_REGION is not set: keyward records the region with every stored credential", {
      hint: "set GENESYSCLOUD_REGION to the org's region, e.g. us-east-1 (also when a gateway is configured)",
    });
  }
  const adminClientId = settings.credentials?.clientId ?? "";
  let missing: Promise<string[] | undefined> | undefined;
  return {
    genesys: {
      adminClientId,
      missingPermissions: () =>
        (missing ??= admin(async () => {
          const self = await genesys.oauthClients.get(adminClientId);
          return adminMissingPermissions(genesys.api, self, [OAUTH_PERMISSIONS.view, OAUTH_PERMISSIONS.edit]);
        }).catch((err: unknown) => {
          missing = undefined; // not cached: a transient failure is retried by the next client
          throw err;
        })),
      adminToken: () => admin(() => genesys.tokens.getToken()),
      getClient: (id) => admin(() => genesys.oauthClients.get(id)),
      listClients: () => admin(() => genesys.oauthClients.list()),
      regenerateSecret: (id, opts) => admin(async () => (await genesys.oauthClients.regenerateSecret(id, opts)).secret),
    },
    store,
    check: (clientId, secret) => checkCredentials(clientId, secret, settings.endpoints, { logger, timeoutMs, retryPolicy: ROTATION_CHECK_POLICY }),
    timing: { regenerateMs: timeoutMs, checkMs: checkWorstCaseMs(timeoutMs) },
    region: settings.region,
    ...(gateway ? { gateway } : {}),
    logger,
  };
}

/**
 * Admin-credential problems are configuration problems (exit 2), whichever client they surface on:
 * a rejected admin client id/secret, or an admin role without the needed permission.
 */
async function admin<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof KeywardError && ["invalid-client", "unauthorized", "forbidden"].includes(err.reason)) {
      throw new KeywardError(err.message, {
        reason: err.reason === "forbidden" ? "admin-permission-missing" : "admin-credentials-rejected",
        exitCode: ExitCode.Usage,
        hint:
          err.reason === "forbidden"
            ? "give the admin OAuth client (GENESYSCLOUD_OAUTHCLIENT_ID) a role with oauth:client:view and oauth:client:edit"
            : "check GENESYSCLOUD_OAUTHCLIENT_ID / GENESYSCLOUD_OAUTHCLIENT_SECRET and that GENESYSCLOUD_REGION is the org's region",
        cause: err,
      });
    }
    throw err;
  }
}

/** The gateway keyward ran through (already validated by the settings), recorded in stored values so consumers reach the same endpoint. */
function storedGateway(gateway: GatewaySettings | undefined): StoredCredentials["gateway"] | undefined {
  if (!gateway) return undefined;
  const path = gateway.pathParams?.[0];
  return {
    host: gateway.host,
    ...(gateway.port !== undefined ? { port: String(gateway.port) } : {}),
    ...(gateway.protocol ? { protocol: gateway.protocol } : {}),
    ...(path ? { pathName: path.pathName, pathValue: path.pathValue } : {}),
  };
}

// The env-var view of a stored gateway lives with the admin credentials (src/secrets/admin-credentials.ts).
export { gatewayToEnv } from "../secrets/admin-credentials.js";
