import { ListSecretsCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { toSecretsError } from "../secrets/index.js";

/** The tag keyward writes on every secret it manages: value = the OAuth client id. */
export const CLIENT_ID_TAG = "keyward:client-id";
const MAX_PAGES = 20;

/**
 * The Secrets Manager secret mapped to a client by the `keyward:client-id` tag (ListSecrets with tag filters; AWS
 * matches tag-key and tag-value independently, so the pair is checked again here). The first match by name wins.
 */
export async function findSecretByClientId(client: SecretsManagerClient, clientId: string): Promise<string | undefined> {
  const wanted = clientId.toLowerCase();
  const matches: Array<{ arn: string; name: string }> = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    let out;
    try {
      out = await client.send(
        new ListSecretsCommand({
          Filters: [
            { Key: "tag-key", Values: [CLIENT_ID_TAG] },
            { Key: "tag-value", Values: [clientId] },
          ],
          MaxResults: 100,
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      );
    } catch (err) {
      throw toSecretsError(err, "ListSecrets", `tag ${CLIENT_ID_TAG}=${clientId}`);
    }
    for (const s of out.SecretList ?? []) {
      if (s.DeletedDate) continue;
      if ((s.Tags ?? []).some((t) => t.Key === CLIENT_ID_TAG && t.Value?.toLowerCase() === wanted) && s.ARN) matches.push({ arn: s.ARN, name: s.Name ?? s.ARN });
    }
    nextToken = out.NextToken;
    if (!nextToken) break;
  }
  matches.sort((a, b) => a.name.localeCompare(b.name));
  return matches[0]?.arn;
}
