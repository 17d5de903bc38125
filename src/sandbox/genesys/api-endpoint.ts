import { apiErrors, ApiError } from "./api-error.js";
import type { RouteMatch } from "./api-routes.js";
import type { Exchange } from "./exchange.js";
import type { FixedWindowCounter } from "./fixed-window.js";
import { hasPermission } from "./permissions.js";
import { isJsonContentType, readLimitedBody, RequestTooLargeError } from "./request-body.js";
import type { GenesysStore } from "./store.js";

export interface ApiEndpointDeps {
  store: GenesysStore;
  window: FixedWindowCounter;
}

/**
 * `/api/v2/...`. Order: bearer token (401 `authentication.required` / `bad.credentials` / `credentials.expired`),
 * per-token fixed-window limit (over the limit: 429 `too.many.requests` with `Retry-After`; every answer from
 * here on carries `inin-ratelimit-*` only with the legacy `behaviour.rateLimitHeaders`), route (404 `not.found`), permission (403 `missing.any.permissions`),
 * body (413 over 512000 bytes, 415 for a non-JSON Content-Type, 400 `bad.request` for bad JSON), handler.
 */
export async function handleApiRequest(ex: Exchange, match: RouteMatch | undefined, deps: ApiEndpointDeps): Promise<void> {
  try {
    const token = bearerToken(ex.req.headers.authorization);
    if (!token) throw apiErrors.authenticationRequired();
    const check = deps.store.checkToken(token);
    if (!check.ok) throw check.error;

    const hit = deps.window.hit(token);
    if (deps.store.behaviour.rateLimitHeaders) {
      ex.addHeaders({
        "inin-ratelimit-count": String(hit.count),
        "inin-ratelimit-allowed": String(hit.allowed),
        "inin-ratelimit-reset": String(hit.resetSeconds),
      });
    }
    if (hit.limited) throw apiErrors.tooManyRequests(hit.resetSeconds);

    if (!match) throw apiErrors.notFound();
    const { route, params } = match;
    if (route.permission && !hasPermission(deps.store.permissionsOf(check.client), route.permission)) {
      throw apiErrors.missingAnyPermissions([route.permission]);
    }

    let body: unknown;
    if (route.body !== "none") {
      const text = await readLimitedBody(ex.req);
      if (route.body === "json") body = parseJsonBody(text, ex.req.headers["content-type"]);
    }

    const query = new URL(ex.req.url ?? "/", "http://emulator").searchParams;
    const result = route.run({ store: deps.store, caller: check.client, token, params, body, query });
    ex.send(result.status, result.body);
  } catch (err) {
    if (err instanceof ApiError) return ex.sendApiError(err);
    if (err instanceof RequestTooLargeError) {
      ex.sendApiError(apiErrors.tooLarge());
      ex.res.once("finish", () => ex.req.socket.destroy());
      return;
    }
    throw err;
  }
}

function bearerToken(header: string | undefined): string | undefined {
  const m = /^bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return m ? m[1] : undefined;
}

function parseJsonBody(text: string, contentType: string | undefined): unknown {
  if (text.trim() === "") throw apiErrors.badRequest(`The request could not be understood by the server due to malformed syntax. A request body is required.`);
  if (!isJsonContentType(contentType)) throw apiErrors.unsupportedMediaType(contentType ?? "");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw apiErrors.badRequest();
  }
}
