import type { AttemptFailure } from "./retry.js";

/** Errors raised before a connection exists: the request cannot have reached the server. */
const CONNECT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EHOSTDOWN", "ENETDOWN", "EADDRNOTAVAIL", "UND_ERR_CONNECT_TIMEOUT"]);
/** Never sent, and retrying will not help: bad certificates, malformed URLs or headers. */
const PERMANENT_CODE = /^(ERR_TLS_|ERR_SSL_|ERR_OSSL|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_INVALID_|UND_ERR_INVALID_ARG|UND_ERR_NOT_SUPPORTED)/;

export interface ClassifiedException {
  failure: Exclude<AttemptFailure, { kind: "status" }>;
  /** A short identifier safe to print (an error code such as `ECONNREFUSED`, or the error's name). */
  code: string;
}

/**
 * Classifies what `fetch` (or reading its body) threw. Node's fetch rejects with `TypeError("fetch failed")`
 * whose `cause` carries the socket error `code` (sometimes inside an AggregateError when several addresses were
 * tried); an `AbortSignal.timeout` rejects with a `TimeoutError`. Only the code is kept: error messages of lower
 * layers are never copied into keyward's errors.
 */
export function classifyException(err: unknown): ClassifiedException {
  if (isTimeout(err)) return { failure: { kind: "timeout" }, code: "TimeoutError" };
  const code = findCode(err);
  if (code !== undefined && CONNECT_CODES.has(code)) return { failure: { kind: "connect-failed" }, code };
  if (code !== undefined && PERMANENT_CODE.test(code)) return { failure: { kind: "connect-failed", permanent: true }, code };
  return { failure: { kind: "connection-lost" }, code: code ?? errorName(err) };
}

function isTimeout(err: unknown): boolean {
  const name = errorName(err);
  if (name === "TimeoutError") return true;
  const cause = (err as { cause?: unknown } | null)?.cause;
  return cause !== undefined && errorName(cause) === "TimeoutError";
}

function findCode(err: unknown, depth = 0): string | undefined {
  if (err === null || typeof err !== "object" || depth > 4) return undefined;
  const own = (err as { code?: unknown }).code;
  if (typeof own === "string" && own !== "" && own !== "ABORT_ERR") return own;
  const errors = (err as { errors?: unknown }).errors;
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const code = findCode(inner, depth + 1);
      if (code !== undefined) return code;
    }
  }
  return findCode((err as { cause?: unknown }).cause, depth + 1);
}

function errorName(err: unknown): string {
  if (err !== null && typeof err === "object" && typeof (err as { name?: unknown }).name === "string") {
    return (err as { name: string }).name;
  }
  return "Error";
}
