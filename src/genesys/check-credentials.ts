import { silentLogger, type Logger } from "../core/log.js";
import { registerClientSecret } from "../core/redact.js";
import { GenesysApiError } from "./errors.js";
import type { RateGate } from "./rate-gate.js";
import { resolveEndpoints } from "./regions.js";
import type { RetryPolicy } from "./retry.js";
import { requestClientCredentialsToken } from "./token-request.js";
import { Transport, type FetchLike } from "./transport.js";

/** `live`: the secret mints a token. `dead`: Genesys Cloud says `invalid_client`. `unknown`: anything else. */
export type CredentialStatus = "live" | "dead" | "unknown";

/** A region name, or explicit endpoints. Without `apiBaseUrl` the minted token cannot be revoked afterwards. */
export type CredentialTarget = string | { loginBaseUrl: string; apiBaseUrl?: string };

export interface CheckCredentialsOptions {
  fetch?: FetchLike;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
  logger?: Logger;
  /** Per attempt; 10 s by default. */
  timeoutMs?: number;
  retryPolicy?: RetryPolicy;
  gate?: RateGate;
  /** Revoke the minted token with `DELETE /api/v2/tokens/me` (default true). */
  revoke?: boolean;
  /** Revoke later: the revocation is handed to this callback instead of being awaited (a caller with a critical path runs it afterwards). */
  deferRevoke?: (revoke: () => Promise<void>) => void;
}

/** Short and bounded: a check is a probe, and "unknown" is an acceptable answer. */
export const CHECK_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 3,
  baseDelayMs: 200,
  maxDelayMs: 2_000,
  maxRetryAfterSeconds: 10,
  jitter: "full",
});

export const TOKENS_ME_ROUTE = "/api/v2/tokens/me";

/**
 * What one credential probe found, in detail (the liveness engine decides with it):
 * - `live`: the pair minted a token (revoked at once unless told otherwise);
 * - `refused`: Genesys Cloud answered `invalid_client` (wrong secret, or a client that is disabled, inactive or absent);
 * - `error`: anything else after the short retries; `reason` says what (`token-rate-limited`, `rate-limited`,
 *   `server-error`, `unreachable`, `timeout`, …), `retryAfterSeconds` how long the server asked to wait.
 */
export type CredentialProbe = { status: "live" } | { status: "refused" } | { status: "error"; reason: string; retryAfterSeconds?: number };

/**
 * Does this client secret still authenticate? One client-credentials grant:
 * - 200 → `live`; the minted token is then revoked (best effort) so the check leaves nothing behind;
 * - 400/401 with `error: "invalid_client"` → `dead` (wrong secret, regenerated, or client disabled/inactive);
 * - everything else, after a few short retries (token endpoint rate limit, 429, 5xx, network failure, timeout,
 *   anything unexpected from Genesys Cloud) → `unknown`. Never `dead` unless Genesys Cloud said so.
 * The secret is registered for redaction before anything is sent. Configuration errors (unknown region) throw.
 */
export async function checkCredentials(clientId: string, secret: string, target: CredentialTarget, options: CheckCredentialsOptions = {}): Promise<CredentialStatus> {
  const probe = await probeCredentials(clientId, secret, target, options);
  return probe.status === "refused" ? "dead" : probe.status === "live" ? "live" : "unknown";
}

/** `checkCredentials` with the detail of a failure (see {@link CredentialProbe}). */
export async function probeCredentials(clientId: string, secret: string, target: CredentialTarget, options: CheckCredentialsOptions = {}): Promise<CredentialProbe> {
  registerClientSecret(clientId, secret);
  const endpoints = typeof target === "string" ? resolveEndpoints({ region: target }) : target;
  const logger = options.logger ?? silentLogger;
  const transport = new Transport({
    ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
    ...(options.sleep !== undefined ? { sleep: options.sleep } : {}),
    ...(options.random !== undefined ? { random: options.random } : {}),
    ...(options.now !== undefined ? { now: options.now } : {}),
    ...(options.gate !== undefined ? { gate: options.gate } : {}),
    logger,
    timeoutMs: options.timeoutMs ?? 10_000,
    retryPolicy: options.retryPolicy ?? CHECK_RETRY_POLICY,
  });

  let accessToken: string;
  try {
    accessToken = (await requestClientCredentialsToken(transport, endpoints.loginBaseUrl, clientId, secret)).accessToken;
  } catch (err) {
    if (!(err instanceof GenesysApiError)) throw err;
    const refused = isInvalidClient(err);
    logger.debug("genesys credential check", { clientId, result: refused ? "dead" : "unknown", reason: err.reason, httpStatus: err.status, correlationId: err.correlationId });
    if (refused) return { status: "refused" };
    return {
      status: "error",
      reason: err.code === "unauthorized_client" ? "unauthorized-client" : err.reason,
      ...(err.retryAfterSeconds !== undefined ? { retryAfterSeconds: err.retryAfterSeconds } : {}),
    };
  }
  logger.debug("genesys credential check", { clientId, result: "live" });
  if (options.revoke !== false && endpoints.apiBaseUrl !== undefined) {
    const apiBaseUrl = endpoints.apiBaseUrl;
    if (options.deferRevoke) options.deferRevoke(() => revokeToken(transport, apiBaseUrl, accessToken, clientId, logger));
    else await revokeToken(transport, apiBaseUrl, accessToken, clientId, logger);
  }
  return { status: "live" };
}

function isInvalidClient(err: GenesysApiError): boolean {
  return err.endpoint === "login" && (err.status === 400 || err.status === 401) && err.code === "invalid_client";
}

/** `DELETE /api/v2/tokens/me` with the token itself: one attempt, failures only logged. */
async function revokeToken(transport: Transport, apiBaseUrl: string, accessToken: string, clientId: string, logger: Logger): Promise<void> {
  try {
    await transport.send({
      method: "DELETE",
      url: `${apiBaseUrl}${TOKENS_ME_ROUTE}`,
      route: TOKENS_ME_ROUTE,
      endpoint: "api",
      headers: { Authorization: `Bearer ${accessToken}` },
      clientId,
      retryPolicy: { ...CHECK_RETRY_POLICY, maxAttempts: 1 },
    });
  } catch (err) {
    logger.debug("genesys token revoke failed", { clientId, reason: err instanceof GenesysApiError ? err.reason : "error" });
  }
}
