/** The Genesys Cloud client: the only public surface of src/genesys. */
export * from "./types.js";
export { GENESYS_REGIONS, findRegion, resolveEndpoints } from "./regions.js";
export type { EndpointSettings, GenesysEndpoints, GenesysRegion, GenesysRegionName } from "./regions.js";
export { gatewayBaseUrl } from "./gateway-url.js";
export type { GatewayPathName, GatewayPathParam, GatewaySettings } from "./gateway-url.js";
export { GENESYS_ENV, genesysSettingsFromEnv, requireCredentials } from "./settings.js";
export type { GenesysCredentials, GenesysSettings } from "./settings.js";
export { GenesysApiError, HTTP_TIMEOUT_ENV, reasonFor, permissionsIn } from "./errors.js";
export type { GenesysErrorReason } from "./errors.js";
export {
  DEFAULT_RETRY_POLICY,
  backoffDelay,
  decideRetry,
  isTransient,
  mayHaveTakenEffect,
  parseRetryAfter,
  retryAfterFromMessage,
} from "./retry.js";
export type { AttemptFailure, AttemptOutcome, RetryDecision, RetryPolicy } from "./retry.js";
export { RateGate } from "./rate-gate.js";
export type { HeaderReader, RateGateOptions } from "./rate-gate.js";
export { DeadlineError, DEFAULT_TIMEOUT_MS, MAX_BODY_BYTES, Transport } from "./transport.js";
export type { FetchLike, HttpMethod, TransportOptions, TransportRequest, TransportResponse } from "./transport.js";
export { MAX_REFRESH_MARGIN_MS, TokenClient, refreshAt } from "./token-client.js";
export type { TokenClientOptions, TokenProvider } from "./token-client.js";
export { requestClientCredentialsToken } from "./token-request.js";
export type { MintedToken } from "./token-request.js";
export { ApiClient, STALE_TOKEN_CODES } from "./api-client.js";
export type { ApiCall } from "./api-client.js";
export {
  OAUTH_CLIENTS_ROUTE,
  OAUTH_CLIENT_ROUTE,
  OAUTH_CLIENT_SECRET_ROUTE,
  OAuthClientsApi,
} from "./oauth-clients.js";
export type { DeleteOutcome, OAuthClientWithSecret } from "./oauth-clients.js";
export { toOAuthClientRequest } from "./oauth-client-request.js";
export { CHECK_RETRY_POLICY, checkCredentials, probeCredentials } from "./check-credentials.js";
export type { CheckCredentialsOptions, CredentialProbe, CredentialStatus, CredentialTarget } from "./check-credentials.js";
export { createGenesysClient } from "./client.js";
export type { GenesysClient, GenesysClientOptions } from "./client.js";
export { adminMissingPermissions, grantedPermissions, grants, missingFrom, ROLE_ROUTE } from "./roles.js";
export type { DomainRole } from "./roles.js";
