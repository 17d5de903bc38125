import { UsageError } from "../core/errors.js";
import { GenesysApiError } from "./errors.js";
import type { TokenProvider } from "./token-client.js";
import type { HttpMethod, Transport, TransportResponse } from "./transport.js";

export interface ApiCall {
  method: HttpMethod;
  /** Route template, e.g. `/api/v2/oauth/clients/{clientId}`; `{name}` is filled from `params`. */
  route: string;
  params?: Record<string, string>;
  query?: Record<string, string | number>;
  /** Serialised as JSON. */
  body?: unknown;
  idempotent?: boolean;
  /** The OAuth client the call is about (for logs and errors). */
  clientId?: string;
  ambiguousHint?: string;
  acceptStatus?: readonly number[];
  /** See TransportRequest: not started after this epoch ms. */
  notAfter?: number;
  /** See TransportRequest: called right before every attempt is sent. */
  beforeSend?: () => void;
}

/** 401 codes that mean "this token is no longer good" (reference §4): worth one retry with a fresh token. */
export const STALE_TOKEN_CODES: ReadonlySet<string> = new Set(["bad.credentials", "credentials.expired"]);

/**
 * Authenticated Platform API calls: `Authorization: Bearer <token>` from the token provider, JSON in and out. When
 * the API answers 401 `bad.credentials` / `credentials.expired` (a token revoked or expired early), the token is
 * dropped and the call is repeated once with a fresh one. That is safe even for non-idempotent calls: a 401 is
 * returned before the request is processed.
 */
export class ApiClient {
  constructor(
    private readonly transport: Transport,
    private readonly tokens: TokenProvider,
    private readonly apiBaseUrl: string,
  ) {}

  async call<T>(call: ApiCall): Promise<TransportResponse<T>> {
    const url = `${this.apiBaseUrl}${expandRoute(call.route, call.params ?? {})}${queryString(call.query)}`;
    for (let attempt = 1; ; attempt++) {
      const token = await this.tokens.getToken();
      try {
        return await this.transport.send<T>({
          method: call.method,
          url,
          route: call.route,
          endpoint: "api",
          headers: {
            Authorization: `Bearer ${token}`,
            ...(call.method === "POST" || call.method === "PUT" ? { "Content-Type": "application/json" } : {}),
          },
          ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
          ...(call.idempotent !== undefined ? { idempotent: call.idempotent } : {}),
          ...(call.clientId !== undefined ? { clientId: call.clientId } : {}),
          ...(call.ambiguousHint !== undefined ? { ambiguousHint: call.ambiguousHint } : {}),
          ...(call.acceptStatus !== undefined ? { acceptStatus: call.acceptStatus } : {}),
          ...(call.notAfter !== undefined ? { notAfter: call.notAfter } : {}),
          ...(call.beforeSend !== undefined ? { beforeSend: call.beforeSend } : {}),
        });
      } catch (err) {
        const stale = err instanceof GenesysApiError && err.status === 401 && err.code !== undefined && STALE_TOKEN_CODES.has(err.code);
        if (!stale || attempt > 1) throw err;
        this.tokens.invalidate(token);
      }
    }
  }
}

const SAFE_PATH_PARAM = /^[A-Za-z0-9_-][A-Za-z0-9._~-]*$/;

/**
 * Fills `{name}` placeholders. Values must be plain identifiers: an empty id would turn
 * `DELETE /api/v2/oauth/clients/{clientId}` into a request on the collection, and `..` would climb the path.
 */
export function expandRoute(route: string, params: Record<string, string>): string {
  return route.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined || !SAFE_PATH_PARAM.test(value)) {
      throw new UsageError(`Invalid ${name} for ${route}: expected an id made of letters, digits, '-', '_', '.' or '~'.`);
    }
    return value;
  });
}

function queryString(query: Record<string, string | number> | undefined): string {
  if (query === undefined) return "";
  const entries = Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]);
  return entries.length === 0 ? "" : `?${new URLSearchParams(entries).toString()}`;
}
