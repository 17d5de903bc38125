import type { TokenResponse } from "../../genesys/types.js";
import { authErrors } from "./auth-error.js";
import type { Exchange } from "./exchange.js";
import type { FixedWindowCounter } from "./fixed-window.js";
import type { RequestCounters } from "./request-counters.js";
import { readLimitedBody, RequestTooLargeError } from "./request-body.js";
import type { GenesysStore } from "./store.js";

export interface TokenEndpointDeps {
  store: GenesysStore;
  window: FixedWindowCounter;
  counters: RequestCounters;
  badCredentialsStatus: () => number;
}

/**
 * `POST /oauth/token`, client-credentials grant (reference §1). Order of checks: endpoint rate limit (400
 * `invalid_request`, "rate limit exceeded; ..."), body (parsed as urlencoded whatever the Content-Type),
 * `grant_type` (400 `unsupported_grant_type`), HTTP Basic credentials (`invalid_client` at the configured status;
 * disabled and inactive clients get the same answer as a wrong secret), the client's grant type (400
 * `unauthorized_client` unless `CLIENT-CREDENTIALS`).
 */
export async function handleTokenRequest(ex: Exchange, deps: TokenEndpointDeps): Promise<void> {
  const hit = deps.window.hit("token");
  if (hit.limited) {
    deps.counters.tokenRateLimited++;
    return ex.sendAuthError(authErrors.rateLimited(400, hit.resetSeconds));
  }

  let text: string;
  try {
    text = await readLimitedBody(ex.req);
  } catch (err) {
    if (err instanceof RequestTooLargeError) {
      ex.sendAuthError(authErrors.tooLarge());
      ex.res.once("finish", () => ex.req.socket.destroy());
      return;
    }
    throw err;
  }
  const form = new URLSearchParams(text);
  if (form.get("grant_type") !== "client_credentials") return ex.sendAuthError(authErrors.unsupportedGrantType());

  const credentials = parseBasic(ex.req.headers.authorization);
  const client = credentials && deps.store.authenticate(credentials.id, credentials.secret);
  if (client?.state !== "active") return ex.sendAuthError(authErrors.invalidClient(deps.badCredentialsStatus()));
  if (client.authorizedGrantType !== "CLIENT-CREDENTIALS") return ex.sendAuthError(authErrors.unauthorizedClient());

  const { token, expiresIn } = deps.store.issueToken(client);
  const body: TokenResponse = { access_token: token, token_type: "bearer", expires_in: expiresIn };
  ex.send(200, body, { "Cache-Control": "no-store" });
}

function parseBasic(header: string | undefined): { id: string; secret: string } | undefined {
  const m = /^basic\s+(\S+)\s*$/i.exec(header ?? "");
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}
