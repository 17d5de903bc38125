import { registerClientSecret } from "../core/redact.js";
import type { ApiClient } from "./api-client.js";
import { GenesysApiError, invalidResponseError, type RequestContext } from "./errors.js";
import { pickRequestFields, toOAuthClientRequest } from "./oauth-client-request.js";
import type { OAuthClient, OAuthClientEntityListing, OAuthClientRequest, OAuthClientState } from "./types.js";

export const OAUTH_CLIENTS_ROUTE = "/api/v2/oauth/clients";
export const OAUTH_CLIENT_ROUTE = "/api/v2/oauth/clients/{clientId}";
export const OAUTH_CLIENT_SECRET_ROUTE = "/api/v2/oauth/clients/{clientId}/secret";

/** An OAuth client as returned by create or regenerate: the only two responses that carry the secret. */
export type OAuthClientWithSecret = OAuthClient & { secret: string };

export type DeleteOutcome = "deleted" | "already-absent";

/** Bound on list pages, in case the API ignores `pageNumber` and keeps answering page 1. */
const MAX_PAGES = 100;

/**
 * `/api/v2/oauth/clients` (reference §3). Every secret that comes back is registered for redaction before anything
 * else happens to the response, and stripped from the objects of GET/PUT/list responses (those should no longer
 * carry it since 2025, but older behaviour did).
 *
 * Retry safety of the two non-idempotent calls, `create` and `regenerateSecret`: they are retried only when the
 * failure proves the server did not act on them: the connection was never established, 429 (throttled before
 * processing), the token endpoint failing (the call was not sent yet), or 401 bad.credentials (authentication
 * runs first; repeated once with a fresh token). A timeout, a connection lost mid-request, or any 5xx (503
 * included: a proxy may answer it while the service is still working) is not retried: the first attempt may still
 * complete after a retry, and for `regenerateSecret` that would invalidate the secret the retry returned (for
 * `create`, it would leave a duplicate client with a live secret nobody holds). Those failures surface as a
 * GenesysApiError with `mayHaveTakenEffect: true` and `retryable: false`, so the caller can check what happened
 * (does the current secret still authenticate? does a client with this name exist?) before acting again.
 */
export class OAuthClientsApi {
  constructor(private readonly api: ApiClient) {}

  /** Every OAuth client of the org. The API returns them all on one page in practice; more pages are followed. */
  async list(): Promise<OAuthClient[]> {
    const byId = new Map<string, OAuthClient>();
    let pageCount = 1;
    for (let page = 1; page <= Math.min(pageCount, MAX_PAGES); page++) {
      const response = await this.api.call<OAuthClientEntityListing>({
        method: "GET",
        route: OAUTH_CLIENTS_ROUTE,
        ...(page > 1 ? { query: { pageNumber: page } } : {}),
      });
      const listing = response.body;
      if (listing === undefined || !Array.isArray(listing.entities)) {
        throw invalidResponseError(context("GET", OAUTH_CLIENTS_ROUTE), response.status, "it holds no entities", response.correlationId);
      }
      const before = byId.size;
      for (const client of listing.entities) byId.set(client.id, withoutSecret(client));
      if (page > 1 && byId.size === before) break;
      pageCount = typeof listing.pageCount === "number" ? listing.pageCount : 1;
    }
    return [...byId.values()];
  }

  async get(clientId: string): Promise<OAuthClient> {
    const response = await this.api.call<OAuthClient>({ method: "GET", route: OAUTH_CLIENT_ROUTE, params: { clientId }, clientId });
    return withoutSecret(expectClient(response.body, response.status, response.correlationId, context("GET", OAUTH_CLIENT_ROUTE, clientId)));
  }

  /** Creates a client; the response is the only time its first secret is visible. Not retried once it may have been sent. */
  async create(request: OAuthClientRequest): Promise<OAuthClientWithSecret> {
    const ambiguousHint = `The OAuth client "${request.name}" may have been created without keyward seeing it: list the OAuth clients and delete a duplicate before creating it again.`;
    const response = await this.api.call<OAuthClient>({
      method: "POST",
      route: OAUTH_CLIENTS_ROUTE,
      body: pickRequestFields(request),
      idempotent: false,
      ambiguousHint,
    });
    const ctx = { ...context("POST", OAUTH_CLIENTS_ROUTE), ambiguousHint };
    const client = expectClient(response.body, response.status, response.correlationId, ctx);
    const secret = takeSecret(client);
    if (secret === undefined) {
      throw invalidResponseError(
        { ...ctx, clientId: client.id },
        response.status,
        "it holds no secret",
        response.correlationId,
        `OAuth client ${client.id} was created but its secret was not returned: regenerate its secret or delete it.`,
      );
    }
    return { ...withoutSecret(client), secret };
  }

  /** PUT is a full replace: `request` must carry every field to keep. Fields other than OAuthClientRequest's are dropped. */
  async update(clientId: string, request: OAuthClientRequest): Promise<OAuthClient> {
    const response = await this.api.call<OAuthClient>({
      method: "PUT",
      route: OAUTH_CLIENT_ROUTE,
      params: { clientId },
      clientId,
      body: pickRequestFields(request),
    });
    return withoutSecret(expectClient(response.body, response.status, response.correlationId, context("PUT", OAUTH_CLIENT_ROUTE, clientId)));
  }

  /** Reads the client and PUTs it back with `state` changed (see `toOAuthClientRequest` for what is carried over). */
  async setState(clientId: string, state: OAuthClientState): Promise<OAuthClient> {
    const current = await this.get(clientId);
    return this.update(clientId, { ...toOAuthClientRequest(current), state });
  }

  /**
   * Marks the client `inactive` (the API refuses to delete an active one: `cannot.delete.client`), then DELETEs it.
   * - A client that is already gone (404 on the first GET, or state `deleted`) is `already-absent`.
   * - A 404 on the DELETE itself counts as `deleted`: the client was there and inactive a moment ago, so either our
   *   own DELETE did it (its response was lost and the transport's retry found it gone) or a concurrent delete did;
   *   either way the outcome asked for holds. DELETE is idempotent, so the transport retries it on transient failures.
   */
  async delete(clientId: string): Promise<DeleteOutcome> {
    let current: OAuthClient;
    try {
      current = await this.get(clientId);
    } catch (err) {
      if (err instanceof GenesysApiError && err.status === 404) return "already-absent";
      throw err;
    }
    if (current.state === "deleted") return "already-absent";
    if (current.state !== "inactive") {
      try {
        await this.update(clientId, { ...toOAuthClientRequest(current), state: "inactive" });
      } catch (err) {
        if (err instanceof GenesysApiError && err.status === 404) return "already-absent";
        throw err;
      }
    }
    await this.api.call<unknown>({ method: "DELETE", route: OAUTH_CLIENT_ROUTE, params: { clientId }, clientId, acceptStatus: [404] });
    return "deleted";
  }

  /**
   * `POST /api/v2/oauth/clients/{clientId}/secret` (no body): the old secret stops working and the new one is in
   * `secret`. The new value is registered for redaction before anything else is done with the response. Throws
   * when the response has no secret: the old secret is then most likely invalid already.
   */
  /**
   * `options.notAfter` / `options.beforeSend` (see TransportRequest) let a rotation refuse to send the regenerate
   * once it may no longer start one (a signal, too little time left after a rate-limit pause).
   */
  async regenerateSecret(clientId: string, options: { notAfter?: number; beforeSend?: () => void } = {}): Promise<OAuthClientWithSecret> {
    const ambiguousHint = `The secret of OAuth client ${clientId} may have been regenerated without keyward seeing the new value: check whether the current secret still authenticates before regenerating again; if it does not, regenerate deliberately and store the result.`;
    const response = await this.api.call<OAuthClient>({
      method: "POST",
      route: OAUTH_CLIENT_SECRET_ROUTE,
      params: { clientId },
      clientId,
      idempotent: false,
      ambiguousHint,
      ...(options.notAfter !== undefined ? { notAfter: options.notAfter } : {}),
      ...(options.beforeSend !== undefined ? { beforeSend: options.beforeSend } : {}),
    });
    const body = response.body;
    const secret = body !== undefined && body !== null && typeof body === "object" ? takeSecret(body, clientId) : undefined;
    const ctx = { ...context("POST", OAUTH_CLIENT_SECRET_ROUTE, clientId), ambiguousHint };
    if (secret === undefined) {
      throw invalidResponseError(ctx, response.status, "it holds no secret", response.correlationId, ambiguousHint);
    }
    // Having the secret is what matters now: never throw it away over a missing field.
    const client = { ...(body as OAuthClient), id: typeof body?.id === "string" ? body.id : clientId };
    return { ...withoutSecret(client), secret };
  }
}

/** Registers a returned secret (under the requested id and the returned one) and gives it back; undefined if none. */
function takeSecret(client: Partial<OAuthClient>, requestedId?: string): string | undefined {
  const secret = typeof client.secret === "string" && client.secret !== "" ? client.secret : undefined;
  if (secret === undefined) return undefined;
  if (requestedId !== undefined) registerClientSecret(requestedId, secret);
  registerClientSecret(typeof client.id === "string" ? client.id : (requestedId ?? ""), secret);
  return secret;
}

function withoutSecret(client: OAuthClient): OAuthClient {
  if (!("secret" in client)) return client;
  takeSecret(client);
  const { secret: _dropped, ...rest } = client;
  void _dropped;
  return rest;
}

function expectClient(body: unknown, status: number, correlationId: string | undefined, ctx: RequestContext): OAuthClient {
  if (body === null || typeof body !== "object" || typeof (body as OAuthClient).id !== "string") {
    throw invalidResponseError(ctx, status, "it is not an OAuth client", correlationId);
  }
  return body as OAuthClient;
}

function context(method: string, route: string, clientId?: string): RequestContext {
  return {
    operation: `${method} ${route}`,
    endpoint: "api",
    host: "",
    idempotent: method !== "POST",
    timeoutMs: 0,
    ...(clientId !== undefined ? { clientId } : {}),
  };
}
