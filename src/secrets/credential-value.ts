// The credential document is a shared contract: defined once in src/contracts/credential-document.ts.
export { parseStoredCredentials, serializeStoredCredentials, type StoredCredentials } from "../contracts/credential-document.js";
