import { AUDIT_SCHEMA, type AuditEvent, type AuditOutcome, type AuditStepTimings } from "../../audit/index.js";
import { ALERT_EVENT, type WorkItem } from "../work-item.js";
import type { CollectOutcome } from "./collect.js";
import type { ContainOutcome } from "./contain.js";
import type { ResolveOutcome } from "./resolve.js";
import type { TellOutcome } from "./tell.js";
import type { VerifyOutcome } from "./verify.js";

/** Everything the steps of one delivery returned; later steps are absent when an earlier one ended the delivery. */
export interface StepOutcomes {
  item: WorkItem;
  dryRun: boolean;
  collect: CollectOutcome;
  /** The keyed fingerprint of the leaked secret, when one was seen. */
  secretFingerprint: string | null;
  verify?: VerifyOutcome;
  contain?: ContainOutcome;
  resolve?: ResolveOutcome;
  tell?: TellOutcome;
  timings: AuditStepTimings;
  errors: readonly string[];
  time: string;
}

/** The one audit event of a delivery, built from its steps' outcomes. Pure. */
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
    location: collected?.location ?? null,
    clientId: null,
    secretFingerprint: o.secretFingerprint,
    candidates: collected?.candidates.length ?? 0,
    verdict: "none",
    containment: "none",
    outcome: outcomeOf(o),
    dryRun: o.dryRun,
    alertResolution: o.resolve?.alertResolution ?? (alert ? "left-open" : "not-applicable"),
    notified: o.tell?.notified ?? "none",
    ownClient: false,
    timings: { ...o.timings },
    errors: [...o.errors],
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
        if (alert?.state === "resolved") event.alertResolution = "already-resolved";
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
    event.containment = contain.kind === "dry-run" || contain.performed === "none" ? contain.decision.action : contain.performed;
    if (contain.decision.requested) event.requestedAction = contain.decision.requested;
    if (contain.secretId) event.secretId = contain.secretId;
    event.ownClient = contain.ownClient;
  }
  return event;
}

/** What happened to the delivery, in one word. */
export function outcomeOf(o: Pick<StepOutcomes, "collect" | "verify" | "contain">): AuditOutcome {
  if (o.collect.kind === "failed") return "error";
  if (!o.collect.secret || !o.verify || o.verify.kind === "unpaired") return "unpaired";
  switch (o.verify.kind) {
    case "unknown":
      return "unverified";
    case "dead":
      return o.verify.alreadyContained ? "already-contained" : "not-live";
    case "live":
      break;
  }
  if (!o.contain) return "error";
  switch (o.contain.kind) {
    case "dry-run":
      return "dry-run";
    case "contained":
      return "contained";
    case "failed":
      return "failed";
  }
}
