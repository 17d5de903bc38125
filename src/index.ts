// The package's library entry (`import { parseStoredCredentials } from "keyward"`): the shapes keyward writes and
// reads, for code that lives beside it (a Lambda that reads a rotated client's document, a consumer of the
// `keyward_finding` event or of `keyward status --format json`). The commands themselves are the `keyward` binary.
export * from "./contracts/client-id-tag.js";
export * from "./contracts/credential-document.js";
export * from "./contracts/env-names.js";
export * from "./contracts/finding-event.js";
export * from "./contracts/fingerprint.js";
export * from "./contracts/managed-secrets.js";
export * from "./contracts/verdict.js";
