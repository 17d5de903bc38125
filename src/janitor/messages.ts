import type { ContainAction } from "./policy.js";

/** What a message may say about a leak: ids and places, never a secret or a fingerprint of one. */
export interface LeakFacts {
  repository: string | null;
  path?: string;
  line?: number;
  commit?: string;
  alertUrl?: string;
  clientId: string;
}

const TOKEN_CAVEAT =
  "Access tokens minted with the leaked secret before it was replaced may stay valid until they expire (Genesys Cloud does not say whether regenerating a secret ends them); if that matters for this client, ask for the `disable` policy.";

function where(f: LeakFacts): string {
  const place = [f.repository ?? "a repository", f.path ? `${f.path}${f.line ? `:${f.line}` : ""}` : undefined, f.commit ? `commit ${f.commit.slice(0, 12)}` : undefined].filter(Boolean).join(", ");
  return f.alertUrl ? `${place} (${f.alertUrl})` : place;
}

const DONE: Record<ContainAction, string> = {
  rotate: "its secret was regenerated and the new one stored in Secrets Manager",
  revoke: "its secret was regenerated and the new value discarded (the client stays; it needs a new secret to work again)",
  disable: "the client was disabled (its tokens and the secret are refused)",
  delete: "the client was deleted",
};

/** The DM to the committer: what leaked where, what was done, where the working secret lives, what to do next. */
export function developerMessage(f: LeakFacts, action: ContainAction, secretId: string | undefined): string {
  const next =
    action === "rotate"
      ? `The integration keeps working if it reads its credentials from Secrets Manager (\`${secretId}\`). Remove the secret from the file and its history, and read it from Secrets Manager instead.`
      : action === "revoke"
        ? "Anything that used this secret now fails to authenticate: give it a new secret through `keyward rotate` into Secrets Manager, and remove the leaked value from the file and its history."
        : "Remove the leaked value from the file and its history; talk to the platform team about a replacement client.";
  return [
    `:rotating_light: keyward found a live Genesys Cloud OAuth client secret in ${where(f)} and contained it.`,
    `Client ${f.clientId}: ${DONE[action]}. The leaked secret no longer authenticates.`,
    action === "rotate" && secretId ? `The working secret now lives in Secrets Manager: \`${secretId}\`.` : "",
    `Next: ${next}`,
    action === "rotate" || action === "revoke" ? TOKEN_CAVEAT : "",
  ]
    .filter(Boolean)
    .join("\n");
}

export type HumanAlertKind = "unverified" | "unpaired" | "failed" | "own-client";

/** The fallback channel: cases a human has to settle, and a leak of the janitor's own credentials. */
export function humanAlert(kind: HumanAlertKind, f: Omit<LeakFacts, "clientId"> & { clientId?: string }, deliveryId: string, extra: { developerNotified?: boolean } = {}): string {
  const at = where({ ...f, clientId: f.clientId ?? "" });
  switch (kind) {
    case "unverified":
      return `:warning: keyward could not verify whether a Genesys Cloud secret in ${at} is live (the token endpoint kept failing). Nothing was changed. Check client ${f.clientId ?? "(unknown)"} by hand. Delivery ${deliveryId}.`;
    case "unpaired":
      return `:warning: keyward saw a Genesys Cloud secret in ${at} but found no client id near it, so it could not test or contain it. Find the client it belongs to and rotate it. Delivery ${deliveryId}.`;
    case "failed":
      return `:rotating_light: keyward found a LIVE Genesys Cloud secret (client ${f.clientId}) in ${at} and could NOT prove it contained. Rotate or disable the client by hand now. Delivery ${deliveryId}.`;
    case "own-client":
      return `:rotating_light: THE JANITOR'S OWN Genesys Cloud credentials (client ${f.clientId}) leaked in ${at}. The secret was rotated into the janitor's Secrets Manager document; review who had access and the janitor role's audit trail. ${TOKEN_CAVEAT} Delivery ${deliveryId}.${extra.developerNotified === false ? " The committer could not be reached on Slack." : ""}`;
  }
}

/** The alert's resolution comment: what was done, no secret. */
export function resolutionComment(clientId: string, action: ContainAction, secretId: string | undefined, deliveryId: string): string {
  const text = `keyward janitor: client ${clientId} contained (${action}${action === "rotate" && secretId ? `, working secret in Secrets Manager ${secretId}` : ""}); the leaked secret is refused. Delivery ${deliveryId}.`;
  return text.length > 280 ? text.slice(0, 277) + "..." : text;
}
