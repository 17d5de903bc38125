export { AUDIT_SCHEMA } from "./event.js";
export type { AuditAction, AuditEvent, AuditOutcome, AuditStepTimings, AuditVerdict } from "./event.js";
export { secretFingerprint } from "./fingerprint.js";
export { datadogSink, DEFAULT_DATADOG_URL, serialize, splunkHecSink, stdoutSink, writeAudit } from "./sinks.js";
export type { AuditSink } from "./sinks.js";
