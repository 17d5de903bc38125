import { CLIENT_ID_TAG, type SecretStore } from "../secrets/index.js";

export { CLIENT_ID_TAG };

/**
 * The Secrets Manager secret mapped to a client by the `keyward:client-id` tag that `keyward rotate` and the stacks
 * write (the store's tag lookup; the pair is checked exactly there). The first match by name wins.
 */
export async function findSecretByClientId(store: Pick<SecretStore, "listTagged">, clientId: string): Promise<string | undefined> {
  const matches = await store.listTagged(CLIENT_ID_TAG, clientId);
  matches.sort((a, b) => a.name.localeCompare(b.name));
  return matches[0]?.arn;
}
