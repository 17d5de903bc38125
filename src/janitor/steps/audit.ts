import { AUDIT_SCHEMA, type AuditEvent, type AuditOutcome, type AuditStepTimings } from "../../audit/index.js";
import type { Disposition } from "../decide.js";
import { ALERT_EVENT, type WorkItem } from "../work-item.js";
import type { CollectOutcome, Located } from "./collect.js";
import type { ContainOutcome } from "./contain.js";
import type { ManagedHealth } from "./repair.js";
import type { ResolveOutcome } from "./resolve.js";
import type { TellOutcome } from "./tell.js";
import type { VerifyOutcome } from "./verify.js";

/** Everything the steps of one delivery returned; later steps are absent when an earlier one ended the delivery. */
export interface StepOutcomes {
  item: WorkItem;
  dryRun: boolean;
  attempt: number;
  collect: CollectOutcome;
  /** What the alert's locations said (alerts only). */
  located?: Located;
  /** The keyed fingerprint of the leaked secret, when one was seen. */
  secretFingerprint: string | null;
  /** A human triaged the alert (and the policy does not override triage). */
  triaged?: boolean;
  verify?: VerifyOutcome;
  contain?: ContainOutcome;
  /** Managed secrets of a dead leak's candidates, checked (and repaired). */
  health?: ManagedHealth[];
  resolve?: ResolveOutcome;
  tell?: TellOutcome;
  disposition: Disposition;
  timings: AuditStepTimings;
  errors: readonly string[];
  time: string;
}

/** The one audit event of a delivery's try, built from its steps' outcomes. Pure. */
export function buildAuditEvent(o: StepOutcomes): AuditEvent {
  const { item, collect, verify, contain } = o;
  const collected = collect.kind === "collected" ? collect : undefined;
  const alert = collected?.alert;
  const event: AuditEvent = {
    schema: AUDIT_SCHEMA,
    time: o.time,
    deliveryId: item.deliveryId,
    event: item.event,
    action: item.action,
    repository: item.repository,
    alertNumber: item.event === ALERT_EVENT ? item.alertNumber : null,
    location: o.located?.location ?? collected?.location ?? null,
    clientId: null,
    secretFingerprint: o.secretFingerprint,
    candidates: verify && verify.kind !== "unpaired" ? verify.tried : 0,
    verdict: "none",
    containment: "none",
    outcome: outcomeOf(o),
    dryRun: o.dryRun,
    alertResolution: o.resolve?.alertResolution ?? (alert ? (alert.state === "resolved" ? "already-resolved" : "left-open") : "not-applicable"),
    notified: o.tell?.notified ?? "none",
    ownClient: false,
    timings: { ...o.timings },
    errors: [...o.errors],
    attempt: o.attempt,
    retryInMs: o.disposition.kind === "retry" ? o.disposition.afterMs : null,
    secretType: collect.kind === "ignored" ? collect.secretType : (collected?.secretType ?? null),
    repaired: (o.health ?? []).filter((h) => h.kind === "repaired").map((h) => h.secretId),
  };
  if (collect.kind === "failed") event.errors.unshift(`fetch:${collect.reason}`);
  if (collected && !collected.secret) event.errors.push("fetch:alert-without-secret");
  if (verify) {
    switch (verify.kind) {
      case "live":
        event.verdict = "live";
        event.clientId = verify.clientId;
        event.org = verify.org;
        break;
      case "dead":
        event.verdict = "dead";
        event.clientId = o.health?.find((h) => h.kind === "repaired" || h.kind === "repair-failed")?.clientId ?? null;
        break;
      case "unknown":
        event.verdict = "unknown";
        event.clientId = verify.clientId;
        break;
      case "unpaired":
        break;
    }
  }
  if (contain) {
    event.containment =
      contain.kind === "dry-run" || contain.kind === "refused" || contain.performed === "none"
        ? contain.decision.action === "none"
          ? "none"
          : contain.decision.action
        : contain.performed;
    if (contain.decision.requested) event.requestedAction = contain.decision.requested;
    if ("secretId" in contain && contain.secretId) event.secretId = contain.secretId;
    event.ownClient = contain.ownClient;
  }
  return event;
}

/** What happened to the delivery in this try, in one word. */
export function outcomeOf(o: Pick<StepOutcomes, "collect" | "verify" | "contain" | "triaged" | "health">): AuditOutcome {
  if (o.collect.kind === "failed") return "error";
  if (o.collect.kind === "ignored") return "ignored";
  if (!o.collect.secret || !o.verify || o.verify.kind === "unpaired") return "unpaired";
  switch (o.verify.kind) {
    case "unknown":
      return "unverified";
    case "dead": {
      const health = o.health ?? [];
      if (health.some((h) => h.kind === "repair-failed")) return "failed";
      if (health.some((h) => h.kind === "repaired")) return "repaired";
      if (o.verify.alreadyContained || health.some((h) => h.kind === "healthy" && h.rotatedAfter)) return "already-contained";
      return "not-live";
    }
    case "live":
      break;
  }
  if (o.triaged) return "triaged";
  if (!o.contain) return "error";
  switch (o.contain.kind) {
    case "dry-run":
      return "dry-run";
    case "contained":
      return "contained";
    case "unconfirmed":
      return "unconfirmed";
    case "refused":
    case "failed":
      return "failed";
  }
}

/** Is the delivery's work done (or recorded) after this try, and may trying again change that? */
export function settledOf(o: Pick<StepOutcomes, "collect" | "verify" | "contain" | "triaged" | "health">): { settled: boolean; retryable: boolean; retryAfterMs?: number } {
  const outcome = outcomeOf(o);
  if (outcome === "error" && o.collect.kind === "failed")
    return { settled: false, retryable: o.collect.retryable, ...(o.collect.retryAfterMs !== undefined ? { retryAfterMs: o.collect.retryAfterMs } : {}) };
  if (o.contain?.kind === "refused") return { settled: true, retryable: false };
  if (outcome === "contained" && o.contain?.kind === "contained" && o.contain.repairNeeded) return { settled: false, retryable: true };
  if (outcome === "not-live" && (o.health ?? []).some((h) => h.kind === "unknown")) return { settled: false, retryable: true };
  return { settled: !["unverified", "failed", "unconfirmed"].includes(outcome), retryable: true };
}
