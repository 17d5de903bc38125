import { fingerprintOf } from "../contracts/fingerprint.js";
import type { Detection } from "./detect.js";

/** TruffleHog's three verification states, plus `unverified` when `--verify` was not asked, and `unpaired` (no client id to try, no org credentials to sweep). */
export type Verdict = "live" | "dead" | "unknown" | "unverified" | "unpaired";
/** `baselined`: the fingerprint is in the `--baseline` file, so the finding does not fail the scan. */
export type BaselineStatus = "new" | "baselined";

/** A reported finding. It never holds the secret: only a short prefix and a keyed fingerprint of it. */
export interface Finding {
  ruleId: string;
  path: string;
  line: number;
  column: number;
  commit: string | null;
  authorEmail: string | null;
  clientId: string | null;
  region: string | null;
  /** With `--verify`: the org the verdict was reached in (README "Several orgs"). */
  org?: string | null;
  secretPrefix: string;
  fingerprint: string;
  verdict: Verdict;
  baseline: BaselineStatus;
}

export interface Location {
  path: string;
  line: number;
  column: number;
  commit?: string | null;
  authorEmail?: string | null;
}

export const PREFIX_LENGTH = 4;

/** One fingerprint scheme for every report (src/contracts/fingerprint.ts). */
export { fingerprintOf };

export function secretPrefix(secret: string): string {
  return `${secret.slice(0, PREFIX_LENGTH)}…`;
}

/** The secret behind each finding, kept outside the object so no serializer can ever reach it. */
const secrets = new WeakMap<Finding, string>();

export function secretOf(finding: Finding): string {
  const secret = secrets.get(finding);
  if (secret === undefined) throw new Error("finding has no secret attached");
  return secret;
}

export function toFinding(detection: Pick<Detection, "ruleId" | "secret" | "clientId" | "region">, location: Location): Finding {
  const finding: Finding = {
    ruleId: detection.ruleId,
    path: location.path,
    line: location.line,
    column: location.column,
    commit: location.commit ?? null,
    authorEmail: location.authorEmail ?? null,
    clientId: detection.clientId ?? null,
    region: detection.region ?? null,
    secretPrefix: secretPrefix(detection.secret),
    fingerprint: fingerprintOf(detection.secret),
    verdict: "unverified",
    baseline: "new",
  };
  secrets.set(finding, detection.secret);
  return finding;
}

/** Every form of a finding's secret a log could show: for `::add-mask::` and the redaction registry. */
export function secretForms(finding: Finding): string[] {
  const secret = secretOf(finding);
  const forms = [secret, encodeURIComponent(secret)];
  if (finding.clientId) {
    const basic = Buffer.from(`${finding.clientId}:${secret}`).toString("base64");
    forms.push(basic, encodeURIComponent(basic));
  }
  return [...new Set(forms)];
}

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => (a.commit ?? "").localeCompare(b.commit ?? "") || a.path.localeCompare(b.path) || a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId));
}
