import { registerClientSecret, registerSecret } from "../core/redact.js";
import { invalidResponseError } from "./errors.js";
import type { RetryPolicy } from "./retry.js";
import type { Transport } from "./transport.js";
import type { TokenResponse } from "./types.js";

export const TOKEN_ROUTE = "/oauth/token";

/** Used when a token response has no usable `expires_in`: the shortest validity Genesys Cloud allows. */
const FALLBACK_EXPIRES_IN_SECONDS = 300;

export interface MintedToken {
  accessToken: string;
  expiresInSeconds: number;
  correlationId: string | undefined;
}

/**
 * One client-credentials grant: `POST <login>/oauth/token` with HTTP Basic `base64(id:secret)` and the form body
 * `grant_type=client_credentials` (reference §1). The secret and its Basic form are registered for redaction before
 * the request is built, and the access token the moment it is read. Minting a token twice is harmless, so the
 * request counts as idempotent and is retried on transient failures, including the token endpoint's own
 * `400 invalid_request` rate limit.
 */
export async function requestClientCredentialsToken(
  transport: Transport,
  loginBaseUrl: string,
  clientId: string,
  clientSecret: string,
  retryPolicy?: RetryPolicy,
): Promise<MintedToken> {
  registerClientSecret(clientId, clientSecret);
  const ctx = { operation: `POST ${TOKEN_ROUTE}`, endpoint: "login" as const, host: new URL(loginBaseUrl).host, idempotent: true, timeoutMs: 0 };
  const response = await transport.send<Partial<TokenResponse>>({
    method: "POST",
    url: `${loginBaseUrl}${TOKEN_ROUTE}`,
    route: TOKEN_ROUTE,
    endpoint: "login",
    idempotent: true,
    headers: {
      Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: "grant_type=client_credentials",
    ...(retryPolicy !== undefined ? { retryPolicy } : {}),
  });
  const body = response.body;
  const accessToken = typeof body?.access_token === "string" ? body.access_token : "";
  registerSecret(accessToken);
  if (accessToken === "") {
    throw invalidResponseError(
      ctx,
      response.status,
      "it holds no access_token",
      response.correlationId,
      "The token endpoint answered without a token: check GENESYSCLOUD_REGION and the GENESYSCLOUD_GATEWAY_* variables point at Genesys Cloud.",
    );
  }
  const declared = Number(body?.expires_in);
  const expiresIn = Number.isFinite(declared) && declared > 0 ? declared : FALLBACK_EXPIRES_IN_SECONDS;
  return { accessToken, expiresInSeconds: expiresIn, correlationId: response.correlationId };
}
