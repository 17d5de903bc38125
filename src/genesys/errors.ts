import { KeywardError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { scrub } from "../core/redact.js";
import { summarizeErrorBody } from "./error-body.js";
import { isTransient, mayHaveTakenEffect, type AttemptFailure } from "./retry.js";

export type GenesysErrorReason =
  | "invalid-client"
  | "unauthorized"
  | "forbidden"
  | "not-found"
  | "conflict"
  | "bad-request"
  | "rate-limited"
  | "token-rate-limited"
  | "server-error"
  | "unreachable"
  | "timeout"
  | "invalid-response";

/** Everything an error may say about the request that failed. Never a body, a header or a URL with a query. */
export interface RequestContext {
  /** Method and route template, e.g. `POST /api/v2/oauth/clients/{clientId}/secret`. */
  operation: string;
  endpoint: "login" | "api";
  /** Host the request went to (shown for unreachable/timeout). */
  host: string;
  /** The OAuth client the request was about, if any: an identifier, safe to print. */
  clientId?: string;
  idempotent: boolean;
  timeoutMs: number;
  /** Replaces the hint when a non-idempotent request failed in a way that leaves its outcome open. */
  ambiguousHint?: string;
}

export interface GenesysApiErrorInit {
  reason: GenesysErrorReason;
  /** HTTP status; 0 for network failures and timeouts. */
  status: number;
  operation: string;
  endpoint: "login" | "api";
  code?: string;
  correlationId?: string;
  retryAfterSeconds?: number;
  clientId?: string;
  mayHaveTakenEffect: boolean;
  retryable: boolean;
  hint: string;
  cause?: unknown;
}

/**
 * A failed Genesys Cloud request. Built only from the status, the error body's code/message/contextId, response
 * headers and the route template: request bodies, Authorization headers and tokens are never inputs, and
 * KeywardError scrubs registered secrets from message and hint on top of that.
 */
export class GenesysApiError extends KeywardError {
  readonly status: number;
  readonly code: string | undefined;
  readonly correlationId: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly operation: string;
  readonly endpoint: "login" | "api";
  readonly clientId: string | undefined;
  /**
   * True when the request may have been acted on even though it failed (timeout, connection lost, 5xx). For a
   * non-idempotent request (create, regenerate) the caller has to find out what happened before trying again.
   */
  readonly mayHaveTakenEffect: boolean;

  constructor(message: string, init: GenesysApiErrorInit) {
    super(message, {
      reason: init.reason,
      retryable: init.retryable,
      exitCode: USAGE_REASONS.has(init.reason) ? ExitCode.Usage : ExitCode.Failed,
      hint: init.hint,
      ...(init.cause !== undefined ? { cause: init.cause } : {}),
    });
    this.status = init.status;
    this.code = init.code;
    this.correlationId = init.correlationId;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.operation = init.operation;
    this.endpoint = init.endpoint;
    this.clientId = init.clientId;
    this.mayHaveTakenEffect = init.mayHaveTakenEffect;
  }
}

/** Reasons that mean "fix how keyward is configured" (exit 2) rather than "this run failed" (exit 1). */
const USAGE_REASONS = new Set<GenesysErrorReason>(["invalid-client", "unauthorized", "forbidden"]);

/** The reason slug of a failed attempt. `code` is the error body's `code` / `error`. */
export function reasonFor(failure: AttemptFailure, endpoint: "login" | "api", code?: string): GenesysErrorReason {
  switch (failure.kind) {
    case "connect-failed":
    case "connection-lost":
      return "unreachable";
    case "timeout":
      return "timeout";
    case "status":
      break;
  }
  const { status } = failure;
  if (endpoint === "login") {
    if (failure.tokenRateLimited) return "token-rate-limited";
    if (status === 401 || (status === 400 && (code === "invalid_client" || code === "unauthorized_client"))) return "invalid-client";
  }
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  if (status === 404 || status === 410) return "not-found";
  if (status === 409) return "conflict";
  if (status === 408) return "timeout";
  if (status === 429) return "rate-limited";
  if (status >= 500) return "server-error";
  if (status >= 400) return "bad-request";
  return "invalid-response";
}

/** The error for a non-2xx response. `body` is the parsed JSON body (or undefined); only its summary is used. */
export function errorFromStatus(
  ctx: RequestContext,
  failure: Extract<AttemptFailure, { kind: "status" }>,
  body: unknown,
  correlationHeader: string | null | undefined,
): GenesysApiError {
  const summary = summarizeErrorBody(body);
  const reason = reasonFor(failure, ctx.endpoint, summary.code);
  const correlationId = correlationHeader?.trim() || summary.contextId;
  const what = [String(failure.status), summary.code].filter(Boolean).join(" ");
  const said = summary.message ? `: ${quote(summary.message)}` : "";
  const message = `${subject(ctx)} failed with ${what}${said}${correlationSuffix(correlationId)}`;
  return build(ctx, failure, message, {
    reason,
    status: failure.status,
    ...(summary.code !== undefined ? { code: summary.code } : {}),
    ...(correlationId ? { correlationId } : {}),
    ...(failure.retryAfterSeconds !== undefined ? { retryAfterSeconds: failure.retryAfterSeconds } : {}),
    hint: hintFor(reason, ctx, summary.message),
  });
}

/** Seconds keyward waits for each HTTP request (Genesys Cloud and Secrets Manager). */
export const HTTP_TIMEOUT_ENV = "KEYWARD_HTTP_TIMEOUT_SECONDS";

/** The error for a network failure or timeout (status 0). `code` is a short identifier such as `ECONNREFUSED`. */
export function errorFromException(ctx: RequestContext, failure: Exclude<AttemptFailure, { kind: "status" }>, code: string): GenesysApiError {
  const reason = reasonFor(failure, ctx.endpoint);
  const message =
    failure.kind === "timeout"
      ? `${subject(ctx)} timed out after ${ctx.timeoutMs} ms waiting for ${ctx.host}`
      : failure.kind === "connect-failed"
        ? `${subject(ctx)} could not connect to ${ctx.host} (${code})`
        : `${subject(ctx)} lost its connection to ${ctx.host} (${code})`;
  const cause = new Error(code);
  cause.name = failure.kind === "timeout" ? "TimeoutError" : "NetworkError";
  return build(ctx, failure, message, {
    reason,
    status: 0,
    code,
    hint: failure.kind === "connect-failed" && failure.permanent ? permanentConnectHint(ctx) : hintFor(reason, ctx),
    cause,
  });
}

/** A 2xx (or 3xx) response keyward cannot use: unparseable, or missing a field it needs. */
export function invalidResponseError(ctx: RequestContext, status: number, problem: string, correlationId: string | undefined, hint?: string): GenesysApiError {
  return new GenesysApiError(`${subject(ctx)} returned ${status} but ${problem}${correlationSuffix(correlationId)}`, {
    reason: "invalid-response",
    status,
    operation: ctx.operation,
    endpoint: ctx.endpoint,
    ...(correlationId ? { correlationId } : {}),
    ...(ctx.clientId !== undefined ? { clientId: ctx.clientId } : {}),
    mayHaveTakenEffect: true,
    retryable: false,
    hint: hint ?? ctx.ambiguousHint ?? hintFor("invalid-response", ctx),
  });
}

function build(
  ctx: RequestContext,
  failure: AttemptFailure,
  message: string,
  fields: Pick<GenesysApiErrorInit, "reason" | "status" | "code" | "correlationId" | "retryAfterSeconds" | "hint" | "cause">,
): GenesysApiError {
  const effect = mayHaveTakenEffect(failure);
  const ambiguous = !ctx.idempotent && effect;
  return new GenesysApiError(message, {
    ...fields,
    operation: ctx.operation,
    endpoint: ctx.endpoint,
    ...(ctx.clientId !== undefined ? { clientId: ctx.clientId } : {}),
    mayHaveTakenEffect: effect,
    // A non-idempotent request that may have taken effect must not be repeated blindly, whatever the cause.
    retryable: isTransient(failure) && !ambiguous,
    hint: ambiguous && ctx.ambiguousHint ? ctx.ambiguousHint : fields.hint,
  });
}

function subject(ctx: RequestContext): string {
  const about = ctx.clientId !== undefined ? ` for OAuth client ${ctx.clientId}` : "";
  return `Genesys Cloud request ${ctx.operation}${about}`;
}

function correlationSuffix(correlationId: string | undefined): string {
  return correlationId ? ` (correlation id ${correlationId})` : "";
}

function quote(text: string): string {
  return `"${scrub(text).replace(/"/g, "'")}"`;
}

/** Permission names such as `oauth:client:edit` mentioned in a 403 message. */
export function permissionsIn(message: string | undefined): string[] {
  return [...new Set(message?.match(/\b[a-zA-Z]+:[a-zA-Z*]+:[a-zA-Z*]+\b/g) ?? [])];
}

/** The permission each route keyward calls needs (reference §2), for a 403 whose message names none. */
const OPERATION_PERMISSIONS: Readonly<Record<string, string>> = {
  "GET /api/v2/oauth/clients": "oauth:client:view",
  "POST /api/v2/oauth/clients": "oauth:client:add",
  "GET /api/v2/oauth/clients/{clientId}": "oauth:client:view",
  "PUT /api/v2/oauth/clients/{clientId}": "oauth:client:edit",
  "DELETE /api/v2/oauth/clients/{clientId}": "oauth:client:delete",
  "POST /api/v2/oauth/clients/{clientId}/secret": "oauth:client:edit",
  "GET /api/v2/authorization/roles/{roleId}": "authorization:role:view",
};

function hintFor(reason: GenesysErrorReason, ctx: RequestContext, serverMessage?: string): string {
  switch (reason) {
    case "invalid-client":
      return "Genesys Cloud rejected the admin client credentials: check GENESYSCLOUD_OAUTHCLIENT_ID and GENESYSCLOUD_OAUTHCLIENT_SECRET (a client-credentials client that is active), and that GENESYSCLOUD_REGION is the org's region.";
    case "unauthorized":
      return "The access token was refused: check GENESYSCLOUD_OAUTHCLIENT_ID and GENESYSCLOUD_OAUTHCLIENT_SECRET, and that GENESYSCLOUD_REGION is the region the client belongs to.";
    case "forbidden": {
      const permissions = permissionsIn(serverMessage);
      const needed = OPERATION_PERMISSIONS[ctx.operation];
      const named = permissions.length > 0 ? permissions.join(" or ") : needed ? `${needed} (what ${ctx.operation} needs)` : "named in the message (e.g. oauth:client:edit)";
      return `The admin OAuth client's role lacks the permission ${named}: add it to the role in Admin > Roles/Permissions (the admin client also needs every role it assigns to other clients).`;
    }
    case "not-found":
      return ctx.clientId !== undefined
        ? `Check the OAuth client id ${ctx.clientId}: it does not exist in this org and region, or it was deleted.`
        : "Check the id in the request and that GENESYSCLOUD_REGION is the org's region.";
    case "conflict":
      return "Someone changed the same OAuth client at the same time: read it again and retry.";
    case "bad-request":
      return "Genesys Cloud refused the request as invalid: check the values given for this OAuth client (name, grant type, roles, state).";
    case "rate-limited":
      return "Genesys Cloud is throttling the admin client: lower --concurrency, spread the runs out, or ask Genesys to raise the org's API rate limits.";
    case "token-rate-limited":
      return "Too many token requests for the admin client: lower --concurrency so workers share one token, and retry in a minute.";
    case "server-error":
      return "Genesys Cloud had an internal error: retry later, and quote the correlation id if you contact Genesys support.";
    case "unreachable":
      return `Could not talk to ${ctx.host}: check GENESYSCLOUD_REGION, the GENESYSCLOUD_GATEWAY_* variables, and network, proxy and firewall access.`;
    case "timeout":
      return `${ctx.host} did not answer within ${Math.round(ctx.timeoutMs / 1000)} s: check the network path to Genesys Cloud; ${HTTP_TIMEOUT_ENV} (now ${Math.round(ctx.timeoutMs / 1000)}) sets how many seconds keyward waits for each request.`;
    case "invalid-response":
      return "Genesys Cloud answered with something keyward does not understand: retry, and quote the correlation id to Genesys support if it persists.";
  }
}

function permanentConnectHint(ctx: RequestContext): string {
  return `The connection to ${ctx.host} was refused before sending anything (TLS or URL problem): check GENESYSCLOUD_GATEWAY_HOST/_PROTOCOL/_PORT and any TLS-intercepting proxy.`;
}
