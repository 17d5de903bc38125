/**
 * The shape of a Genesys Cloud id (OAuth clients, roles, divisions): a UUID, in any case. The one pattern every
 * check of a user-supplied id uses (flags, manifests, the janitor policy, the stacks configuration, Basic headers).
 */
export const GENESYS_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Is this a Genesys Cloud id (a UUID, any case)? */
export function isGenesysId(value: string): boolean {
  return GENESYS_ID.test(value);
}
