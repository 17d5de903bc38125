import { REPORT_SCHEMAS } from "../contracts/report-schemas.js";
import type { AdminSource } from "../secrets/index.js";
import type { FleetReport } from "./fleet.js";
import type { RotationResult } from "./rotate-client.js";

/** `--json` report: ids, ARNs, version ids, timings; never a secret. */
export function toJsonReport(report: FleetReport | { results: RotationResult[]; exitCode: number; totalMs: number }): string {
  const results = report.results.map((r) => ({
    clientId: r.clientId,
    ...(r.clientName ? { clientName: r.clientName } : {}),
    secretId: r.secretId,
    ...(r.secretArn ? { secretArn: r.secretArn } : {}),
    ...(r.versionId ? { versionId: r.versionId } : {}),
    status: r.status,
    exitCode: r.exitCode,
    ...(r.reason ? { reason: r.reason, message: r.message, hint: r.hint } : {}),
    regenerations: r.regenerations,
    ...(r.superseded ? { superseded: true } : {}),
    ...(r.createdSecret ? { createdSecret: true } : {}),
    ...(r.tookOverFrom ? { tookOverFrom: r.tookOverFrom } : {}),
    ...(r.selfRotated ? { selfRotated: true } : {}),
    ...(r.rotation ? { rotation: r.rotation } : {}),
    ...(r.regeneratedClientId ? { regeneratedClientId: r.regeneratedClientId } : {}),
    ...(r.currentClientId ? { currentClientId: r.currentClientId } : {}),
    ...(r.recovered ? { recovered: r.recovered } : {}),
    ...(r.pairMember ? { pairMember: r.pairMember } : {}),
    ...(r.plan ? { plan: r.plan } : {}),
    timings: r.timings,
  }));
  const ok = results.filter((r) => r.status === "rotated" || r.status === "dry-run").length;
  const skipped = results.filter((r) => r.status === "skipped").length;
  return JSON.stringify(
    { schema: REPORT_SCHEMAS.rotate, ok, failed: results.length - ok - skipped, skipped, exitCode: report.exitCode, totalMs: report.totalMs, results },
    null,
    2,
  );
}

/**
 * One plain line per finished client (non-TTY progress, and the single-client summary). `admin`: where this run's
 * admin credentials came from, for the note after the admin client rotated itself.
 */
export function formatResultLine(r: RotationResult, admin: AdminSource = { kind: "env" }): string {
  const who = r.clientId && r.clientName ? `${r.clientId} (${r.clientName})` : r.clientId || r.clientName || "?";
  if (r.status === "rotated") {
    const extra = [r.regenerations > 1 ? `${r.regenerations} regenerations` : "", r.superseded ? "superseded by a concurrent run" : ""].filter(Boolean).join(", ");
    const notes = [
      ...(r.tookOverFrom ? [`\n         note: took the client over from ${r.tookOverFrom.join(", ")} (tag removed; the value there no longer works)`] : []),
      ...(r.recovered === "promoted-pending" ? [`\n         note: first made current the new secret an interrupted rotation had left at AWSPENDING`] : []),
      ...(r.pairMember?.outcome === "sealed"
        ? [`\n         note: the pair's first rotation: ${r.pairMember.clientId}'s creation-time secret, which no document held, was regenerated away`]
        : []),
      ...(r.pairMember?.outcome === "not-sealed"
        ? [`\n         warning: ${r.pairMember.clientId}'s creation-time secret could not be regenerated away (${r.pairMember.reason}); the next rotation regenerates it`]
        : []),
      ...(r.selfRotated
        ? [
            admin.kind === "secret"
              ? `\n         note: this was the admin client itself: its new secret is in ${r.secretArn}, where KEYWARD_ADMIN_SECRET_ARN reads it; the next command uses it`
              : `\n         note: this was the admin client itself: GENESYSCLOUD_OAUTHCLIENT_SECRET is now invalid; its new secret lives only in ${r.secretArn}`,
          ]
        : []),
    ].join("");
    const pair =
      r.rotation === "alternating" && r.regeneratedClientId
        ? ` (alternating: ${r.regeneratedClientId} regenerated and now current)`
        : r.recovered === "healthy"
          ? " (repair: AWSCURRENT works; nothing regenerated)"
          : "";
    return `rotated  ${who} -> ${r.secretArn} version ${r.versionId ?? "-"} in ${r.timings.totalMs} ms${pair}${extra ? ` (${extra})` : ""}${notes}`;
  }
  if (r.status === "skipped") {
    return `SKIPPED  ${who} -> ${r.secretId} [${r.reason}]: ${r.message}`;
  }
  if (r.status === "dry-run") {
    return `dry-run  ${who} -> ${r.secretArn ?? r.secretId}: preflight passed; would ${r.plan?.steps.join("; ")}`;
  }
  return `FAILED   ${who} -> ${r.secretId} [exit ${r.exitCode}, ${r.reason}]: ${r.message}${r.hint ? `\n         fix: ${r.hint}` : ""}`;
}

/** The fleet result table. */
export function formatTable(results: RotationResult[]): string {
  const rows = results.map((r) => [
    r.status === "failed" ? "FAILED" : r.status === "skipped" ? "SKIPPED" : r.status,
    r.clientId || "-",
    r.clientName ?? "",
    r.secretArn ?? r.secretId,
    r.versionId ?? "",
    r.status === "failed" || r.status === "skipped" ? `${r.reason} (exit ${r.exitCode})` : `${r.timings.totalMs} ms`,
  ]);
  const header = ["STATUS", "CLIENT ID", "NAME", "SECRET", "VERSION", "RESULT"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  const ok = results.filter((r) => r.status === "rotated" || r.status === "dry-run").length;
  const skipped = results.filter((r) => r.status === "skipped").length;
  // A dry run changed nothing: its clients "would rotate", they did not succeed at anything yet.
  const dryRun = results.some((r) => r.status === "dry-run");
  return [
    line(header),
    ...rows.map(line),
    "",
    `${ok} ${dryRun ? "would rotate (dry run)" : "succeeded"}, ${results.length - ok - skipped} failed${skipped ? `, ${skipped} skipped` : ""}`,
  ].join("\n");
}

/** Each failed or skipped client's message and fix (the terminal progress bar shows only counts). */
export function formatFailureDetails(results: RotationResult[], admin?: AdminSource): string {
  return results
    .filter((r) => r.status === "failed" || r.status === "skipped")
    .map((r) => formatResultLine(r, admin))
    .join("\n");
}

/** A one-line progress bar for a TTY; redrawn in place on stderr. */
export function progressBar(done: number, total: number, failed: number, width = 30): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} done, ${failed} failed`;
}
