import { slackEscape } from "../slack/escape.js";
import type { HumanAlertKind } from "./decide.js";
import type { ContainAction } from "./policy.js";

export type { HumanAlertKind } from "./decide.js";

/** What a message may say about a leak: ids and places, never a secret or a fingerprint of one. */
export interface LeakFacts {
  repository: string | null;
  /** The GitHub alert's number (a scanner finding has none). */
  alertNumber?: number;
  path?: string;
  line?: number;
  commit?: string;
  alertUrl?: string;
  clientId: string;
}

/**
 * Slack messages. Every interpolated value (repository, path, URLs, ids — a committer chooses some of them) is
 * escaped by Slack's rule, so none can become a mention or a link; the text is scrubbed of the delivery's secrets
 * where it is sent (src/janitor/steps/tell.ts).
 */
const e = (value: string | number | undefined | null): string => slackEscape(String(value ?? ""));

const TOKEN_CAVEAT =
  "Access tokens minted with the leaked secret before it was replaced may stay valid until they expire (Genesys Cloud does not say whether regenerating a secret ends them); if that matters for this client, ask for the `disable` policy.";

function where(f: Omit<LeakFacts, "clientId">): string {
  const place = [
    e(f.repository ?? "a repository"),
    f.alertNumber !== undefined ? `alert #${e(f.alertNumber)}` : undefined,
    f.path ? `${e(f.path)}${f.line ? `:${e(f.line)}` : ""}` : undefined,
    f.commit ? `commit ${e(f.commit.slice(0, 12))}` : undefined,
  ]
    .filter(Boolean)
    .join(", ");
  return f.alertUrl ? `${place} (${e(f.alertUrl)})` : place;
}

const DONE: Record<ContainAction, string> = {
  rotate: "its secret was regenerated and the new one stored in Secrets Manager",
  revoke: "its secret was regenerated and the new value discarded (the client stays; it needs a new secret to work again)",
  disable: "the client was disabled (its tokens and the secret are refused; enabling it again brings the leaked secret back)",
  delete: "the client was deleted",
};

/** The DM to the committer: what leaked where, what was done, where the working secret lives, what to do next. */
export function developerMessage(f: LeakFacts, action: ContainAction, secretId: string | undefined, confirmed = true): string {
  const next =
    action === "rotate"
      ? `The integration keeps working if it reads its credentials from Secrets Manager (\`${e(secretId)}\`). Remove the secret from the file and its history, and read it from Secrets Manager instead.`
      : action === "revoke"
        ? "Anything that used this secret now fails to authenticate: give it a new secret through `keyward rotate` into Secrets Manager, and remove the leaked value from the file and its history."
        : action === "disable"
          ? "Remove the leaked value from the file and its history; the client stays disabled until its secret is rotated (`keyward rotate`) and it is enabled again."
          : "Remove the leaked value from the file and its history; talk to the platform team about a replacement client.";
  return [
    `:rotating_light: keyward found a live Genesys Cloud OAuth client secret in ${where(f)} and contained it.`,
    `Client ${e(f.clientId)}: ${DONE[action]}. ${confirmed ? "The leaked secret no longer authenticates." : "Genesys Cloud has not yet confirmed that the leaked secret is refused; keyward keeps checking."}`,
    action === "rotate" && secretId ? `The working secret now lives in Secrets Manager: \`${e(secretId)}\`.` : "",
    `Next: ${next}`,
    action === "rotate" || action === "revoke" ? TOKEN_CAVEAT : "",
  ]
    .filter(Boolean)
    .join("\n");
}

/** The fallback channel: cases a human has to settle, repairs, and a leak of the janitor's own credentials. */
export function humanAlert(
  kind: HumanAlertKind,
  f: Omit<LeakFacts, "clientId"> & { clientId?: string },
  deliveryId: string,
  extra: { developerNotified?: boolean; tries?: number; why?: string; secretId?: string } = {},
): string {
  const at = where(f);
  const client = e(f.clientId ?? "(unknown)");
  const delivery = `Delivery ${e(deliveryId)}.`;
  switch (kind) {
    case "unverified":
      return `:warning: keyward could not verify whether a Genesys Cloud secret in ${at} is live (the token endpoint kept failing). Nothing was changed. Check client ${client} by hand. ${delivery}`;
    case "unpaired":
      return `:warning: keyward saw a Genesys Cloud secret in ${at} but found no client id near it, so it could not test or contain it. Find the client it belongs to and rotate it. ${delivery}`;
    case "failed":
      return `:rotating_light: keyward found a LIVE Genesys Cloud secret (client ${client}) in ${at} and could NOT prove it contained. Rotate or disable the client by hand now. ${delivery}`;
    case "own-client":
      return `:rotating_light: THE JANITOR'S OWN Genesys Cloud credentials (client ${client}) leaked in ${at}. The secret was rotated into the janitor's Secrets Manager document; review who had access and the janitor role's audit trail. ${TOKEN_CAVEAT} ${delivery}${extra.developerNotified === false ? " The committer could not be reached on Slack." : ""}`;
    case "own-client-manual":
      return `:rotating_light: THE JANITOR'S OWN Genesys Cloud credentials (client ${client}) leaked in ${at} and are LIVE. The janitor reads them from its environment, so it has nowhere to store a new secret and did not revoke its own (it would stop containing every later leak). Rotate the client now and give the janitor its credentials through KEYWARD_ADMIN_SECRET_ARN. ${delivery}`;
    case "triaged":
      return `:warning: a Genesys Cloud secret in ${at} (client ${client}) is LIVE, but a human resolved its alert as ${e(extra.why ?? "triaged")}, so keyward left it alone (policy \`overrideTriage\` contains such alerts too). Make sure that is intended. ${delivery}`;
    case "repaired":
      return `:wrench: keyward found that the Secrets Manager secret ${e(extra.secretId)} of client ${client} did not authenticate (a containment was interrupted between regenerating and storing, or a store failed) and rotated it again: it works now. Leak: ${at}. ${delivery}`;
    case "gave-up":
      return `:rotating_light: keyward could not finish with a possible Genesys Cloud secret leak in ${at}${f.clientId ? ` (client ${client})` : ""} after ${e(extra.tries ?? 1)} tries (${e(extra.why ?? "error")}). It may still be live: look at it by hand now. ${delivery}`;
  }
}

/** The alert's resolution comment: what was done, no secret. */
export function resolutionComment(clientId: string, action: ContainAction | "repair", secretId: string | undefined, deliveryId: string): string {
  const text = `keyward janitor: client ${clientId} contained (${action}${(action === "rotate" || action === "repair") && secretId ? `, working secret in Secrets Manager ${secretId}` : ""}); the leaked secret is refused. Delivery ${deliveryId}.`;
  return text.length > 280 ? text.slice(0, 277) + "..." : text;
}
