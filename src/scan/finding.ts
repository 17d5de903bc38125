import { fingerprintOf } from "../contracts/fingerprint.js";
import type { CandidateClientId } from "../contracts/verdict.js";
import { encodedForms, type Encoding } from "../decode/index.js";
import type { Detection } from "./detect.js";
import type { Confidence } from "./rules.js";

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
  /** The best candidate client id (kept for compatibility: the first structural, key-named or nearby candidate). */
  clientId: string | null;
  /** Every candidate client id seen, strongest provenance first (src/contracts/verdict.ts). */
  candidates: CandidateClientId[];
  region: string | null;
  /** high: Genesys-specific; medium: a generic client-credentials pair shaped like Genesys'. */
  confidence: Confidence;
  /** The encodings the secret was found under, outermost first ([] when it was in the text as it is). */
  decoded: Encoding[];
  /** A documentation example: the same value in at least `examples.min_files` documentation-like files, reported once; never fails the scan. */
  example: boolean;
  /** How many files (or file changes) the value was seen in, for an example; 1 otherwise. */
  occurrences: number;
  /** Characters the match covers in the source (43, or the Basic value's length). */
  length: number;
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

export function toFinding(
  detection: Pick<Detection, "ruleId" | "secret" | "clientId" | "region"> & Partial<Pick<Detection, "candidates" | "confidence" | "decoded" | "length">>,
  location: Location,
): Finding {
  const finding: Finding = {
    ruleId: detection.ruleId,
    path: location.path,
    line: location.line,
    column: location.column,
    commit: location.commit ?? null,
    authorEmail: location.authorEmail ?? null,
    clientId: detection.clientId ?? null,
    candidates: detection.candidates ?? (detection.clientId ? [{ clientId: detection.clientId, provenance: "nearby" }] : []),
    region: detection.region ?? null,
    confidence: detection.confidence ?? "high",
    decoded: detection.decoded ?? [],
    example: false,
    occurrences: 1,
    length: detection.length ?? detection.secret.length,
    secretPrefix: secretPrefix(detection.secret),
    fingerprint: fingerprintOf(detection.secret),
    verdict: "unverified",
    baseline: "new",
  };
  secrets.set(finding, detection.secret);
  return finding;
}

/** Every form of a finding's secret a log could show (src/decode encodedForms, with each candidate id's Basic value): for `::add-mask::` and the redaction registry. */
export function secretForms(finding: Finding): string[] {
  const secret = secretOf(finding);
  // Basic forms for the ids a verification would pair it with (not every UUID of the file): bounded, so a tree with
  // many findings keeps a small redaction registry.
  const paired = finding.candidates.filter((c) => c.provenance === "structural" || c.provenance === "key-named" || c.provenance === "nearby").map((c) => c.clientId);
  const ids = [...new Set([finding.clientId, ...paired].filter((id): id is string => !!id))].slice(0, 5);
  const forms = new Set(encodedForms(secret));
  for (const id of ids) for (const f of encodedForms(secret, id)) forms.add(f);
  return [...forms];
}

/** Does a finding fail the scan? New findings do; baselined ones and documentation examples do not. */
export function failsScan(finding: Finding): boolean {
  return finding.baseline === "new" && !finding.example;
}

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) => (a.commit ?? "").localeCompare(b.commit ?? "") || a.path.localeCompare(b.path) || a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId),
  );
}
