/**
 * The tag keyward writes on every Secrets Manager secret it rotates a client into: key `keyward:client-id`, value
 * the client's id in canonical form (trimmed, lower case). One client, one secret.
 *
 * Written and matched in this one form only: ListSecrets' `tag-value` filter is a case-sensitive prefix match, so a
 * tag spelled in another case would be invisible to a lookup. Every writer (the CLI, the Lambdas, the stacks) and
 * every reader (rotation's claim check, the janitor's target lookup, `keyward status`) goes through this module.
 */
export const CLIENT_ID_TAG = "keyward:client-id";

/**
 * The second tag of a secret that holds an alternating pair (README "Alternating clients"): the standby client's id,
 * in the same canonical form. `keyward:client-id` names the pair's first client (`<name>`), this one its standby
 * (`<name>-standby`); the document at AWSCURRENT holds one of the two. A lookup of a client's secret checks both.
 */
export const STANDBY_CLIENT_ID_TAG = "keyward:standby-client-id";

/** The one spelling of a client id keyward compares and writes (Genesys ids are UUIDs; case carries no meaning). */
export function canonicalClientId(id: string): string {
  return id.trim().toLowerCase();
}

/** The tag as Secrets Manager's `Tags` takes it. */
export function clientIdTag(clientId: string): { Key: string; Value: string } {
  return { Key: CLIENT_ID_TAG, Value: canonicalClientId(clientId) };
}

/** Does a tag value (as read back from Secrets Manager) name this client? Exact match in canonical form. */
export function tagNamesClient(tagValue: string | undefined, clientId: string): boolean {
  return tagValue !== undefined && tagValue === canonicalClientId(clientId);
}
