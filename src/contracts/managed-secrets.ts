import { CLIENT_ID_TAG, tagNamesClient } from "./client-id-tag.js";

/**
 * Which Secrets Manager secrets keyward treats as its own ("managed"): a name under the managed prefix **and** the
 * `keyward:client-id` tag. Both are needed: a tag alone can be put on any secret by whoever may tag it, so it never
 * decides where a new secret goes (the janitor's targets, `keyward status`'s inventory).
 *
 * The prefix is the stacks' `secretNamePrefix` (default `keyward/`), read at run time from
 * `KEYWARD_MANAGED_SECRET_PREFIX`.
 */
export const MANAGED_SECRET_PREFIX_ENV = "KEYWARD_MANAGED_SECRET_PREFIX";
export const DEFAULT_MANAGED_SECRET_PREFIX = "keyward/";

export function managedSecretPrefix(env: Record<string, string | undefined>): string {
  const value = env[MANAGED_SECRET_PREFIX_ENV];
  return value === undefined ? DEFAULT_MANAGED_SECRET_PREFIX : value.trim();
}

/** A secret's name (not its ARN) is under the managed prefix. An empty prefix manages every name. */
export function isUnderManagedPrefix(name: string, prefix: string): boolean {
  return name.startsWith(prefix);
}

/** The secret is managed by keyward for `clientId`: under the prefix and tagged for that client (canonical case). */
export function isManagedSecretFor(secret: { name: string; tags: Record<string, string> }, clientId: string, prefix: string): boolean {
  return isUnderManagedPrefix(secret.name, prefix) && tagNamesClient(secret.tags[CLIENT_ID_TAG], clientId);
}
