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
 * dead"). One engine per delivery: its cache is the delivery's.
 */
export type Verifier = (query: LivenessQuery) => Promise<LivenessVerdict>;

/** Step 2's outcome. */
export type VerifyOutcome =
  /** No client id to try the secret with, and no org to sweep. */
  | { kind: "unpaired" }
  /** The pair authenticates: contain it. `org` is where it is live. */
  | { kind: "live"; clientId: string; org: string }
  /** Proven refused. `alreadyContained`: the alert is resolved as revoked (a redelivery after containment). */
  | { kind: "dead"; alreadyContained: boolean }
  /** Not proven either way (a failed grant, a dormant client, nothing proven): a human alert, no destructive act. */
  | { kind: "unknown"; clientId: string | null };

/** How many secrets proven live the janitor remembers the client of (the oldest are forgotten first). */
export const PROVEN_PAIRS_BOUND = 10_000;

/**
 * The default verifier: a fresh engine per delivery (its cache is the delivery's) over the janitor's own org (its own
 * client, which holds `oauth:client:view`) first, then the orgs of `KEYWARD_ORGS_FILE` (`more`, read once at
 * start-up). A secret this janitor once proved live belongs to that client: a token grant proved the pair, which
 * is as strong as the provider writing it as one. So a redelivery of a contained leak checks that client as a
 * structural pair (refused while active: dead) instead of sweeping the whole org again.
 */
export function engineVerifier(genesys: Pick<ProcessorDeps["genesys"], "client">, options: { logger: Logger; sleep?: (ms: number) => Promise<void>; more?: readonly EngineOrg[] }): Verifier {
  const proven = new Map<string, string>();
  return async (query) => {
    const own = genesys.client();
    const orgs: EngineOrg[] = [{ name: DEFAULT_ORG_NAME, region: own.settings.region, settings: own.settings, client: () => genesys.client() }, ...(options.more ?? []).filter((o) => o.name !== DEFAULT_ORG_NAME)];
    const key = createHash("sha256").update(query.secret).digest("hex");
    const known = proven.get(key);
    const candidates: CandidateClientId[] = known ? [{ clientId: known, provenance: "structural" }, ...query.candidates] : [...query.candidates];
    const verdict = await createLivenessEngine({ orgs, logger: options.logger, ...(options.sleep ? { sleep: options.sleep } : {}) }).verify({ ...query, candidates });
    if (verdict.verdict === "live") {
      proven.delete(key);
      proven.set(key, verdict.clientId);
      if (proven.size > PROVEN_PAIRS_BOUND) proven.delete(proven.keys().next().value!);
    }
    return verdict;
  };
}

/** Step 2: trust but verify, through the engine. */
export async function verify(ctx: DeliveryContext, secret: string, candidates: readonly CandidateClientId[], alert: AlertState | undefined): Promise<VerifyOutcome> {
  const verdict = await ctx.verifier({ secret, candidates });
  switch (verdict.verdict) {
    case "live":
      return { kind: "live", clientId: verdict.clientId, org: verdict.org };
    case "dead":
      return { kind: "dead", alreadyContained: alreadyContained(alert) };
    case "unknown":
      return { kind: "unknown", clientId: verdict.clientId ?? candidates[0]?.clientId ?? null };
    case "unpaired":
      return { kind: "unpaired" };
  }
}

export interface VerifyPolicy {
  /** Rounds of `checkCredentials` (each with its own short retries) before a verdict stays `unknown`. */
  attempts: number;
  backoffMs: number;
}

export const DEFAULT_VERIFY_POLICY: VerifyPolicy = { attempts: 3, backoffMs: 1_000 };

/**
 * `checkCredentials` (its own short retries, token revoked) repeated a bounded number of rounds while `unknown`:
 * containment's own check that the leaked pair is refused afterwards.
 */
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
