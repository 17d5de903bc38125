import { createHash } from "node:crypto";
import type { CandidateClientId } from "../../contracts/verdict.js";
import { checkCredentials } from "../../genesys/index.js";
import type { Logger } from "../../core/log.js";
import { createLivenessEngine, DEFAULT_ORG_NAME, type EngineOrg, type LivenessQuery, type LivenessVerdict } from "../../liveness/index.js";
import { alreadyContained, type Verdict } from "../decide.js";
import type { ProcessorDeps } from "../processor.js";
import type { AlertState } from "./collect.js";
import type { DeliveryContext } from "./context.js";

/**
 * The verify seam: is `secret` live, and for which client of which org? The liveness engine (src/liveness/)
 * answers — the same engine as `keyward audit-state` and `keyward scan --verify`: the candidates, strongest first,
 * then every active client-credentials client of the org; `dead` only with a proof (README "What proves a secret
 * dead"). One engine per query: its cache is the query's.
 */
export type Verifier = (query: LivenessQuery, call?: VerifierCall) => Promise<LivenessVerdict>;

/** Per delivery: where a verification token's revocation goes (after the critical steps), instead of inline. */
export interface VerifierCall {
  deferRevoke?: (revoke: () => Promise<void>) => void;
}

/** Step 2's outcome. */
export type VerifyOutcome =
  /** No client id to try the secret with, and no org to sweep. */
  | { kind: "unpaired" }
  /** The pair authenticates: contain it. `org` is where it is live. */
  | { kind: "live"; clientId: string; org: string; tried: number }
  /** Proven refused. `alreadyContained`: the alert is resolved as revoked (a redelivery after containment). */
  | { kind: "dead"; alreadyContained: boolean; clientIds: string[]; tried: number }
  /** Not proven either way (a failed grant, a dormant client, nothing proven): retried, a human told on the last try. */
  | { kind: "unknown"; clientId: string | null; tried: number };

/** How many secrets proven live the janitor remembers the client of (the oldest are forgotten first). */
export const PROVEN_PAIRS_BOUND = 10_000;

/**
 * The default verifier: a fresh engine per query (its cache is the query's) over the janitor's own org (its own
 * client, which holds `oauth:client:view`) first, then the orgs of `KEYWARD_ORGS_FILE` (`more`, read once at
 * start-up). A secret this janitor once proved live belongs to that client: a token grant proved the pair, which
 * is as strong as the provider writing it as one. So a redelivery of a contained leak checks that client as a
 * structural pair (refused while active: dead) instead of sweeping the whole org again.
 */
export function engineVerifier(
  genesys: Pick<ProcessorDeps["genesys"], "client">,
  options: { logger: Logger; sleep?: (ms: number) => Promise<void>; more?: readonly EngineOrg[] },
): Verifier {
  const proven = new Map<string, string>();
  return async (query, call = {}) => {
    const own = genesys.client();
    const orgs: EngineOrg[] = [
      { name: DEFAULT_ORG_NAME, region: own.settings.region, settings: own.settings, client: () => genesys.client() },
      ...(options.more ?? []).filter((o) => o.name !== DEFAULT_ORG_NAME),
    ];
    const key = createHash("sha256").update(query.secret).digest("hex");
    const known = proven.get(key);
    const candidates: CandidateClientId[] = known ? [{ clientId: known, provenance: "structural" }, ...query.candidates] : [...query.candidates];
    const verdict = await createLivenessEngine({
      orgs,
      logger: options.logger,
      ...(options.sleep ? { sleep: options.sleep } : {}),
      ...(call.deferRevoke ? { deferRevoke: call.deferRevoke } : {}),
    }).verify({ ...query, candidates });
    if (verdict.verdict === "live") {
      proven.delete(key);
      proven.set(key, verdict.clientId);
      if (proven.size > PROVEN_PAIRS_BOUND) proven.delete(proven.keys().next().value!);
    }
    return verdict;
  };
}

/** Where the candidates come from, strongest first; `located` resolves when every location of the alert was read. */
export interface CandidateSources {
  /**
   * The ids near the secret in the locations' contents, as soon as those are read: tried before the commit's other
   * files are in (they only add weaker candidates), so the commit fetch stays off the critical path.
   */
  nearby?: Promise<CandidateClientId[]>;
  /** Managed clients whose stored AWSCURRENT secret is the leaked one: the id is known before any location is read. */
  managed: readonly string[];
  /** The pair a scanner finding names. */
  named: readonly CandidateClientId[];
  located?: Promise<readonly CandidateClientId[]>;
}

/**
 * Step 2: trust but verify, through the engine, in stages that each start as soon as their candidates are known:
 * 1. the managed clients holding this very secret, as structural pairs, while the locations are still being read (for
 *    them the critical path is alert → grant → regenerate);
 * 2. the ids near the secret in the locations' contents (alert → locations → content → grant → regenerate);
 * 3. every candidate, once the commit's other changed files are in too.
 * A stage that proves the secret live or dead ends it; a stage with no candidate the previous one did not judge is
 * not asked again (its answer would be the same). `beforeTry` runs with the first candidate before each query (the
 * containment's look-ups start then).
 */
export async function verify(
  ctx: DeliveryContext,
  secret: string,
  sources: CandidateSources,
  alert: AlertState | undefined,
  beforeTry?: (clientId: string) => void,
): Promise<VerifyOutcome> {
  const structural: CandidateClientId[] = sources.managed.map((clientId) => ({ clientId, provenance: "structural" }));
  let tried = 0;
  let last: { candidates: CandidateClientId[]; verdict: LivenessVerdict } | undefined;
  const ask = async (candidates: CandidateClientId[]): Promise<LivenessVerdict> => {
    const judged = last;
    if (judged && candidates.every((c) => judged.candidates.some((e) => e.clientId === c.clientId))) return judged.verdict;
    if (candidates[0]) beforeTry?.(candidates[0].clientId);
    const verdict = await ctx.verifier({ secret, candidates });
    tried = Math.max(tried, candidates.length);
    last = { candidates, verdict };
    return verdict;
  };
  const decisive = (v: LivenessVerdict) => v.verdict === "live" || v.verdict === "dead";
  if (structural.length) {
    const first = await ask(dedupe([...structural, ...sources.named]));
    if (decisive(first)) return outcomeOf(first, alert, tried);
  }
  if (sources.nearby) {
    const near = await ask(dedupe([...structural, ...sources.named, ...(await sources.nearby)]));
    if (decisive(near)) return outcomeOf(near, alert, tried);
  }
  const all = await ask(dedupe([...structural, ...sources.named, ...((await sources.located) ?? [])]));
  return outcomeOf(all, alert, tried);
}

function outcomeOf(verdict: LivenessVerdict, alert: AlertState | undefined, tried: number): VerifyOutcome {
  switch (verdict.verdict) {
    case "live":
      return { kind: "live", clientId: verdict.clientId, org: verdict.org, tried };
    case "dead":
      return { kind: "dead", alreadyContained: alreadyContained(alert), clientIds: verdict.clientId ? [verdict.clientId] : [], tried };
    case "unknown":
      return { kind: "unknown", clientId: verdict.clientId ?? null, tried };
    case "unpaired":
      return { kind: "unpaired" };
  }
}

function dedupe(list: CandidateClientId[]): CandidateClientId[] {
  const seen = new Set<string>();
  return list.filter((c) => !seen.has(c.clientId) && seen.add(c.clientId));
}

export interface VerifyPolicy {
  /** Rounds of `checkCredentials` (each with its own short retries) before a verdict stays `unknown`. */
  attempts: number;
  backoffMs: number;
}

export const DEFAULT_VERIFY_POLICY: VerifyPolicy = { attempts: 3, backoffMs: 1_000 };

/**
 * `checkCredentials` (its own short retries) repeated a bounded number of rounds while `unknown`: containment's own
 * check that the leaked pair is refused afterwards, and the health check of a managed secret. The minted token is
 * revoked off the critical path: `deferRevoke` receives the revocation to run later.
 */
export async function checkWithRetries(
  clientId: string,
  secret: string,
  deps: Pick<ProcessorDeps, "genesys" | "logger" | "verify">,
  sleep: (ms: number) => Promise<void>,
  deferRevoke?: (revoke: () => Promise<void>) => void,
): Promise<Verdict> {
  const policy = deps.verify ?? DEFAULT_VERIFY_POLICY;
  const endpoints = deps.genesys.client().settings.endpoints;
  let verdict: Verdict = "unknown";
  for (let round = 1; round <= policy.attempts; round++) {
    try {
      verdict = await checkCredentials(clientId, secret, endpoints, { logger: deps.logger, sleep, ...(deferRevoke ? { deferRevoke } : {}) });
    } catch {
      verdict = "unknown";
    }
    if (verdict !== "unknown") return verdict;
    if (round < policy.attempts) await sleep(Math.min(policy.backoffMs * 2 ** (round - 1), 10_000));
  }
  return verdict;
}
