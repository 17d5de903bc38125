export { CLIENT_ID_TAG, createSecretStore } from "./secret-store.js";
export type { SecretDescription, SecretListing, SecretStore, SecretStoreOptions, SecretVersion, StoredValue } from "./secret-store.js";
export { SecretsError, toSecretsError } from "./errors.js";
export type { SecretsErrorReason } from "./errors.js";
export { parseStoredCredentials, serializeStoredCredentials } from "./credential-value.js";
export type { StoredCredentials } from "./credential-value.js";
export { ALLOW_INSECURE_AWS_ENDPOINT_ENV, AWS_ENDPOINT_ENVS, checkAwsEndpoints } from "./endpoint.js";
export { adminEnv, gatewayToEnv, resolveAdminSettings } from "./admin-credentials.js";
export type { AdminSource, ResolvedAdmin } from "./admin-credentials.js";
