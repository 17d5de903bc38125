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
    const obj = doc as { findings?: Array<{ fingerprint?: unknown }>; fingerprints?: unknown[] };
    values = Array.isArray(doc) ? doc : [...(obj.fingerprints ?? []), ...(obj.findings ?? []).map((f) => f.fingerprint)];
  } else {
    values = trimmed.split(/\r?\n/).map((l) => l.replace(/#.*/, "").trim()).filter(Boolean);
  }
  const out = new Set<string>();
  for (const v of values) {
    if (typeof v !== "string" || !FINGERPRINT.test(v)) throw new UsageError(`--baseline: "${String(v).slice(0, 40)}" is not a keyward fingerprint (kwf1_ + 16 hex digits)`);
    out.add(v);
  }
  return out;
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
