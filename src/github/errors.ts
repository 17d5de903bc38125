import { KeywardError } from "../core/errors.js";

/** A GitHub REST failure. `status` 0 means the request never got an answer (network, timeout). No body, no token. */
export class GitHubError extends KeywardError {
  readonly status: number;
  readonly operation: string;

  constructor(operation: string, status: number, options: { retryable: boolean; cause?: unknown }) {
    super(`GitHub ${operation} failed${status ? ` with HTTP ${status}` : " (no response)"}`, {
      reason: status === 0 ? "github-unreachable" : status === 404 ? "github-not-found" : status === 403 ? "github-forbidden" : status === 422 ? "github-unprocessable" : status === 401 ? "github-unauthorized" : "github-error",
      retryable: options.retryable,
      hint: status === 401 || status === 403 ? "check GITHUB_TOKEN: it needs the \"Secret scanning alerts\" read/write permission (and Contents: read) on the repository" : undefined,
      ...(options.cause !== undefined ? { cause: options.cause } : {}),
    });
    this.status = status;
    this.operation = operation;
  }
}
