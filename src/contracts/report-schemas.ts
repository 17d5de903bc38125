/**
 * The `schema` field of every JSON report keyward prints, one versioned id per report (README "JSON reports").
 * Keys in these reports are camelCase; a change that renames or removes a key bumps the version. The
 * `keyward_finding` webhook event (finding-event.ts) is not a report: it is snake_case on the wire, like GitHub's own
 * payloads, and carries no `schema` field. The janitor's audit event has its own (`AUDIT_SCHEMA` in src/audit/event.ts).
 */
export const REPORT_SCHEMAS = {
  rotate: "keyward.rotate/v1",
  /** v1 had `secretPrefix` on each finding (no part of a secret is printed since v2) and no org, provenance, proof or reason. */
  auditState: "keyward.audit-state/v2",
  /** v1 was `{version: 1, findings: [{rule_id, …}]}` in snake_case. */
  scan: "keyward.scan/v2",
  sandbox: "keyward.sandbox/v1",
  status: "keyward.status/v1",
} as const;

export type ReportSchema = (typeof REPORT_SCHEMAS)[keyof typeof REPORT_SCHEMAS];
