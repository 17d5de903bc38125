import { REPORT_SCHEMAS } from "../contracts/report-schemas.js";
import { formatDays, statusExitCode, type ClientState, type DocumentStatus, type RotationDateSource, type SecretVerdict } from "./decide.js";
import type { InventoryEntry } from "./collect.js";

/** One secret in `keyward status --format json` (camelCase, like every keyward report). */
export interface StatusReportSecret {
  secretName: string;
  secretArn: string;
  clientId: string;
  /** Null without admin credentials, or when the client is gone. */
  clientName: string | null;
  clientState: ClientState;
  /** ISO 8601; null when the secret was never rotated into. */
  lastRotation: string | null;
  lastRotationSource: RotationDateSource;
  /** Days since the last rotation, one decimal; null when never rotated. */
  ageDays: number | null;
  document: DocumentStatus;
  verdict: SecretVerdict;
  problems: string[];
  notes: string[];
}

/** `keyward status --format json` (schema `keyward.status/v1`). */
export interface StatusReport {
  schema: typeof REPORT_SCHEMAS.status;
  generatedAt: string;
  managedPrefix: string;
  maxAgeDays: number | null;
  verified: boolean;
  clientsChecked: boolean;
  exitCode: 0 | 1;
  summary: { total: number } & Record<SecretVerdict, number>;
  secrets: StatusReportSecret[];
}

export function statusReport(
  entries: readonly InventoryEntry[],
  context: { nowMs: number; prefix: string; maxAgeDays?: number; verified: boolean; clientsChecked: boolean },
): StatusReport {
  const summary = { total: entries.length, ok: 0, stale: 0, broken: 0, unknown: 0 };
  for (const e of entries) summary[e.judgement.verdict]++;
  return {
    schema: REPORT_SCHEMAS.status,
    generatedAt: new Date(context.nowMs).toISOString(),
    managedPrefix: context.prefix,
    maxAgeDays: context.maxAgeDays ?? null,
    verified: context.verified,
    clientsChecked: context.clientsChecked,
    exitCode: statusExitCode(entries.map((e) => e.judgement.verdict)),
    summary,
    secrets: entries.map((e) => ({
      secretName: e.secretName,
      secretArn: e.secretArn,
      clientId: e.clientId,
      clientName: e.clientName ?? null,
      clientState: e.clientState,
      lastRotation: e.lastRotation ? e.lastRotation.toISOString() : null,
      lastRotationSource: e.lastRotationSource,
      ageDays: e.judgement.ageDays === undefined ? null : Number(formatDays(e.judgement.ageDays)),
      document: e.document,
      verdict: e.judgement.verdict,
      problems: e.judgement.problems,
      notes: e.notes,
    })),
  };
}

/** The text form: one row per secret, its problems under it, a summary line. */
export function formatStatus(report: StatusReport): string {
  const header = ["VERDICT", "CLIENT", "CLIENT ID", "SECRET", "LAST ROTATION", "AGE (DAYS)", "DOCUMENT"];
  const rows = report.secrets.map((s) => [
    s.verdict.toUpperCase(),
    s.clientName ?? (s.clientState === "not-checked" ? "-" : `(${s.clientState})`),
    s.clientId,
    s.secretName,
    s.lastRotation ? s.lastRotation.replace(/\.\d{3}Z$/, "Z") : "never",
    s.ageDays === null ? "-" : s.ageDays.toFixed(1),
    s.document,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join("  ");
  const lines = [line(header)];
  report.secrets.forEach((s, i) => {
    lines.push(line(rows[i]!));
    for (const p of [...s.problems, ...s.notes]) lines.push(`    - ${p}`);
  });
  if (report.secrets.length === 0) lines.push(`(no managed secret: none under "${report.managedPrefix}" carries the keyward:client-id tag)`);
  const { summary } = report;
  lines.push(
    "",
    `${summary.total} managed secret(s): ${summary.ok} ok, ${summary.stale} stale, ${summary.broken} broken, ${summary.unknown} unknown` +
      (report.maxAgeDays === null ? "" : ` (--max-age ${report.maxAgeDays})`) +
      (report.verified ? "" : "; documents not verified (--verify tries each one)") +
      (report.clientsChecked ? "" : "; clients not looked up (no admin credentials)"),
  );
  return lines.join("\n");
}
