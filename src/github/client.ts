import { AsyncLocalStorage } from "node:async_hooks";
import { Octokit } from "@octokit/core";
import { paginateRest } from "@octokit/plugin-paginate-rest";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { registerSecret } from "../core/redact.js";
import { GitHubError, type GitHubFailureReason } from "./errors.js";
import { guardedFetch, REFUSAL_HEADER, type FetchLike, type Refusal } from "./guarded-fetch.js";
import { requestLimiter, type RequestLimiter } from "./limiter.js";
import { decideRateLimitWait, DEFAULT_WAIT_POLICY, type WaitPolicy } from "../core/rate-limit-wait.js";
import { classifyRateLimit } from "./rate-limit.js";
import { isRepositoryName } from "./repository.js";
import type { AlertLocation, AlertUpdate, CommitInfo, SecretScanningAlert } from "./types.js";

export const DEFAULT_GITHUB_API_URL = "https://api.github.com";
export const GITHUB_API_VERSION = "2022-11-28";
/** Bound on location pages (100 per page): 1,000 locations. */
export const MAX_LOCATION_PAGES = 10;
/** Largest response read (a blob is base64 in JSON: about 4/3 of the file). */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/** The deadline of a call made without one. */
const DEFAULT_BUDGET_MS = 60_000;

export interface GitHubClientOptions {
  /** `GITHUB_API_URL`: `https://api.github.com`, or `https://<ghes-host>/api/v3`. */
  baseUrl?: string;
  token: string;
  fetch?: FetchLike;
  /** Per attempt. */
  timeoutMs?: number;
  maxResponseBytes?: number;
  /** Pacing (GitHub's guidance by default: 10 in flight, writes 1 s apart, notifying writes 3 s apart). */
  limits?: { maxConcurrent?: number; writeSpacingMs?: number; notificationSpacingMs?: number };
  /** Rate-limit waits: how many, how long at most. */
  waitPolicy?: WaitPolicy;
  /** `@octokit/plugin-retry` for 5xx and network failures: attempts after the first, and the ms of its backoff unit (1, 4, 9 units). */
  retries?: number;
  retryUnitMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** The narrow GitHub REST view the janitor needs (one module per external system; callers receive it by injection). */
export interface GitHubClient {
  readonly baseUrl: string;
  /** The same client, its rate-limit waits bounded by `deadlineMs` (epoch ms): a longer wait fails as `github-rate-limited`. */
  withDeadline(deadlineMs: number): GitHubClient;
  getAlert(repo: string, alertNumber: number): Promise<SecretScanningAlert>;
  /** Every location of the alert, following `Link: rel="next"` on the API origin only (bounded). */
  listLocations(repo: string, alertNumber: number): Promise<AlertLocation[]>;
  /** A blob's content as UTF-8 text. */
  getBlob(repo: string, sha: string): Promise<string>;
  getCommit(repo: string, sha: string): Promise<CommitInfo>;
  updateAlert(repo: string, alertNumber: number, update: AlertUpdate): Promise<void>;
  createCommitComment(repo: string, sha: string, body: string): Promise<void>;
  /** GET of an API URL GitHub handed out for a location of `repo` (issue, comment, PR, discussion); refused anywhere else. */
  getApiUrl(url: string, repo: string): Promise<Record<string, unknown>>;
}

const KeywardOctokit = Octokit.plugin(throttling, retry, paginateRest);
type KOctokit = InstanceType<typeof KeywardOctokit>;

interface Shared {
  baseUrl: string;
  token: string;
  fetch: FetchLike;
  limiters: { global: RequestLimiter; write: RequestLimiter; notifications: RequestLimiter; search: RequestLimiter; auth: RequestLimiter };
  waitPolicy: WaitPolicy;
  retries: number;
  retryUnitMs: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** `GITHUB_API_URL` in one spelling: scheme and host lower case (URL parsing), no trailing slash. */
export function normalizeApiUrl(url: string): string {
  return new URL(url).href.replace(/\/+$/, "");
}

export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const baseUrl = normalizeApiUrl(options.baseUrl ?? DEFAULT_GITHUB_API_URL);
  registerSecret(options.token);
  const limits = options.limits ?? {};
  const shared: Shared = {
    baseUrl,
    token: options.token,
    fetch: guardedFetch({
      baseUrl,
      maxBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      timeoutMs: options.timeoutMs ?? 10_000,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    }),
    limiters: {
      global: requestLimiter(limits.maxConcurrent ?? 10, 0),
      write: requestLimiter(1, limits.writeSpacingMs ?? 1_000),
      notifications: requestLimiter(1, limits.notificationSpacingMs ?? 3_000),
      search: requestLimiter(1, 2_000),
      auth: requestLimiter(1, 0),
    },
    waitPolicy: options.waitPolicy ?? DEFAULT_WAIT_POLICY,
    retries: options.retries ?? 3,
    retryUnitMs: options.retryUnitMs ?? 1_000,
    now: options.now ?? Date.now,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
  };
  return clientFor(shared, octokitFor(shared), undefined);
}

/** The deadline of the call in progress (one octokit serves every delivery; each call runs under its own deadline). */
const deadlines = new AsyncLocalStorage<number>();

function octokitFor(shared: Shared): KOctokit {
  const deadline = () => deadlines.getStore() ?? shared.now() + DEFAULT_BUDGET_MS;
  const wait = (retryAfterSeconds: number, waitsSoFar: number) =>
    decideRateLimitWait({ retryAfterMs: retryAfterSeconds * 1000, waitsSoFar, nowMs: shared.now(), deadlineMs: deadline(), policy: shared.waitPolicy });
  const octokit: KOctokit = new KeywardOctokit({
    auth: shared.token,
    baseUrl: shared.baseUrl,
    userAgent: "keyward-janitor",
    request: { fetch: shared.fetch },
    throttle: {
      ...shared.limiters,
      onRateLimit: (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) => wait(retryAfter, retryCount),
      onSecondaryRateLimit: (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) => wait(retryAfter, retryCount),
    } as never,
    // 429 and 403 are the throttling plugin's (and the bare-429 wait below): plugin-retry takes 5xx and network failures.
    retry: { doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451], retries: shared.retries, retryAfterBaseValue: shared.retryUnitMs },
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  });

  octokit.hook.before("request", (options) => {
    options.headers["x-github-api-version"] = GITHUB_API_VERSION;
  });
  return octokit;
}

function clientFor(shared: Shared, octokit: KOctokit, deadlineMs: number | undefined): GitHubClient {
  const deadline = () => deadlineMs ?? shared.now() + DEFAULT_BUDGET_MS;

  /** One call: octokit's retries and throttling, then a bare 429 waited out within the deadline, then a typed error. */
  const call = async <T>(operation: string, run: () => Promise<T>): Promise<T> => {
    for (let waits = 0; ; waits++) {
      try {
        return await deadlines.run(deadline(), run);
      } catch (err) {
        const mapped = toGitHubError(operation, err, shared.now());
        if (
          mapped.reason === "github-rate-limited" &&
          mapped.retryAfterMs !== undefined &&
          decideRateLimitWait({ retryAfterMs: mapped.retryAfterMs, waitsSoFar: waits, nowMs: shared.now(), deadlineMs: deadline(), policy: shared.waitPolicy }) &&
          isBare429(err)
        ) {
          await shared.sleep(mapped.retryAfterMs);
          continue;
        }
        throw mapped;
      }
    }
  };
  const split = (repo: string) => {
    if (!isRepositoryName(repo)) throw new GitHubError("repository name check", 400, { retryable: false, reason: "github-bad-request" });
    const [owner, name] = repo.split("/") as [string, string];
    return { owner, repo: name };
  };

  return {
    baseUrl: shared.baseUrl,
    withDeadline: (ms) => clientFor(shared, octokit, ms),
    async getAlert(repo, n) {
      const { data } = await call("get alert", () => octokit.request("GET /repos/{owner}/{repo}/secret-scanning/alerts/{alert_number}", { ...split(repo), alert_number: n }));
      const alert = data as unknown as SecretScanningAlert;
      if (typeof alert?.secret === "string") registerSecret(alert.secret);
      return alert;
    },
    async listLocations(repo, n) {
      const out: AlertLocation[] = [];
      const pages = octokit.paginate.iterator("GET /repos/{owner}/{repo}/secret-scanning/alerts/{alert_number}/locations", { ...split(repo), alert_number: n, per_page: 100 });
      const iterator = pages[Symbol.asyncIterator]();
      for (let page = 0; page < MAX_LOCATION_PAGES; page++) {
        let next: IteratorResult<{ data: unknown }>;
        try {
          next = await call("list alert locations", () => iterator.next());
        } catch (err) {
          // A `Link` off the API origin is never followed: what was read so far stands.
          if (page > 0 && err instanceof GitHubError && err.reason === "github-foreign-url") break;
          throw err;
        }
        if (next.done) break;
        if (Array.isArray(next.value.data)) out.push(...(next.value.data as AlertLocation[]));
      }
      return out;
    },
    async getBlob(repo, sha) {
      const { data } = await call("get blob", () => octokit.request("GET /repos/{owner}/{repo}/git/blobs/{file_sha}", { ...split(repo), file_sha: sha }));
      const content = data?.content ?? "";
      return data?.encoding === "base64" ? Buffer.from(content, "base64").toString("utf8") : content;
    },
    async getCommit(repo, sha) {
      const { data: c } = await call("get commit", () => octokit.request("GET /repos/{owner}/{repo}/commits/{ref}", { ...split(repo), ref: sha }));
      return {
        sha: c.sha,
        ...(c.commit?.author?.email ? { authorEmail: c.commit.author.email } : {}),
        ...(c.commit?.author?.name ? { authorName: c.commit.author.name } : {}),
        ...(c.author && "login" in c.author && c.author.login ? { authorLogin: c.author.login } : {}),
        files: (c.files ?? []).map((f) => ({ filename: f.filename, ...(f.patch ? { patch: f.patch } : {}) })),
      };
    },
    async updateAlert(repo, n, update) {
      await call("update alert", () =>
        octokit.request("PATCH /repos/{owner}/{repo}/secret-scanning/alerts/{alert_number}", { ...split(repo), alert_number: n, ...update } as never),
      );
    },
    async createCommitComment(repo, sha, body) {
      await call("create commit comment", () => octokit.request("POST /repos/{owner}/{repo}/commits/{commit_sha}/comments", { ...split(repo), commit_sha: sha, body }));
    },
    async getApiUrl(url, repo) {
      split(repo);
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new GitHubError("get location content", 400, { retryable: false, reason: "github-foreign-url" });
      }
      // The token only ever goes to the configured API origin, and only for this repository's resources.
      const under = new URL(`${shared.baseUrl}/repos/${repo}/`);
      if (parsed.origin !== under.origin || !parsed.pathname.toLowerCase().startsWith(under.pathname.toLowerCase())) {
        throw new GitHubError("get location content", 400, { retryable: false, reason: "github-foreign-url" });
      }
      const { data } = await call("get location content", () => octokit.request({ method: "GET", url: parsed.href }));
      return (data as Record<string, unknown>) ?? {};
    },
  };
}

interface OctokitRequestError {
  status: number;
  message: string;
  response?: { headers: Record<string, string | undefined> };
}

function isRequestError(err: unknown): err is OctokitRequestError {
  return typeof err === "object" && err !== null && typeof (err as { status?: unknown }).status === "number";
}

function isBare429(err: unknown): boolean {
  return isRequestError(err) && err.status === 429 && !/\bsecondary rate\b/i.test(err.message) && err.response?.headers["x-ratelimit-remaining"] !== "0";
}

/** Every failure as a typed GitHubError; the one place statuses become reasons. */
export function toGitHubError(operation: string, err: unknown, nowMs: number): GitHubError {
  if (err instanceof GitHubError) return err;
  if (!isRequestError(err)) return new GitHubError(operation, 0, { retryable: true, cause: err });
  const headers = err.response?.headers ?? {};
  const refusal = headers[REFUSAL_HEADER] as Refusal | undefined;
  if (refusal) return new GitHubError(operation, 400, { retryable: false, reason: `github-${refusal}` as GitHubFailureReason });
  if (!err.response) return new GitHubError(operation, 0, { retryable: true, cause: err });
  const limited = classifyRateLimit(err.status, headers, err.message, nowMs);
  if (limited) return new GitHubError(operation, err.status, { retryable: true, reason: "github-rate-limited", retryAfterMs: limited.retryAfterMs });
  return new GitHubError(operation, err.status, { retryable: err.status >= 500 });
}
