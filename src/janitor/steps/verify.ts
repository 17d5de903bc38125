import { checkCredentials } from "../../genesys/index.js";
import { decideVerdict, type Verdict } from "../decide.js";
import type { ProcessorDeps } from "../processor.js";
import type { AlertState } from "./collect.js";
import type { DeliveryContext } from "./context.js";

/** One candidate's verdict. */
export interface CandidateVerdict {
  clientId: string;
  verdict: Verdict;
}

/**
 * The verify seam: is `secret` live with one of `candidates` (tried in order)? Returns the verdicts it reached, in
 * candidate order; it may stop at the first `live`. The default is the token grant with bounded retries
 * ({@link checkWithRetries}) through the delivery's verdict cache; the liveness engine (src/liveness/) plugs in here.
 */
export type Verifier = (secret: string, candidates: readonly string[]) => Promise<CandidateVerdict[]>;

/** Step 2's outcome. */
export type VerifyOutcome =
  /** No client id to try the secret with. */
  | { kind: "unpaired" }
  /** The pair authenticates: contain it. */
  | { kind: "live"; clientId: string; tried: CandidateVerdict[] }
  /** Every pair was refused. `alreadyContained`: the alert is resolved as revoked (a redelivery after containment). */
  | { kind: "dead"; alreadyContained: boolean; tried: CandidateVerdict[] }
  /** No pair proved live and at least one could not be checked. */
  | { kind: "unknown"; clientId: string | null; tried: CandidateVerdict[] };

/** Bound on candidates tried for one secret (each costs a token grant unless its verdict is cached). */
export const MAX_CANDIDATES = 8;

/**
 * Step 2: trust but verify. Candidates arrive in batches (the managed clients whose stored secret is this one, then
 * each location's ids, nearest first); each new id is tried as soon as it is known and the step ends at the first
 * live pair. `beforeTry` runs as a batch is handed to the verifier (the containment's look-ups start then).
 */
export async function verify(ctx: DeliveryContext, secret: string, batches: AsyncIterable<readonly string[]>, alert: AlertState | undefined, beforeTry?: (ids: readonly string[]) => void): Promise<VerifyOutcome> {
  const tried: CandidateVerdict[] = [];
  const seen = new Set<string>();
  for await (const batch of batches) {
    const fresh = batch.map((id) => id.toLowerCase()).filter((id) => !seen.has(id) && seen.add(id)).slice(0, MAX_CANDIDATES - tried.length);
    if (!fresh.length) continue;
    beforeTry?.(fresh);
    tried.push(...(await ctx.verifier(secret, fresh)));
    if (tried.some((t) => t.verdict === "live") || tried.length >= MAX_CANDIDATES) break;
  }
  const decision = decideVerdict({ verdicts: tried.map((t) => t.verdict), ...(alert ? { alert } : {}) });
  switch (decision.kind) {
    case "unpaired":
      return { kind: "unpaired" };
    case "live":
      return { kind: "live", clientId: tried[decision.index]!.clientId, tried };
    case "dead":
      return { kind: "dead", alreadyContained: decision.alreadyContained, tried };
    case "unknown":
      return { kind: "unknown", clientId: tried.find((a) => a.verdict === "unknown")?.clientId ?? null, tried };
  }
}

/** Batches from a list (a scanner finding names its pair). */
export async function* batchesOf(...lists: ReadonlyArray<readonly string[]>): AsyncIterable<readonly string[]> {
  for (const l of lists) if (l.length) yield l;
}

export interface VerifyPolicy {
  /** Rounds of `checkCredentials` (each with its own short retries) before a verdict stays `unknown`. */
  attempts: number;
  backoffMs: number;
}

export const DEFAULT_VERIFY_POLICY: VerifyPolicy = { attempts: 3, backoffMs: 1_000 };

/**
 * `checkCredentials` (its own short retries) repeated a bounded number of rounds while `unknown`. The minted token
 * is revoked off the critical path: `deferRevoke` receives the revocation to run later.
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

/** The default verifier: candidates one after the other until one is live. */
export function sequentialVerifier(check: (clientId: string, secret: string) => Promise<Verdict>): Verifier {
  return async (secret, candidates) => {
    const out: CandidateVerdict[] = [];
    for (const clientId of candidates) {
      const verdict = await check(clientId, secret);
      out.push({ clientId, verdict });
      if (verdict === "live") break;
    }
    return out;
  };
}
