/**
 * The janitor's audit event, one per processed delivery (one per try: a retried delivery writes one per attempt).
 * Versioned: consumers match `schema`, and any change that is not a pure addition of optional fields bumps the
 * version (v2: `kwf1_` fingerprints, `org`, new outcomes, `attempt`, `retryInMs`, `secretType`, `repaired`; v1 had
 * `secretFingerprint` as `hmac-sha256:<16 hex>` under a key derived from the webhook secret). Never carries a secret, a token or anything from
 * which one can be recovered: the secret appears only as `secretFingerprint`, a short keyed HMAC.
 */
export const AUDIT_SCHEMA = "keyward.janitor.audit/v2";

export type AuditVerdict = "live" | "dead" | "unknown" | "none";
export type AuditAction = "rotate" | "revoke" | "disable" | "delete" | "none";
export type AuditOutcome =
  /** The leaked secret was live and is now refused. */
  | "contained"
  /** The containment took effect (the secret was regenerated, the client disabled or deleted) but the token endpoint has not confirmed the leaked pair refused yet: retried. */
  | "unconfirmed"
  /** The leaked secret was dead, but its client's managed secret did not authenticate (an interrupted containment): it was rotated again. */
  | "repaired"
  /** A human resolved the alert as false_positive / used_in_tests / wont_fix: the live secret was left alone and a human told. */
  | "triaged"
  /** Not a Genesys secret (`secret_type` is none of keyward's patterns): nothing was sent anywhere. */
  | "ignored"
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
  /** 1 for the first try of this delivery. */
  attempt: number;
  /** Set when the delivery will be tried again (its work is not done): in how many ms. Null when it is done. */
  retryInMs: number | null;
  /** The alert's `secret_type` (a scanner finding's rule id); null when unknown. */
  secretType: string | null;
  /** Managed secrets this delivery found dead and rotated again. */
  repaired: string[];
}
