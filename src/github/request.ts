import { decideRetry, parseRetryAfter, type AttemptFailure, type RetryPolicy } from "../genesys/retry.js";
import { GitHubError } from "./errors.js";

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** GitHub's own guidance plus plugin-retry's deny-list: a 4xx other than 429 (and secondary-rate-limit 403s) fails fast. */
export const GITHUB_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 3,
  baseDelayMs: 250,
  maxDelayMs: 2_000,
  maxRetryAfterSeconds: 5,
  jitter: "full",
});

export interface RequestOptions {
  fetch: FetchLike;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  policy: RetryPolicy;
  timeoutMs: number;
}

export interface JsonResponse<T> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * One REST call with the bounded retry policy: 429, 5xx, resets and timeouts are retried (Retry-After honoured and
 * capped by the policy), everything else is thrown as a GitHubError at once. Non-idempotent calls (POST) are only
 * retried when the connection was never made or the server refused before processing (429).
 */
export async function requestJson<T>(opts: RequestOptions, operation: string, url: string, init: RequestInit, accept: readonly number[] = []): Promise<JsonResponse<T>> {
  const idempotent = (init.method ?? "GET") !== "POST";
  for (let attempt = 1; ; attempt++) {
    let failure: AttemptFailure;
    let error: GitHubError;
    try {
      const res = await opts.fetch(url, { ...init, signal: AbortSignal.timeout(opts.timeoutMs) });
      const text = await res.text();
      if (res.ok || accept.includes(res.status)) {
        return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
      }
      // A 403 carrying Retry-After (secondary rate limit) behaves like a 429.
      const retryAfter = parseRetryAfter(res.headers.get("retry-after"), Date.now());
      const status = res.status === 403 && retryAfter !== undefined ? 429 : res.status;
      failure = { kind: "status", status, ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}) };
      error = new GitHubError(operation, res.status, { retryable: status === 429 || status >= 500 });
    } catch (err) {
      const timeout = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
      failure = timeout ? { kind: "timeout" } : { kind: "connection-lost" };
      error = new GitHubError(operation, 0, { retryable: true, cause: err });
    }
    const decision = decideRetry(opts.policy, attempt, { ...failure, idempotent }, opts.random);
    if (!decision.retry) throw error;
    await opts.sleep(decision.delayMs);
  }
}

/** The `rel="next"` URL of a Link header. */
export function nextLink(link: string | null): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(",")) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (m) return m[1];
  }
  return undefined;
}
