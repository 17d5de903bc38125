import { scrub } from "../core/redact.js";
import type { AuthErrorBody, ErrorBody } from "./types.js";

/** Registered secrets, and anything shaped like a bearer token or HTTP Basic credential, whether registered or not. */
function scrubCredentials(text: string): string {
  return scrub(text).replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, "$1 [REDACTED]");
}

/** What keyward takes from an error response: a Platform API `ErrorBody` or a token endpoint `AuthErrorBody`. */
export interface ErrorBodySummary {
  /** `ErrorBody.code` (e.g. `not.found`) or `AuthErrorBody.error` (e.g. `invalid_client`). */
  code?: string;
  /** `ErrorBody.message`, or `error_description` / `description` of a token error. */
  message?: string;
  /** `ErrorBody.contextId`: the correlation id when the header is missing. */
  contextId?: string;
}

const MAX_MESSAGE_LENGTH = 300;

/** Reads the fields keyward uses from a parsed error body of either shape; anything else yields `{}`. */
export function summarizeErrorBody(body: unknown): ErrorBodySummary {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return {};
  const api = body as ErrorBody;
  const auth = body as Partial<AuthErrorBody>;
  const code = text(api.code) ?? text(auth.error);
  const message = text(api.message) ?? text(auth.error_description) ?? text(auth.description);
  const contextId = text(api.contextId);
  return {
    ...(code !== undefined ? { code } : {}),
    ...(message !== undefined ? { message: truncate(message) } : {}),
    ...(contextId !== undefined ? { contextId } : {}),
  };
}

/**
 * The token endpoint's own rate limit: HTTP 400, `error: "invalid_request"`, description starting
 * `rate limit exceeded;` (reference §1; the provider retries exactly this case in `provider.go`).
 */
export function isTokenRateLimit(status: number, body: unknown): boolean {
  if (status !== 400 || body === null || typeof body !== "object") return false;
  const auth = body as Partial<AuthErrorBody>;
  if (auth.error !== "invalid_request") return false;
  const description = `${text(auth.error_description) ?? ""} ${text(auth.description) ?? ""}`;
  return /rate limit exceeded/i.test(description);
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/** Scrubbed first, then cut: a token echoed across the cut must not survive in part. */
function truncate(value: string): string {
  const oneLine = scrubCredentials(value).replace(/\s+/g, " ");
  return oneLine.length > MAX_MESSAGE_LENGTH ? `${oneLine.slice(0, MAX_MESSAGE_LENGTH)}…` : oneLine;
}
