/**
 * The janitor's pure decisions: no I/O, no clock. Each one is tested exhaustively (test/janitor/decide.test.ts).
 */
import type { ContainAction, JanitorPolicy } from "./policy.js";

export type Verdict = "live" | "dead" | "unknown";

/**
 * A dead secret whose alert is already resolved as revoked is a redelivery of a contained leak: nothing is done
 * again. (Whether the secret is dead is the liveness engine's to prove: src/liveness/.)
 */
export function alreadyContained(alert: { state: "open" | "resolved"; resolution?: string | null | undefined } | undefined): boolean {
  return alert?.state === "resolved" && alert.resolution === "revoked";
}

export interface ActionInput {
  clientId: string;
  policy: JanitorPolicy;
  /** A Secrets Manager secret for this client is known (policy mapping or the `keyward:client-id` tag). */
  secretKnown: boolean;
  /** The leaked client is the janitor's own. */
  ownClient: boolean;
}

export interface ActionDecision {
  action: ContainAction;
  /** What the policy asked for, when it was changed. */
  requested?: ContainAction;
  /** Why it was changed: a slug. */
  downgrade?: "protected-never-deleted" | "no-secret-to-rotate-into" | "own-client-rotates";
}

/**
 * The containment for a proven live leak:
 * - the client's entry, else `defaultAction`, else rotate when a secret is known and revoke otherwise;
 * - the janitor's own client always rotates its own secret (revoke when it has nowhere to store it): disabling or
 *   deleting itself would end all further containment;
 * - a protected client is never deleted: delete becomes rotate (secret known) or revoke;
 * - rotate without a known secret becomes revoke (the leaked secret must die even with nowhere to store a new one).
 */
export function decideAction(input: ActionInput): ActionDecision {
  const id = input.clientId.toLowerCase();
  const keep = input.secretKnown ? "rotate" : "revoke";
  const requested = input.policy.clients[id]?.action ?? input.policy.defaultAction ?? keep;
  if (input.ownClient) return requested === keep ? { action: keep } : { action: keep, requested, downgrade: "own-client-rotates" };
  if (requested === "delete" && input.policy.protectedClients.has(id)) return { action: keep, requested, downgrade: "protected-never-deleted" };
  if (requested === "rotate" && !input.secretKnown) return { action: "revoke", requested, downgrade: "no-secret-to-rotate-into" };
  return { action: requested };
}

export type ResolveDecision = "patch" | "already-resolved" | "leave-open" | "not-applicable";

/** Step 4: only a contained leak resolves an open alert as `revoked`; dry runs and failures leave it alone. */
export function decideResolve(input: { alert?: { state: "open" | "resolved" }; contained: boolean; dryRun: boolean }): ResolveDecision {
  if (!input.alert) return "not-applicable";
  if (input.alert.state === "resolved") return "already-resolved";
  if (!input.contained || input.dryRun) return "leave-open";
  return "patch";
}

export type NotifyDecision = { developer: boolean; humanAlert: false | "unverified" | "unpaired" | "failed" | "own-client" };

/**
 * Step 5: the developer hears about a leak that was contained; the fallback channel (a human) hears about every
 * case the janitor could not settle, and loudly about a leak of its own credentials. Dead pairs and redeliveries of
 * contained leaks send nothing (that is what makes a late redelivery harmless). Dry runs only report.
 */
export function decideNotify(input: { outcome: "contained" | "dry-run" | "not-live" | "already-contained" | "unverified" | "unpaired" | "failed"; ownClient: boolean }): NotifyDecision {
  switch (input.outcome) {
    case "contained":
      return { developer: true, humanAlert: input.ownClient ? "own-client" : false };
    case "failed":
      return { developer: false, humanAlert: "failed" };
    case "unverified":
      return { developer: false, humanAlert: "unverified" };
    case "unpaired":
      return { developer: false, humanAlert: "unpaired" };
    case "dry-run":
    case "not-live":
    case "already-contained":
      return { developer: false, humanAlert: false };
  }
}
