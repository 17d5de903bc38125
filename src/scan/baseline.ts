import { readFile } from "node:fs/promises";
import { UsageError } from "../core/errors.js";
import type { BaselineStatus, Finding } from "./finding.js";

const FINGERPRINT = /^kwf1_[0-9a-f]{16}$/;

/**
 * Reads a baseline: the JSON report of an earlier `keyward scan --format json` (its findings' fingerprints), a
 * JSON `{ "fingerprints": [...] }`, or plain text with one fingerprint a line (`#` comments allowed).
 */
export function parseBaseline(text: string): Set<string> {
  const trimmed = text.trim();
  let values: unknown[];
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    let doc: unknown;
    try {
      doc = JSON.parse(trimmed);
    } catch (err) {
      throw new UsageError(`--baseline: not valid JSON (${(err as Error).message})`);
    }
    values = Array.isArray(doc) ? doc : baselineObject(doc);
  } else {
    values = trimmed
      .split(/\r?\n/)
      .map((l) => l.replace(/#.*/, "").trim())
      .filter(Boolean);
  }
  const out = new Set<string>();
  for (const v of values) {
    if (typeof v !== "string" || !FINGERPRINT.test(v)) throw new UsageError(`--baseline: "${String(v).slice(0, 40)}" is not a keyward fingerprint (kwf1_ + 16 hex digits)`);
    out.add(v);
  }
  return out;
}

const BASELINE_SHAPES =
  'a keyward scan JSON report ({"schema": "keyward.scan/v2", "findings": [...]}), {"fingerprints": [...]}, a JSON list of fingerprints, or one fingerprint a line';

/** The fingerprints of a JSON object baseline; anything that is not one of the documented shapes is refused. */
function baselineObject(doc: unknown): unknown[] {
  if (doc === null || typeof doc !== "object")
    throw new UsageError(`--baseline: not a baseline (a JSON ${doc === null ? "null" : typeof doc})`, { hint: `give ${BASELINE_SHAPES}` });
  const obj = doc as { schema?: unknown; findings?: unknown; fingerprints?: unknown };
  if (obj.schema !== undefined && !(typeof obj.schema === "string" && obj.schema.startsWith("keyward.scan/"))) {
    throw new UsageError(`--baseline: a report of schema ${JSON.stringify(obj.schema)} is not a scan report`, { hint: `give ${BASELINE_SHAPES}` });
  }
  for (const key of ["findings", "fingerprints"] as const) {
    if (obj[key] !== undefined && !Array.isArray(obj[key])) throw new UsageError(`--baseline: "${key}" must be a list`, { hint: `give ${BASELINE_SHAPES}` });
  }
  if (obj.findings === undefined && obj.fingerprints === undefined) {
    const keys = Object.keys(obj)
      .slice(0, 5)
      .map((k) => JSON.stringify(k.slice(0, 40)));
    throw new UsageError(`--baseline: the JSON object has neither "findings" nor "fingerprints"${keys.length ? ` (its keys: ${keys.join(", ")})` : ""}`, {
      hint: `give ${BASELINE_SHAPES}`,
    });
  }
  const findings = (obj.findings as unknown[] | undefined) ?? [];
  for (const f of findings) {
    if (f === null || typeof f !== "object" || !("fingerprint" in f))
      throw new UsageError("--baseline: a finding in the report has no fingerprint", { hint: `give ${BASELINE_SHAPES}` });
  }
  return [...((obj.fingerprints as unknown[] | undefined) ?? []), ...findings.map((f) => (f as { fingerprint: unknown }).fingerprint)];
}

export async function readBaseline(path: string): Promise<Set<string>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new UsageError(`--baseline: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
  return parseBaseline(text);
}

export function baselineStatus(fingerprint: string, baseline: ReadonlySet<string>): BaselineStatus {
  return baseline.has(fingerprint) ? "baselined" : "new";
}

export function applyBaseline(findings: Finding[], baseline: ReadonlySet<string>): void {
  for (const f of findings) f.baseline = baselineStatus(f.fingerprint, baseline);
}
