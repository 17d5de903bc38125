import type { AuditEvent } from "../../audit/index.js";
import type { CandidateClientId } from "../../contracts/verdict.js";
import { KeywardError } from "../../core/errors.js";
import { registerSecret } from "../../core/redact.js";
import { GitHubError, type AlertLocation, type GitHubClient } from "../../github/index.js";
import { FILES_BOUND, NEAR_BOUND, uuidsNear } from "../candidates.js";
import type { LeakFacts } from "../messages.js";
import { ALERT_EVENT } from "../work-item.js";
import { reasonOf, type DeliveryContext } from "./context.js";

/** The alert's triage state as GitHub reports it. */
export interface AlertState {
  state: "open" | "resolved";
  resolution?: string | null | undefined;
  /** When GitHub raised it (ISO 8601), when known. */
  createdAt?: string;
}

export type FactsSoFar = Omit<LeakFacts, "clientId">;

/** Step 1's outcome: what the delivery is about. */
export type CollectOutcome =
  | {
      kind: "collected";
      /** The leaked secret (registered for redaction), undefined when the alert carried none. */
      secret: string | undefined;
      alert?: AlertState;
      /** The alert's `secret_type` (scanner findings: the rule id). */
      secretType?: string;
      /** Candidate client ids the delivery itself names (a scanner finding's). */
      named: CandidateClientId[];
      authorEmail?: string;
      facts: FactsSoFar;
      location: AuditEvent["location"];
    }
  /** Not a Genesys secret (`secret_type` is none of keyward's patterns): acknowledged, nothing reaches Genesys. */
  | { kind: "ignored"; secretType: string }
  /** The alert or finding could not be read; `retryable` when trying later may succeed. */
  | { kind: "failed"; reason: string; retryable: boolean; retryAfterMs?: number };

/** Step 1: the alert (or finding) and its secret. Never throws. */
export async function collect(ctx: DeliveryContext): Promise<CollectOutcome> {
  try {
    return await collectOrThrow(ctx);
  } catch (err) {
    return {
      kind: "failed",
      reason: reasonOf(err),
      retryable: err instanceof KeywardError && err.retryable,
      ...(err instanceof GitHubError && err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
    };
  }
}

async function collectOrThrow(ctx: DeliveryContext): Promise<CollectOutcome> {
  const { item, deps } = ctx;
  if (item.event !== ALERT_EVENT) {
    const f = item.finding;
    registerSecret(f.secret);
    return {
      kind: "collected",
      secret: f.secret,
      secretType: f.rule_id,
      named: [{ clientId: f.client_id.toLowerCase(), provenance: "nearby" }],
      ...(f.author_email ? { authorEmail: f.author_email } : {}),
      facts: { repository: item.repository, path: f.path, line: f.line, ...(f.commit ? { commit: f.commit } : {}) },
      location: { type: "keyward_finding", path: f.path, line: f.line, ...(f.commit ? { commit: f.commit } : {}) },
    };
  }
  const github = ctx.github;
  if (!github) throw new KeywardError("no GitHub token configured", { reason: "github-not-configured" });
  const alert = await github.getAlert(item.repository, item.alertNumber);
  // Only Genesys secrets reach Genesys: an alert for any other provider's secret is acknowledged and ignored.
  const types = deps.secretTypes.map((t) => t.toLowerCase());
  const type = alert.secret_type ?? "";
  if (!types.includes(type.toLowerCase()) && !types.includes((alert.secret_type_display_name ?? "").toLowerCase())) return { kind: "ignored", secretType: type.slice(0, 100) };
  const secret = typeof alert.secret === "string" && alert.secret ? alert.secret : undefined;
  return {
    kind: "collected",
    secret,
    alert: { state: alert.state, resolution: alert.resolution, ...(alert.created_at ? { createdAt: alert.created_at } : {}) },
    secretType: type,
    named: [],
    facts: { repository: item.repository, ...(alert.html_url ? { alertUrl: alert.html_url } : {}) },
    location: null,
  };
}

/** What the alert's locations said: where the secret is, who committed it, and every client id found near it. */
export interface Located {
  facts: FactsSoFar;
  location: AuditEvent["location"];
  authorEmail?: string;
  /** Strongest first: ids near the secret in each location, then ids elsewhere in its commit. */
  candidates: CandidateClientId[];
}

/** The facts and candidates, when every location was read. */
export interface Locating {
  /** The ids near the secret in the locations' contents, as soon as those are read (before the commit's other files). */
  near: Promise<CandidateClientId[]>;
  done: Promise<Located>;
}

/** Distinct places whose content is read (blobs are deduplicated by sha, URLs by URL). */
export const MAX_LOCATION_CONTENTS = 50;
/** Candidate ids handed to the engine from the locations (each may cost a token grant). */
export const MAX_CANDIDATES = 12;
/** Contents fetched at once. */
const CONTENT_CONCURRENCY = 4;

/**
 * The alert's locations, read in order (every page, bounded): the content of each place (a blob, an issue, a comment,
 * …) yields the client ids nearest the secret, first location first; the first commit's other changed files come
 * last. Contents are fetched a few at a time, so an alert with one location has its candidates after three calls
 * (alert, locations, blob): the critical path. A wiki page cannot be read through the REST API: its location gives
 * facts but no content.
 */
export function locate(ctx: DeliveryContext, github: GitHubClient, repo: string, alertNumber: number, secret: string): Locating {
  const { errors } = ctx;
  let nearReady: (ids: CandidateClientId[]) => void = () => undefined;
  const near = new Promise<CandidateClientId[]>((resolve) => (nearReady = resolve));
  const done = (async (): Promise<Located> => {
    let locations: AlertLocation[] = [];
    try {
      locations = await github.listLocations(repo, alertNumber);
    } catch (err) {
      errors.push(`fetch:locations-${reasonOf(err)}`);
    }
    const first = locations[0];
    const fd = first?.details ?? {};
    const path = typeof fd.path === "string" ? fd.path : undefined;
    const line = typeof fd.start_line === "number" ? fd.start_line : undefined;
    const commit = typeof fd.commit_sha === "string" ? fd.commit_sha : undefined;
    const firstCommit = locations.find((l) => l.type === "commit" && typeof l.details?.commit_sha === "string");
    // The commit of the first code location: its author, and ids in its other changed files (weakest candidates).
    // Not on the critical path: it starts once the first content is in.
    let commitInfo: Promise<Awaited<ReturnType<GitHubClient["getCommit"]>> | undefined> = Promise.resolve(undefined);
    const fetchCommit = () => {
      if (!firstCommit) return;
      commitInfo = github.getCommit(repo, firstCommit.details.commit_sha as string).catch((err: unknown) => {
        errors.push(`fetch:commit-${reasonOf(err)}`);
        return undefined;
      });
    };

    const seen = new Set<string>();
    const jobs: Array<{ type: string; run: () => Promise<string[]> }> = [];
    for (const loc of locations) {
      const d = loc.details ?? {};
      if (loc.type === "commit" && typeof d.blob_sha === "string") {
        const sha = d.blob_sha;
        if (seen.has(`blob:${sha}`)) continue;
        seen.add(`blob:${sha}`);
        jobs.push({ type: loc.type, run: async () => uuidsNear(await github.getBlob(repo, sha), secret, typeof d.start_line === "number" ? d.start_line : undefined) });
      } else if (loc.type === "wiki_commit") {
        if (!seen.has("wiki")) errors.push("fetch:wiki_commit-content-unavailable");
        seen.add("wiki");
      } else {
        const urlKey = Object.keys(d).find((k) => k.endsWith("_url") && k !== "html_url" && typeof d[k] === "string");
        if (!urlKey) continue;
        const url = d[urlKey] as string;
        if (seen.has(`url:${url}`)) continue;
        seen.add(`url:${url}`);
        jobs.push({
          type: loc.type,
          run: async () => {
            const content = await github.getApiUrl(url, repo);
            return uuidsNear([content.title, content.body].filter((v) => typeof v === "string").join("\n"), secret, undefined, NEAR_BOUND);
          },
        });
      }
    }
    if (jobs.length > MAX_LOCATION_CONTENTS) errors.push("fetch:locations-truncated");
    const bounded = jobs.slice(0, MAX_LOCATION_CONTENTS);
    // Fetch ahead, a few at a time; hand the candidates on in location order.
    const results: Array<Promise<string[]>> = [];
    let next = 0;
    const slots: Array<Promise<void>> = [];
    const start = () => {
      const i = next++;
      if (i >= bounded.length) return;
      const job = bounded[i]!;
      results[i] = job.run().catch((err: unknown) => {
        errors.push(`fetch:${job.type}-${reasonOf(err)}`);
        return [];
      });
      slots.push(results[i]!.then(start));
    };
    for (let k = 0; k < Math.min(CONTENT_CONCURRENCY, bounded.length); k++) start();
    const all: string[] = [];
    if (bounded.length === 0) fetchCommit();
    for (let i = 0; i < bounded.length; i++) {
      while (!results[i]) await Promise.race(slots);
      all.push(...(await results[i]!));
      if (i === 0) fetchCommit();
    }
    nearReady(nearbyCandidates(all));
    const info = await commitInfo;
    const elsewhere: string[] = [];
    if (info && firstCommit) {
      const others = info.files
        .filter((f) => f.filename !== firstCommit.details.path && f.patch)
        .map((f) => f.patch!)
        .join("\n");
      elsewhere.push(...uuidsNear(others, secret, undefined, FILES_BOUND));
    }
    const nearIds = new Set(all);
    return {
      facts: { ...(path ? { path } : {}), ...(line ? { line } : {}), ...(commit ? { commit } : {}), repository: repo },
      location: first ? { type: first.type, ...(path ? { path } : {}), ...(line ? { line } : {}), ...(commit ? { commit } : {}) } : null,
      ...(info?.authorEmail ? { authorEmail: info.authorEmail } : {}),
      candidates: nearbyCandidates(all)
        .concat([...new Set(elsewhere)].filter((id) => !nearIds.has(id)).map((clientId): CandidateClientId => ({ clientId, provenance: "input" })))
        .slice(0, MAX_CANDIDATES),
    };
  })();
  // `done` settles `near` on its way; a failure before that still settles it, with nothing.
  done.catch(() => nearReady([]));
  return { near, done };
}

function nearbyCandidates(ids: readonly string[]): CandidateClientId[] {
  return [...new Set(ids)].map((clientId): CandidateClientId => ({ clientId, provenance: "nearby" })).slice(0, MAX_CANDIDATES);
}
