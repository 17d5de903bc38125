export { createGitHubClient, DEFAULT_GITHUB_API_URL, GITHUB_API_VERSION } from "./client.js";
export type { GitHubClient, GitHubClientOptions } from "./client.js";
export { GitHubError } from "./errors.js";
export { GITHUB_RETRY_POLICY, nextLink } from "./request.js";
export type { FetchLike } from "./request.js";
export type { AlertLocation, AlertUpdate, CommitInfo, SecretScanningAlert } from "./types.js";
