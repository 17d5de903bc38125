/**
 * Shared words for "is this secret still usable?" (the liveness engine decides; scan, audit-state, the janitor and
 * `keyward status` report). Defined once so a JSON report, a SARIF property and an audit event agree.
 *
 * - `live`: a token grant with the pair succeeded (proof of life).
 * - `dead`: proven unusable (README "What proves a secret dead").
 * - `unknown`: not proven either way; never safe to act on as dead, never reported as clean.
 * - `unpaired`: no client id to try it with; treated like `unknown` by every gate.
 * - `unverified`: verification was not asked for.
 */
export type VerdictLabel = "live" | "dead" | "unknown" | "unpaired" | "unverified";

/**
 * Where a candidate client id for a secret came from, strongest first:
 * - `structural`: the same object holds the secret and this id (`id`/`client_id`/`oauthclient_id` of a
 *   `genesyscloud_oauth_client` instance, the sibling key of a credential document, Postman `key`/`value` siblings);
 * - `key-named`: a value under a key named like a client id (`client_id`, `GENESYSCLOUD_OAUTHCLIENT_ID`, …) nearby;
 * - `nearby`: a UUID within the line window around the secret;
 * - `same-file`: elsewhere in the same file or object;
 * - `input`: elsewhere in the same run's inputs (another file, another commit);
 * - `org`: an active client-credentials client of a configured org (listed with org credentials).
 */
export type CandidateProvenance = "structural" | "key-named" | "nearby" | "same-file" | "input" | "org";

export interface CandidateClientId {
  /** Canonical (lower-case) client id. */
  clientId: string;
  provenance: CandidateProvenance;
}

/** Every verdict a gate may treat as "nothing usable here". Only `dead` is. */
export function isProvenDead(label: VerdictLabel): boolean {
  return label === "dead";
}
