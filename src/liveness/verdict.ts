/**
 * The facts the liveness engine gathers about one secret, the verdict it reaches, and the one rule that turns the
 * first into the second ("live beats unknown; dead only with proof"). Pure: no I/O, no clock. Tested over every
 * combination of its inputs (test/liveness/combine.test.ts). README "What proves a secret dead" is this file in prose.
 */
import type { CandidateProvenance } from "../contracts/verdict.js";

/** A token grant's answer for one pair, after the re-check: `refused` means `invalid_client` twice in a row. */
export type GrantOutcome = "live" | "refused" | "error";

/**
 * A client's state in one org, as the org's credentials read it (`GET /api/v2/oauth/clients/{id}`):
 * `absent` is a 404 (the client no longer exists there), `deleted` a soft-deleted client (restorable for days),
 * `unreadable` means the org has no credentials or the lookup failed.
 */
export type ClientState = "active" | "inactive" | "disabled" | "deleted" | "absent" | "unreadable";

/** One pair tried: this secret with `clientId`, at the login endpoint of `org`. */
export interface PairFact {
  org: string;
  clientId: string;
  provenance: CandidateProvenance;
  grant: GrantOutcome;
  /** For `error`: what went wrong (`token-rate-limited`, `server-error`, `unreachable`, `budget-exhausted`, …). */
  error?: string;
  /** Looked up for refused pairs whose client state matters (structural candidates). */
  state?: ClientState;
}

/** One configured org, as it bears on this secret. */
export interface OrgFact {
  org: string;
  /** The org is in the region the input names (every org is, when the input names none). */
  applicable: boolean;
  /** keyward holds credentials for the org (it can read clients and list them). */
  credentials: boolean;
  /**
   * The org-wide sweep: `refused-all` when every active client-credentials client of the org refused the secret
   * (each twice); `incomplete` when the listing failed or a grant could not be made; undefined when none ran.
   */
  sweep?: "refused-all" | "incomplete";
  /** Why the sweep is incomplete (`listing-failed`, `token-rate-limited`, `budget-exhausted`, …). */
  sweepError?: string;
  /** Active client-credentials clients the sweep covered. */
  swept?: number;
}

export interface CombineInput {
  pairs: readonly PairFact[];
  orgs: readonly OrgFact[];
  /** The region the input names (a provider block, a login/api host), when it names one. */
  namedRegion?: string;
}

export type DeadProof =
  /** A structural pair (same object) refused while its client is `active` in the org. */
  | "structural-refused-active"
  /** A structural pair refused, and its client exists in none of the orgs the input may belong to. */
  | "client-absent"
  /** Every active client-credentials client of every applicable org refused it, and no candidate is dormant. */
  | "org-sweep";

export type UnknownReason =
  /** The input names a region no configured org is in. */
  | "region-mismatch"
  /** A candidate client is inactive, disabled or soft-deleted: its secret may work again once re-activated. */
  | "client-not-active"
  /** A grant or a listing failed (rate limit, 5xx, network, timeout, grant budget). */
  | "verification-failed"
  /** No org credentials: a refusal by candidate client ids proves nothing. */
  | "not-proven-dead";

export type LivenessVerdict =
  | { verdict: "live"; clientId: string; org: string; provenance: CandidateProvenance }
  | { verdict: "dead"; proof: DeadProof; orgs: string[]; clientId?: string; detail: string }
  | { verdict: "unknown"; reason: UnknownReason; detail: string; clientId?: string; org?: string }
  | { verdict: "unpaired"; detail: string };

/** Strongest first: a live pair is reported with the best provenance that found it. */
export const PROVENANCE_RANK: Readonly<Record<CandidateProvenance, number>> = { structural: 0, "key-named": 1, nearby: 2, "same-file": 3, input: 4, org: 5 };

const NOT_ACTIVE = new Set<ClientState>(["inactive", "disabled", "deleted"]);

/**
 * The rule, in order:
 * 1. a pair that minted a token → `live` (the strongest provenance, then the first org);
 * 2. the input names a region no configured org is in → `unknown` (`region-mismatch`);
 * 3. a structural pair refused while its client is `active` in an applicable org → `dead`;
 * 4. a structural pair refused at every applicable org, each with credentials and each saying the client does not
 *    exist (404) → `dead` (`client-absent`);
 * 5. every applicable org swept (credentials, listing read, every active client-credentials client refused it), and
 *    no candidate inactive/disabled/soft-deleted there → `dead` (`org-sweep`);
 * 6. nothing tried and no org could sweep → `unpaired`;
 * 7. otherwise `unknown`, with the first reason that applies: a candidate client not active, a failed grant or
 *    listing, no org credentials ("not proven dead").
 */
export function combine(input: CombineInput): LivenessVerdict {
  const live = [...input.pairs].filter((p) => p.grant === "live").sort((a, b) => PROVENANCE_RANK[a.provenance] - PROVENANCE_RANK[b.provenance])[0];
  if (live) return { verdict: "live", clientId: live.clientId, org: live.org, provenance: live.provenance };

  const applicable = input.orgs.filter((o) => o.applicable);
  const names = applicable.map((o) => o.org);
  if (applicable.length === 0) {
    const configured = input.orgs.map((o) => o.org).join(", ") || "none";
    return {
      verdict: "unknown",
      reason: "region-mismatch",
      detail: input.namedRegion ? `the input names region ${input.namedRegion}, and no configured org is there (configured: ${configured})` : "no org is configured",
    };
  }
  const inApplicable = (p: PairFact) => names.includes(p.org);

  const structural = input.pairs.filter((p) => p.provenance === "structural" && p.grant === "refused" && inApplicable(p));
  const proof = structural.find((p) => p.state === "active");
  if (proof) {
    return {
      verdict: "dead",
      proof: "structural-refused-active",
      orgs: [proof.org],
      clientId: proof.clientId,
      detail: `refused for its own client ${proof.clientId}, which is active in org ${proof.org}`,
    };
  }
  for (const clientId of new Set(structural.map((p) => p.clientId))) {
    const everywhereAbsent = applicable.every((o) => o.credentials && structural.some((p) => p.clientId === clientId && p.org === o.org && p.state === "absent"));
    if (everywhereAbsent) {
      return { verdict: "dead", proof: "client-absent", orgs: names, clientId, detail: `its own client ${clientId} no longer exists in ${plural("org", names)}` };
    }
  }

  const dormantCandidate = input.pairs.find((p) => inApplicable(p) && p.grant === "refused" && p.state !== undefined && NOT_ACTIVE.has(p.state));
  const swept = applicable.every((o) => o.credentials && o.sweep === "refused-all");
  if (swept && !dormantCandidate) {
    const total = applicable.reduce((n, o) => n + (o.swept ?? 0), 0);
    return { verdict: "dead", proof: "org-sweep", orgs: names, detail: `refused by every active client-credentials client (${total}) of ${plural("org", names)}` };
  }

  if (input.pairs.length === 0 && !applicable.some((o) => o.credentials)) {
    return { verdict: "unpaired", detail: "no client id to try it with, and no org credentials to try every client of the org" };
  }

  if (dormantCandidate) {
    return {
      verdict: "unknown",
      reason: "client-not-active",
      clientId: dormantCandidate.clientId,
      org: dormantCandidate.org,
      detail: `client ${dormantCandidate.clientId} is ${dormantCandidate.state} in org ${dormantCandidate.org}: a refused secret may work again once it is re-activated`,
    };
  }
  const failedPair = input.pairs.find((p) => p.grant === "error");
  const failedSweep = applicable.find((o) => o.sweep === "incomplete");
  if (failedPair || failedSweep) {
    const detail = failedPair
      ? `the check of client ${failedPair.clientId} in org ${failedPair.org} failed (${failedPair.error ?? "error"})`
      : `org ${failedSweep!.org} could not be swept (${failedSweep!.sweepError ?? "error"})`;
    return { verdict: "unknown", reason: "verification-failed", detail, ...(failedPair ? { clientId: failedPair.clientId, org: failedPair.org } : { org: failedSweep!.org }) };
  }
  const blind = applicable.filter((o) => !o.credentials).map((o) => o.org);
  const refused = input.pairs.filter((p) => p.grant === "refused").length;
  return {
    verdict: "unknown",
    reason: "not-proven-dead",
    detail: blind.length
      ? `not proven dead: refused by ${refused} candidate client id(s), but keyward has no credentials for ${plural("org", blind)} to read its clients`
      : "not proven dead",
  };
}

function plural(word: string, names: string[]): string {
  return `${word}${names.length === 1 ? "" : "s"} ${names.join(", ")}`;
}
