import { registerSecret } from "../core/redact.js";
import type { RetryPolicy } from "../genesys/retry.js";
import { GitHubError } from "./errors.js";
import { GITHUB_RETRY_POLICY, nextLink, requestJson, type FetchLike, type RequestOptions } from "./request.js";
import type { AlertLocation, AlertUpdate, CommitInfo, SecretScanningAlert } from "./types.js";

export const DEFAULT_GITHUB_API_URL = "https://api.github.com";
export const GITHUB_API_VERSION = "2022-11-28";
/** Bound on location pages (100 per page). */
const MAX_LOCATION_PAGES = 20;

export interface GitHubClientOptions {
  /** `GITHUB_API_URL`: `https://api.github.com`, or `https://<ghes-host>/api/v3`. */
  baseUrl?: string;
  token: string;
  fetch?: FetchLike;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  retryPolicy?: RetryPolicy;
  timeoutMs?: number;
}

/** The narrow GitHub REST view the janitor needs (one module per external system; callers receive it by injection). */
export interface GitHubClient {
  readonly baseUrl: string;
  getAlert(repo: string, alertNumber: number): Promise<SecretScanningAlert>;
  /** Every location of the alert, following `Link: rel="next"` (bounded). */
  listLocations(repo: string, alertNumber: number): Promise<AlertLocation[]>;
  /** A blob's content as UTF-8 text. */
  getBlob(repo: string, sha: string): Promise<string>;
  getCommit(repo: string, sha: string): Promise<CommitInfo>;
  updateAlert(repo: string, alertNumber: number, update: AlertUpdate): Promise<void>;
  createCommitComment(repo: string, sha: string, body: string): Promise<void>;
  /** GET of an API URL GitHub handed out (issue/PR/discussion locations); refused for any other host. */
  getApiUrl(url: string): Promise<Record<string, unknown>>;
}

export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const baseUrl = (options.baseUrl ?? DEFAULT_GITHUB_API_URL).replace(/\/+$/, "");
  registerSecret(options.token);
  const req: RequestOptions = {
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    random: options.random ?? Math.random,
    policy: options.retryPolicy ?? GITHUB_RETRY_POLICY,
    timeoutMs: options.timeoutMs ?? 5_000,
  };
  const headers = (json = false): Record<string, string> => ({
    accept: "application/vnd.github+json",
    authorization: `Bearer ${options.token}`,
    "x-github-api-version": GITHUB_API_VERSION,
    "user-agent": "keyward-janitor",
    ...(json ? { "content-type": "application/json" } : {}),
  });
  const repoPath = (repo: string) => {
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repo)) throw new GitHubError(`repository name check`, 400, { retryable: false });
    return `${baseUrl}/repos/${repo}`;
  };
  const get = async <T>(operation: string, url: string) => (await requestJson<T>(req, operation, url, { method: "GET", headers: headers() })).body;

  return {
    baseUrl,
    async getAlert(repo, n) {
      const alert = await get<SecretScanningAlert>("get alert", `${repoPath(repo)}/secret-scanning/alerts/${n}`);
      if (typeof alert?.secret === "string") registerSecret(alert.secret);
      return alert;
    },
    async listLocations(repo, n) {
      const out: AlertLocation[] = [];
      let url: string | undefined = `${repoPath(repo)}/secret-scanning/alerts/${n}/locations?per_page=100`;
      for (let page = 0; url && page < MAX_LOCATION_PAGES; page++) {
        if (!url.startsWith(baseUrl)) break;
        const res: { body: AlertLocation[]; headers: Headers } = await requestJson<AlertLocation[]>(req, "list alert locations", url, { method: "GET", headers: headers() });
        if (Array.isArray(res.body)) out.push(...res.body);
        url = nextLink(res.headers.get("link"));
      }
      return out;
    },
    async getBlob(repo, sha) {
      const blob = await get<{ content?: string; encoding?: string }>("get blob", `${repoPath(repo)}/git/blobs/${encodeURIComponent(sha)}`);
      const content = blob?.content ?? "";
      return blob?.encoding === "base64" ? Buffer.from(content, "base64").toString("utf8") : content;
    },
    async getCommit(repo, sha) {
      const c = await get<{ sha: string; commit?: { author?: { email?: string; name?: string } }; author?: { login?: string } | null; files?: Array<{ filename: string; patch?: string }> }>(
        "get commit",
        `${repoPath(repo)}/commits/${encodeURIComponent(sha)}`,
      );
      return {
        sha: c.sha,
        ...(c.commit?.author?.email ? { authorEmail: c.commit.author.email } : {}),
        ...(c.commit?.author?.name ? { authorName: c.commit.author.name } : {}),
        ...(c.author?.login ? { authorLogin: c.author.login } : {}),
        files: (c.files ?? []).map((f) => ({ filename: f.filename, ...(f.patch ? { patch: f.patch } : {}) })),
      };
    },
    async updateAlert(repo, n, update) {
      await requestJson(req, "update alert", `${repoPath(repo)}/secret-scanning/alerts/${n}`, { method: "PATCH", headers: headers(true), body: JSON.stringify(update) });
    },
    async createCommitComment(repo, sha, body) {
      await requestJson(req, "create commit comment", `${repoPath(repo)}/commits/${encodeURIComponent(sha)}/comments`, { method: "POST", headers: headers(true), body: JSON.stringify({ body }) });
    },
    async getApiUrl(url) {
      // The token only ever goes to the configured API host.
      if (!url.startsWith(baseUrl + "/")) throw new GitHubError("get location content (foreign host)", 400, { retryable: false });
      return (await get<Record<string, unknown>>("get location content", url)) ?? {};
    },
  };
}
