import { REPORT_SCHEMAS } from "../contracts/report-schemas.js";
import type { Finding } from "./finding.js";
import { loadRules } from "./rules.js";
import type { ScanStats } from "./scan.js";

/** The JSON of one finding (camelCase, like every keyward report). No secret: a prefix and a fingerprint. */
export function findingJson(f: Finding) {
  return {
    ruleId: f.ruleId,
    path: f.path,
    line: f.line,
    column: f.column,
    commit: f.commit,
    authorEmail: f.authorEmail,
    clientId: f.clientId,
    candidates: f.candidates.map((c) => ({ clientId: c.clientId, provenance: c.provenance })),
    region: f.region,
    confidence: f.confidence,
    decoded: f.decoded,
    example: f.example,
    occurrences: f.occurrences,
    secretPrefix: f.secretPrefix,
    fingerprint: f.fingerprint,
    verdict: f.verdict,
    ...(f.org ? { org: f.org } : {}),
    baseline: f.baseline,
  };
}

export function renderJson(findings: Finding[], stats: ScanStats): string {
  return JSON.stringify({ schema: REPORT_SCHEMAS.scan, findings: findings.map(findingJson), stats }, null, 2) + "\n";
}

export function describeFinding(f: Finding): string {
  const title = loadRules().doc.rules.find((r) => r.id === f.ruleId)?.title ?? f.ruleId;
  const parts = [`${title}: secret ${f.secretPrefix} (${f.fingerprint})`];
  if (f.clientId) parts.push(`client ${f.clientId}`);
  if (f.confidence !== "high") parts.push(`confidence ${f.confidence}`);
  if (f.decoded.length > 0) parts.push(`decoded: ${f.decoded.join("+")}`);
  if (f.example) parts.push(`example (the same value in ${f.occurrences} documentation files; does not fail the scan)`);
  if (f.verdict !== "unverified") parts.push(`verdict ${f.verdict}${f.org ? ` (org ${f.org})` : ""}`);
  if (f.baseline === "baselined") parts.push("baselined");
  return parts.join(", ");
}

export function renderText(findings: Finding[], stats: ScanStats): string {
  const lines: string[] = [];
  for (const f of findings) {
    const where = `${f.path}:${f.line}:${f.column}${f.commit ? ` @ ${f.commit.slice(0, 12)}${f.authorEmail ? ` (${f.authorEmail})` : ""}` : ""}`;
    lines.push(`${where}  ${f.ruleId}  ${describeFinding(f)}`);
  }
  lines.push(summaryLine(findings, stats));
  return lines.join("\n") + "\n";
}

export function summaryLine(findings: Finding[], stats: ScanStats): string {
  const fresh = findings.filter((f) => f.baseline === "new" && !f.example).length;
  const examples = findings.filter((f) => f.example).length;
  const s = stats.skipped;
  const scanned = stats.commits > 0 ? `${stats.files} file changes in ${stats.commits} commits` : `${stats.files} files`;
  const objects = s.objects > 0 ? `, ${s.objects} unreadable git object${s.objects === 1 ? "" : "s"} (the scan is incomplete)` : "";
  return `keyward scan: ${findings.length} finding${findings.length === 1 ? "" : "s"} (${fresh} new${examples ? `, ${examples} documentation example${examples === 1 ? "" : "s"}` : ""}), ${scanned} scanned; skipped ${s.binary} binary, ${s.large} large, ${s.unreadable} unreadable, ${s.allowlisted} allowlisted${objects}`;
}

/**
 * A relative path as a SARIF artifact URI (RFC 3986 relative reference): each segment percent-encoded as UTF-8,
 * so `#`, `?`, `%`, spaces, TABs and non-ASCII characters can never be read as a fragment, a query or an escape
 * (SARIF1002). A path that is absolute (outside the working directory) becomes a `file:` URI.
 */
export function artifactUri(path: string): string {
  const absolute = path.startsWith("/");
  const encoded = path
    .split("/")
    .map((segment) => encodeURIComponent(segment))
    .join("/");
  return absolute ? `file://${encoded}` : encoded;
}

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

/**
 * SARIF 2.1.0 as GitHub code scanning accepts it: one rule per keyward rule, one result per finding with a
 * relative artifact URI and a region, `partialFingerprints` from the secret's fingerprint, and no snippet
 * (gitleaks puts the raw secret in `region.snippet.text`; keyward never does).
 */
export function renderSarif(findings: Finding[], version: string): string {
  const rules = loadRules().doc.rules;
  const sarif = {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "keyward",
            informationUri: "https://github.com/keyward/keyward",
            version,
            rules: rules.map((r) => ({
              id: r.id,
              name: r.id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
              shortDescription: { text: r.title },
              fullDescription: { text: r.description },
              help: { text: `${r.description} Revoke it: regenerate the client's secret in Genesys Cloud (keyward rotate), then remove it from the code and its history.` },
              defaultConfiguration: { level: "error" },
              properties: {
                tags: ["security", "secret", "genesys-cloud"],
                precision: r.confidence === "high" ? "high" : "medium",
                "security-severity": r.confidence === "high" ? "9.0" : "7.5",
              },
            })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.ruleId,
          ruleIndex: Math.max(
            0,
            rules.findIndex((r) => r.id === f.ruleId),
          ),
          level: f.baseline === "baselined" || f.example ? "note" : "error",
          message: { text: describeFinding(f) },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: artifactUri(f.path) },
                region: { startLine: f.line, startColumn: f.column, endColumn: f.column + f.length },
              },
            },
          ],
          partialFingerprints: { "keywardSecret/v1": f.fingerprint },
          properties: {
            verdict: f.verdict,
            baseline: f.baseline,
            commit: f.commit,
            clientId: f.clientId,
            candidates: f.candidates,
            confidence: f.confidence,
            decoded: f.decoded,
            example: f.example,
            occurrences: f.occurrences,
          },
        })),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + "\n";
}
