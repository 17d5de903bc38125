import { KeywardError } from "../core/errors.js";

export type GitHubFailureReason =
  | "github-unreachable"
  | "github-not-found"
  | "github-forbidden"
  | "github-unprocessable"
  | "github-unauthorized"
  | "github-rate-limited"
  | "github-foreign-url"
  | "github-redirect-refused"
  | "github-response-too-large"
  | "github-bad-request"
  | "github-error";

/** A GitHub REST failure. `status` 0 means the request never got an answer (network, timeout). No body, no token. */
export class GitHubError extends KeywardError {
  readonly status: number;
  readonly operation: string;
  /** For `github-rate-limited`: how long GitHub asked to wait. */
  readonly retryAfterMs: number | undefined;
  declare readonly reason: GitHubFailureReason;

  constructor(operation: string, status: number, options: { retryable: boolean; reason?: GitHubFailureReason; retryAfterMs?: number; cause?: unknown }) {
    const reason = options.reason ?? reasonOfStatus(status);
    super(`GitHub ${operation} failed${status ? ` with HTTP ${status}` : " (no response)"}${reason === "github-rate-limited" ? " (rate limited)" : ""}`, {
      reason,
      retryable: options.retryable,
      hint: HINTS[reason],
      ...(options.cause !== undefined ? { cause: options.cause } : {}),
    });
    this.status = status;
    this.operation = operation;
    this.retryAfterMs = options.retryAfterMs;
  }
}

function reasonOfStatus(status: number): GitHubFailureReason {
  switch (status) {
    case 0:
      return "github-unreachable";
    case 400:
      return "github-bad-request";
    case 401:
      return "github-unauthorized";
    case 403:
      return "github-forbidden";
    case 404:
      return "github-not-found";
    case 422:
      return "github-unprocessable";
    default:
      return "github-error";
  }
}

const TOKEN_HINT = 'check GITHUB_TOKEN: it needs the "Secret scanning alerts" read/write permission (and Contents: read) on the repository';
const HINTS: Partial<Record<GitHubFailureReason, string>> = {
  "github-unauthorized": TOKEN_HINT,
  "github-forbidden": TOKEN_HINT,
  "github-rate-limited": "GitHub's rate limit: the delivery is retried once the limit resets",
  "github-response-too-large": "the file is larger than the janitor reads (KEYWARD_GITHUB_MAX_RESPONSE_BYTES); look at the alert by hand",
  "github-foreign-url": "GitHub handed out a URL outside GITHUB_API_URL; it is never fetched with the token",
  "github-redirect-refused": "GitHub answered with a redirect off GITHUB_API_URL; it is not followed with the token",
};
