import type { AuditEvent } from "../../audit/index.js";
import type { CandidateClientId } from "../../contracts/verdict.js";
import { KeywardError } from "../../core/errors.js";
import { registerSecret } from "../../core/redact.js";
import type { AlertLocation } from "../../github/index.js";
import { FILES_BOUND, mergeCandidates, uuidsNear } from "../candidates.js";
import type { LeakFacts } from "../messages.js";
import { ALERT_EVENT } from "../work-item.js";
import { reasonOf, type DeliveryContext } from "./context.js";

/** The alert's triage state as GitHub reports it (null for a scanner finding). */
export interface AlertState {
  state: "open" | "resolved";
  resolution?: string | null | undefined;
}

/** Step 1's outcome: what the delivery is about. */
export type CollectOutcome =
  | {
      kind: "collected";
      /** The leaked secret (registered for redaction), undefined when the alert carried none. */
      secret: string | undefined;
      /** Candidate client ids with their provenance, strongest first, canonical case. */
      candidates: CandidateClientId[];
      authorEmail?: string;
      alert?: AlertState;
      facts: Omit<LeakFacts, "clientId">;
      location: AuditEvent["location"];
    }
  /** The alert or finding could not be read; `retryable` when trying later may succeed. */
  | { kind: "failed"; reason: string; retryable: boolean };

/** Step 1: the secret, where it was, and the client ids near it. Never throws. */
export async function collect(ctx: DeliveryContext): Promise<CollectOutcome> {
  try {
    return await collectOrThrow(ctx);
  } catch (err) {
    return { kind: "failed", reason: reasonOf(err), retryable: err instanceof KeywardError && err.retryable };
  }
}

async function collectOrThrow(ctx: DeliveryContext): Promise<CollectOutcome> {
  const { item, deps, errors } = ctx;
  if (item.event !== ALERT_EVENT) {
    const f = item.finding;
    registerSecret(f.secret);
    return {
      kind: "collected",
      secret: f.secret,
      // The scanner's pairing (it posts only pairs it found live): a candidate, not a proof.
      candidates: [{ clientId: f.client_id.toLowerCase(), provenance: "nearby" }],
      ...(f.author_email ? { authorEmail: f.author_email } : {}),
      facts: { repository: item.repository, path: f.path, line: f.line, ...(f.commit ? { commit: f.commit } : {}) },
      location: { type: "keyward_finding", path: f.path, line: f.line, ...(f.commit ? { commit: f.commit } : {}) },
    };
  }
  const github = deps.github;
  if (!github) throw new KeywardError("no GitHub token configured", { reason: "github-not-configured" });
  const alert = await github.getAlert(item.repository, item.alertNumber);
  const secret = typeof alert.secret === "string" && alert.secret ? alert.secret : undefined;
  let locations: AlertLocation[] = [];
  try {
    locations = await github.listLocations(item.repository, item.alertNumber);
  } catch (err) {
    errors.push(`fetch:locations-${reasonOf(err)}`);
  }
  const near: string[][] = [];
  const inFiles: string[][] = [];
  let authorEmail: string | undefined;
  let first: AlertLocation | undefined;
  for (const loc of locations.slice(0, 10)) {
    first ??= loc;
    const d = loc.details ?? {};
    try {
      if ((loc.type === "commit" || loc.type === "wiki_commit") && typeof d.commit_sha === "string") {
        if (loc.type === "commit" && typeof d.blob_sha === "string") {
          const blob = await github.getBlob(item.repository, d.blob_sha);
          near.push(uuidsNear(blob, secret, d.start_line));
        }
        if (loc.type === "commit") {
          const commit = await github.getCommit(item.repository, d.commit_sha);
          authorEmail ??= commit.authorEmail;
          const others = commit.files.filter((f) => f.filename !== d.path && f.patch).map((f) => f.patch!).join("\n");
          inFiles.push(uuidsNear(others, secret, undefined, FILES_BOUND));
        }
      } else {
        const urlKey = Object.keys(d).find((k) => k.endsWith("_url") && typeof d[k] === "string");
        if (urlKey) {
          const content = await github.getApiUrl(d[urlKey] as string);
          const text = [content.title, content.body].filter((v) => typeof v === "string").join("\n");
          near.push(uuidsNear(text, secret, undefined));
        }
      }
    } catch (err) {
      errors.push(`fetch:${loc.type}-${reasonOf(err)}`);
    }
  }
  const fd = first?.details ?? {};
  const path = typeof fd.path === "string" ? fd.path : undefined;
  const line = typeof fd.start_line === "number" ? fd.start_line : undefined;
  const commit = typeof fd.commit_sha === "string" ? fd.commit_sha : undefined;
  return {
    kind: "collected",
    secret,
    // UUIDs near the secret in its own file or text, then in the commit's other files; the engine tries them first.
    candidates: mergeCandidates([...near, ...inFiles]).map((clientId) => ({ clientId, provenance: near.some((ids) => ids.includes(clientId)) ? "nearby" : "input" })),
    ...(authorEmail ? { authorEmail } : {}),
    alert: { state: alert.state, resolution: alert.resolution },
    facts: { repository: item.repository, ...(path ? { path } : {}), ...(line ? { line } : {}), ...(commit ? { commit } : {}), ...(alert.html_url ? { alertUrl: alert.html_url } : {}) },
    location: first ? { type: first.type, ...(path ? { path } : {}), ...(line ? { line } : {}), ...(commit ? { commit } : {}) } : null,
  };
}
