/**
 * The janitor's pure decisions: no I/O, no clock. Each one is tested exhaustively (test/janitor/decide.test.ts).
 */
import type { AuditOutcome } from "../audit/event.js";
import type { ContainAction, JanitorPolicy } from "./policy.js";

export type Verdict = "live" | "dead" | "unknown";

/**
 * A dead secret whose alert is already resolved as revoked is a redelivery of a contained leak: nothing is done
 * again. (Whether the secret is dead is the liveness engine's to prove: src/liveness/.)
 */
export function alreadyContained(alert: { state: "open" | "resolved"; resolution?: string | null | undefined } | undefined): boolean {
  return alert?.state === "resolved" && alert.resolution === "revoked";
}

/** Resolutions a human chose on purpose (GitHub's `pattern_deleted`/`pattern_edited` are the system's). */
export const TRIAGE_RESOLUTIONS: readonly string[] = ["false_positive", "used_in_tests", "wont_fix"];

/** A human triaged the alert (closed it as false positive, used in tests or won't fix): nothing destructive follows unless the policy overrides. */
export function triagedByHuman(alert: { state: "open" | "resolved"; resolution?: string | null | undefined } | undefined, policy: Pick<JanitorPolicy, "overrideTriage">): boolean {
  return alert?.state === "resolved" && TRIAGE_RESOLUTIONS.includes(alert.resolution ?? "") && policy.overrideTriage !== true;
}

export interface ActionInput {
  clientId: string;
  policy: JanitorPolicy;
  /** A managed Secrets Manager secret for this client is known (the policy's mapping, or prefix + tag). */
  secretKnown: boolean;
  /** The leaked client is the janitor's own. */
  ownClient: boolean;
}

export interface ActionDecision {
  /** `none`: nothing may be done by the janitor (a human is alerted). */
  action: ContainAction | "none";
  /** What the policy asked for, when it was changed. */
  requested?: ContainAction;
  /** Why it was changed: a slug. */
  downgrade?: "protected-never-deleted" | "no-secret-to-rotate-into" | "own-client-rotates" | "own-client-nowhere-to-store";
}

/**
 * The containment for a proven live leak:
 * - the client's entry, else `defaultAction`, else rotate when a secret is known and revoke otherwise;
 * - the janitor's own client always rotates its own secret: disabling or deleting itself would end all further
 *   containment; with nowhere to store a new secret (credentials from the environment) it does nothing and a human
 *   is alerted (revoking would leave the janitor unable to contain the next leak);
 * - a protected client is never deleted: delete becomes rotate (secret known) or revoke;
 * - rotate without a known secret becomes revoke (the leaked secret must die even with nowhere to store a new one).
 */
export function decideAction(input: ActionInput): ActionDecision {
  const id = input.clientId.toLowerCase();
  const keep = input.secretKnown ? "rotate" : "revoke";
  const requested = input.policy.clients[id]?.action ?? input.policy.defaultAction ?? keep;
  if (input.ownClient) {
    if (!input.secretKnown) return { action: "none", requested, downgrade: "own-client-nowhere-to-store" };
    return requested === "rotate" ? { action: "rotate" } : { action: "rotate", requested, downgrade: "own-client-rotates" };
  }
  if (requested === "delete" && input.policy.protectedClients.has(id)) return { action: keep, requested, downgrade: "protected-never-deleted" };
  if (requested === "rotate" && !input.secretKnown) return { action: "revoke", requested, downgrade: "no-secret-to-rotate-into" };
  return { action: requested };
}

export type ResolveDecision = "patch" | "already-resolved" | "leave-open" | "not-applicable";

/**
 * Step 4: only a contained leak whose secret cannot come back resolves an open alert as `revoked`. A disabled
 * client keeps its secret (enabling it again brings the leak back): its alert stays open. Dry runs and failures
 * leave it alone.
 */
export function decideResolve(input: { alert?: { state: "open" | "resolved" }; contained: boolean; dryRun: boolean; performed?: ContainAction }): ResolveDecision {
  if (!input.alert) return "not-applicable";
  if (input.alert.state === "resolved") return "already-resolved";
  if (!input.contained || input.dryRun || input.performed === "disable") return "leave-open";
  return "patch";
}

/** What a try came to, as the audit event records it, or `deferred` (retried before anyone is told). */
export type NotifyOutcome = AuditOutcome | "deferred";
export type HumanAlertKind = "unverified" | "unpaired" | "failed" | "own-client" | "own-client-manual" | "triaged" | "repaired" | "gave-up";
export type NotifyDecision = { developer: boolean; humanAlert: false | HumanAlertKind };

/**
 * Step 5: the developer hears about a leak that was contained; a human (the fallback channel) hears about every
 * case the janitor could not settle, a leak it repaired, a triaged alert whose secret is live, and loudly about a
 * leak of its own credentials. Dead pairs and redeliveries of contained leaks send nothing (that is what makes a
 * late redelivery harmless). A delivery that will be retried tells nobody yet; dry runs only report.
 */
export function decideNotify(input: { outcome: NotifyOutcome; ownClient: boolean; ownClientStored?: boolean; lastAttempt?: boolean; dryRun?: boolean }): NotifyDecision {
  if (input.dryRun) return { developer: false, humanAlert: false };
  switch (input.outcome) {
    case "contained":
      return { developer: true, humanAlert: input.ownClient ? "own-client" : false };
    case "unconfirmed":
      return { developer: true, humanAlert: input.lastAttempt ? "gave-up" : false };
    case "repaired":
      return { developer: false, humanAlert: "repaired" };
    case "failed":
      return { developer: false, humanAlert: input.ownClient && input.ownClientStored === false ? "own-client-manual" : "failed" };
    case "unverified":
      return { developer: false, humanAlert: "unverified" };
    case "unpaired":
      return { developer: false, humanAlert: "unpaired" };
    case "triaged":
      return { developer: false, humanAlert: "triaged" };
    case "error":
      return { developer: false, humanAlert: input.lastAttempt ? "gave-up" : false };
    case "deferred":
    case "dry-run":
    case "not-live":
    case "already-contained":
    case "ignored":
      return { developer: false, humanAlert: false };
  }
}

/** What becomes of the delivery after its steps: done (deleted from the queue), or tried again later. */
export type Disposition = { kind: "done" } | { kind: "retry"; afterMs: number };

/** Retries wait 30 s, 1 min, 2 min, … at most 15 min, or what a rate limit asked for when that is longer. */
export const RETRY_BASE_MS = 30_000;
export const RETRY_MAX_MS = 15 * 60_000;

/**
 * Retry a delivery whose work is not done (the alert could not be read for a transient reason, liveness could not
 * be established, containment is not proven) while attempts remain; on the last attempt it is done, and a human
 * has been told (decideNotify). Everything else is done at once: its outcome is in the audit event.
 */
export function decideDisposition(input: { settled: boolean; retryable: boolean; attempt: number; maxAttempts: number; retryAfterMs?: number }): Disposition {
  if (input.settled || !input.retryable || input.attempt >= input.maxAttempts) return { kind: "done" };
  const backoff = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.max(0, input.attempt - 1));
  return { kind: "retry", afterMs: Math.min(RETRY_MAX_MS, Math.max(backoff, input.retryAfterMs ?? 0)) };
}
