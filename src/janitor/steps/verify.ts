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
 * ({@link checkWithRetries}); the liveness engine (src/liveness/) plugs in here.
 */
export type Verifier = (secret: string, candidates: readonly string[]) => Promise<CandidateVerdict[]>;

/** Step 2's outcome. */
export type VerifyOutcome =
  /** No client id to try the secret with. */
  | { kind: "unpaired" }
  /** The pair authenticates: contain it. */
  | { kind: "live"; clientId: string }
  /** Every pair was refused. `alreadyContained`: the alert is resolved as revoked (a redelivery after containment). */
  | { kind: "dead"; alreadyContained: boolean }
  /** No pair proved live and at least one could not be checked. */
  | { kind: "unknown"; clientId: string | null };

/** Step 2: trust but verify. Pure decision over what the verifier answered. */
export async function verify(ctx: DeliveryContext, secret: string, candidates: readonly string[], alert: AlertState | undefined): Promise<VerifyOutcome> {
  const answers = candidates.length ? await ctx.verifier(secret, candidates) : [];
  const verdicts = answers.map((a) => a.verdict);
  const decision = decideVerdict({ verdicts, ...(alert ? { alert } : {}) });
  switch (decision.kind) {
    case "unpaired":
      return { kind: "unpaired" };
    case "live":
      return { kind: "live", clientId: answers[decision.index]!.clientId };
    case "dead":
      return { kind: "dead", alreadyContained: decision.alreadyContained };
    case "unknown":
      return { kind: "unknown", clientId: answers.find((a) => a.verdict === "unknown")?.clientId ?? null };
  }
}

export interface VerifyPolicy {
  /** Rounds of `checkCredentials` (each with its own short retries) before a verdict stays `unknown`. */
  attempts: number;
  backoffMs: number;
}

export const DEFAULT_VERIFY_POLICY: VerifyPolicy = { attempts: 3, backoffMs: 1_000 };

/** `checkCredentials` (its own short retries, token revoked) repeated a bounded number of rounds while `unknown`. */
export async function checkWithRetries(clientId: string, secret: string, deps: Pick<ProcessorDeps, "genesys" | "logger" | "verify">, sleep: (ms: number) => Promise<void>): Promise<Verdict> {
  const policy = deps.verify ?? DEFAULT_VERIFY_POLICY;
  const endpoints = deps.genesys.client().settings.endpoints;
  let verdict: Verdict = "unknown";
  for (let round = 1; round <= policy.attempts; round++) {
    try {
      verdict = await checkCredentials(clientId, secret, endpoints, { logger: deps.logger, sleep });
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
