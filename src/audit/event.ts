/**
 * The janitor's audit event, one per processed delivery. Versioned: consumers match `schema`, and any change that
 * is not a pure addition of optional fields bumps the version. Never carries a secret, a token or anything from
 * which one can be recovered: the secret appears only as `secretFingerprint`, a short keyed HMAC.
 */
/** v1 had `secretFingerprint` as `hmac-sha256:<16 hex>` under a key derived from the webhook secret. */
export const AUDIT_SCHEMA = "keyward.janitor.audit/v2";

export type AuditVerdict = "live" | "dead" | "unknown" | "none";
export type AuditAction = "rotate" | "revoke" | "disable" | "delete" | "none";
export type AuditOutcome =
  /** The leaked secret was live and is now refused. */
  | "contained"
  /** dryRun: everything decided, nothing changed. */
  | "dry-run"
  /** Every candidate pair was refused: nothing changed (false positive, or already rotated). */
  | "not-live"
  /** A redelivery of a leak already contained (secret dead, alert resolved): nothing done again. */
  | "already-contained"
  /** Liveness could not be established (rate limits, 5xx, timeouts): a human was alerted, nothing changed. */
  | "unverified"
  /** No client id near the secret: a human was alerted. */
  | "unpaired"
  /** Containment was attempted but the leaked pair is not proven refused: a human was alerted. */
  | "failed"
  /** The alert or finding could not be read at all. */
  | "error";

export interface AuditStepTimings {
  fetchMs: number;
  verifyMs: number;
  containMs: number;
  resolveMs: number;
  notifyMs: number;
  totalMs: number;
}

export interface AuditEvent {
  schema: typeof AUDIT_SCHEMA;
  /** ISO 8601 time the processing finished. */
  time: string;
  deliveryId: string;
  /** `secret_scanning_alert` or `keyward_finding`. */
  event: string;
  action: string;
  repository: string | null;
  alertNumber: number | null;
  location: { type: string; path?: string; line?: number; commit?: string } | null;
  clientId: string | null;
  /** The org the verdict was reached in (README "Several orgs"), when there is one. */
  org?: string;
  /** `kwf1_<16 hex>`, keyward's one fingerprint scheme (README "Fingerprints"); null when no secret was seen. */
  secretFingerprint: string | null;
  candidates: number;
  verdict: AuditVerdict;
  /** What the policy chose (after protected/own-client downgrades). */
  containment: AuditAction;
  /** The policy's action before a downgrade, when one happened. */
  requestedAction?: AuditAction;
  outcome: AuditOutcome;
  dryRun: boolean;
  /** Where the working secret now lives, when it was rotated. */
  secretId?: string;
  alertResolution: "resolved" | "already-resolved" | "left-open" | "failed" | "not-applicable";
  notified: "dm" | "fallback-channel" | "none" | "failed";
  ownClient: boolean;
  timings: AuditStepTimings;
  /** Step-prefixed reason slugs, e.g. `resolve:github-forbidden`. Never messages built from input. */
  errors: string[];
}
