/**
 * The one verification engine: is this secret still usable, and for which client of which org? `keyward
 * audit-state`, `keyward scan --verify` and the janitor all ask it. One engine serves one run:
 * - one cache: a (login endpoint, client id, secret) pair is granted at most once (twice when refused: an
 *   `invalid_client` is re-checked once before it counts); client look-ups and org listings are cached too;
 * - one limiter: at most `concurrency` grants in flight, one rate gate per login endpoint that every grant waits at;
 *   the token endpoint's limits (400 `invalid_request` "rate limit exceeded;", 429 + Retry-After) close the gate for
 *   the wait the answer states (else a doubling backoff), each wait capped, all waits counted against one budget;
 * - every token a verification mints is revoked at once (`probeCredentials`);
 * - the verdict comes from the one pure rule, `combine` (verdict.ts).
 * Flow for one secret: its candidate client ids, strongest provenance first, in every org (stop at the first live
 * one) → the state of its structural (and key-named) candidates, read with the org's credentials → when that proves
 * nothing, every active client-credentials client of each org the input may belong to ("the sweep").
 */
import { createHash } from "node:crypto";
import type { CandidateClientId, CandidateProvenance } from "../contracts/verdict.js";
import { silentLogger, type Logger } from "../core/log.js";
import { createLimiter } from "../core/limit.js";
import { registerSecret } from "../core/redact.js";
import {
  CHECK_RETRY_POLICY,
  createGenesysClient,
  findRegion,
  GenesysApiError,
  probeCredentials,
  RateGate,
  type CredentialProbe,
  type GenesysClient,
  type OAuthClient,
} from "../genesys/index.js";
import type { OrgConfig } from "./orgs.js";
import { combine, PROVENANCE_RANK, type ClientState, type LivenessVerdict, type OrgFact, type PairFact } from "./verdict.js";

export interface LivenessQuery {
  secret: string;
  /** Candidate client ids with where each came from; duplicates keep their strongest provenance. */
  candidates: readonly CandidateClientId[];
  /** The region the input names (provider block, login/api host), if any: only orgs there can prove it dead. */
  region?: string | undefined;
}

export interface LivenessStats {
  /** Token requests sent (each re-check and each retry after a rate limit counts). */
  grants: number;
  /** Pairs answered from the run's cache instead of a new grant. */
  cacheHits: number;
  /** `invalid_client` answers checked a second time. */
  rechecks: number;
  /** Pairs that minted a token (each token revoked at once). */
  live: number;
  /** `GET /api/v2/oauth/clients/{id}` look-ups and `GET /api/v2/oauth/clients` listings made. */
  lookups: number;
  listings: number;
  /** Clients the listings returned, summed over orgs. */
  listedClients: number;
  /** Sweeps run (one per secret and org). */
  sweeps: number;
  /** Times the run paused on a rate limit, and the milliseconds it waited in total (rate limits and backoff). */
  rateLimitPauses: number;
  waitedMs: number;
}

/** A configured org and, for the janitor, the Genesys client it already holds for it. */
export type EngineOrg = OrgConfig & { client?: () => GenesysClient };

export interface LivenessEngineOptions {
  orgs: readonly EngineOrg[];
  logger?: Logger;
  /** Grants in flight at once, across the run. Default 4. */
  concurrency?: number;
  /** Most token requests a run makes; past it, what is left is `unknown` (`grant-budget-exhausted`). Default 100,000. */
  maxGrants?: number;
  /** Most milliseconds a run spends waiting on rate limits and backoff, summed; default 10 minutes. */
  maxWaitMs?: number;
  /** Longest single pause on a rate limit; default 30 s. */
  maxPauseMs?: number;
  /** How many times a rate-limited pair is tried again (each after a pause); default 3. */
  rateLimitRounds?: number;
  /** Candidate ids tried per secret (strongest first); default 25. */
  maxCandidates?: number;
  /**
   * Where a live grant's token revocation goes instead of being awaited inline: the janitor runs it after the
   * delivery's critical steps (the token is still revoked before the delivery ends). Default: revoked at once.
   */
  deferRevoke?: (revoke: () => Promise<void>) => void;
  /** Tests: a stand-in for `probeCredentials`. */
  probe?: typeof probeCredentials;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface LivenessEngine {
  readonly orgs: readonly EngineOrg[];
  verify(query: LivenessQuery): Promise<LivenessVerdict>;
  stats(): LivenessStats;
}

export const DEFAULT_MAX_GRANTS = 100_000;
const RATE_LIMITED = new Set(["token-rate-limited", "rate-limited"]);
/** One retry inside a probe (a 5xx, a reset); rate limits are retried by the engine, after a pause every grant waits out. */
const PROBE_RETRY_POLICY = { ...CHECK_RETRY_POLICY, maxAttempts: 2 };
const LOOKED_UP: ReadonlySet<CandidateProvenance> = new Set(["structural", "key-named"]);

type Grant = { grant: "live" | "refused" } | { grant: "error"; error: string };

export function createLivenessEngine(options: LivenessEngineOptions): LivenessEngine {
  const orgs = options.orgs;
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const rawSleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const probe = options.probe ?? probeCredentials;
  const maxGrants = options.maxGrants ?? DEFAULT_MAX_GRANTS;
  const maxWaitMs = options.maxWaitMs ?? 600_000;
  const maxPauseMs = options.maxPauseMs ?? 30_000;
  const rounds = options.rateLimitRounds ?? 3;
  const maxCandidates = options.maxCandidates ?? 25;
  const stats: LivenessStats = { grants: 0, cacheHits: 0, rechecks: 0, live: 0, lookups: 0, listings: 0, listedClients: 0, sweeps: 0, rateLimitPauses: 0, waitedMs: 0 };
  // Every wait of the run goes through here, so the budget sees them all.
  const sleep = (ms: number) => {
    stats.waitedMs += ms;
    return rawSleep(ms);
  };
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const slots = createLimiter(concurrency);
  const gates = new Map<string, RateGate>();
  const gateFor = (loginBaseUrl: string) => {
    let gate = gates.get(loginBaseUrl);
    if (!gate) gates.set(loginBaseUrl, (gate = new RateGate({ now, sleep, maxPauseMs })));
    return gate;
  };
  const grants = new Map<string, Promise<Grant>>();
  const states = new Map<string, Promise<ClientState>>();
  const listings = new Map<string, Promise<OAuthClient[]>>();
  const clients = new Map<string, GenesysClient>();
  const clientOf = (org: EngineOrg): GenesysClient => {
    if (org.client) return org.client();
    let client = clients.get(org.name);
    if (!client) clients.set(org.name, (client = createGenesysClient(org.settings, { logger, sleep, now })));
    return client;
  };
  const hasCredentials = (org: EngineOrg) => org.client !== undefined || org.settings.credentials !== undefined;

  /** One pair at one login endpoint, cached for the run: live, refused (twice), or error after bounded retries. */
  function grant(org: EngineOrg, clientId: string, secret: string, secretKey: string): Promise<Grant> {
    const endpoints = org.settings.endpoints;
    const key = `${endpoints.loginBaseUrl}\0${clientId}\0${secretKey}`;
    const cached = grants.get(key);
    if (cached) {
      stats.cacheHits++;
      return cached;
    }
    const pending = slots(async (): Promise<Grant> => {
      const gate = gateFor(endpoints.loginBaseUrl);
      let refusedOnce = false;
      for (let round = 0; ; ) {
        if (stats.grants >= maxGrants) return { grant: "error", error: "grant-budget-exhausted" };
        if (stats.waitedMs >= maxWaitMs) return { grant: "error", error: "wait-budget-exhausted" };
        stats.grants++;
        let answer: CredentialProbe;
        try {
          answer = await probe(clientId, secret, endpoints, {
            logger,
            gate,
            sleep,
            now,
            retryPolicy: PROBE_RETRY_POLICY,
            ...(options.deferRevoke ? { deferRevoke: options.deferRevoke } : {}),
          });
        } catch (err) {
          answer = { status: "error", reason: err instanceof GenesysApiError ? err.reason : "error" };
        }
        if (answer.status === "live") {
          stats.live++;
          return { grant: "live" };
        }
        if (answer.status === "refused") {
          if (refusedOnce) return { grant: "refused" };
          refusedOnce = true;
          stats.rechecks++;
          continue;
        }
        if (!RATE_LIMITED.has(answer.reason) || ++round > rounds) return { grant: "error", error: answer.reason };
        // A stated wait longer than one pause may be is not waited for at all (as the retry policy does).
        if (answer.retryAfterSeconds !== undefined && answer.retryAfterSeconds * 1000 > maxPauseMs) return { grant: "error", error: answer.reason };
        const waitMs = Math.min(maxPauseMs, answer.retryAfterSeconds !== undefined ? answer.retryAfterSeconds * 1000 : 1000 * 2 ** (round - 1));
        stats.rateLimitPauses++;
        logger.debug("liveness: token endpoint rate limit, pausing", { org: org.name, waitMs, round });
        gate.pauseUntil(now() + waitMs, "token-rate-limit");
      }
    });
    grants.set(key, pending);
    return pending;
  }

  /** The client's state in `org`, read with the org's credentials; cached for the run. */
  function stateOf(org: EngineOrg, clientId: string): Promise<ClientState> {
    if (!hasCredentials(org)) return Promise.resolve("unreadable");
    const key = `${org.name}\0${clientId}`;
    let pending = states.get(key);
    if (!pending) {
      stats.lookups++;
      pending = clientOf(org)
        .oauthClients.get(clientId)
        .then((c): ClientState => (c.state === "active" || c.state === "inactive" || c.state === "disabled" || c.state === "deleted" ? c.state : "unreadable"))
        .catch((err: unknown): ClientState => {
          if (err instanceof GenesysApiError && (err.status === 404 || err.status === 410)) return "absent";
          logger.warn("liveness: could not read a client's state", { org: org.name, clientId, reason: err instanceof GenesysApiError ? err.reason : "error" });
          return "unreadable";
        });
      states.set(key, pending);
    }
    return pending;
  }

  /** Every OAuth client of the org (all pages), listed once per run. */
  function listingOf(org: EngineOrg): Promise<OAuthClient[]> {
    let pending = listings.get(org.name);
    if (!pending) {
      stats.listings++;
      pending = clientOf(org).oauthClients.list();
      pending.then((list) => (stats.listedClients += list.length)).catch(() => undefined);
      listings.set(org.name, pending);
    }
    return pending;
  }

  /** Tries the secret with every active client-credentials client of `org` not tried yet; stops at the first live one. */
  async function sweep(org: EngineOrg, secret: string, secretKey: string, pairs: PairFact[]): Promise<{ fact: OrgFact; live?: string }> {
    const fact: OrgFact = { org: org.name, applicable: true, credentials: true };
    let list: OAuthClient[];
    try {
      list = await listingOf(org);
    } catch (err) {
      const reason = err instanceof GenesysApiError ? err.reason : "error";
      logger.warn("liveness: could not list the org's clients", { org: org.name, reason });
      return { fact: { ...fact, sweep: "incomplete", sweepError: `listing-failed:${reason}` } };
    }
    stats.sweeps++;
    // The listing tells every refused candidate's state: a dormant one (its secret may work again) blocks the proof.
    const stateById = new Map(list.map((c) => [c.id.toLowerCase(), c.state]));
    for (const p of pairs) {
      const state = stateById.get(p.clientId);
      if (p.org === org.name && p.grant === "refused" && p.state === undefined && (state === "inactive" || state === "disabled")) p.state = state;
    }
    const credentialsClients = list.filter((c) => c.authorizedGrantType === "CLIENT-CREDENTIALS");
    const active = credentialsClients.filter((c) => c.state === "active");
    fact.swept = active.length;
    let live: string | undefined;
    let error: string | undefined;
    let next = 0;
    // A few workers pull the next client; once one pair is live (or one grant failed) nobody starts another.
    const worker = async () => {
      while (!live && !error && next < active.length) {
        const id = active[next++]!.id.toLowerCase();
        const result = await grant(org, id, secret, secretKey);
        if (result.grant === "live") live ??= id;
        else if (result.grant === "error") error ??= result.error;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    if (live) return { fact, live };
    return { fact: error ? { ...fact, sweep: "incomplete", sweepError: error } : { ...fact, sweep: "refused-all" } };
  }

  async function verify(query: LivenessQuery): Promise<LivenessVerdict> {
    registerSecret(query.secret);
    const secretKey = createHash("sha256").update(query.secret).digest("hex");
    const named = query.region ? findRegion(query.region)?.name : undefined;
    const applicable = orgs.filter((o) => !named || o.region === named);
    const order = [...applicable, ...orgs.filter((o) => !applicable.includes(o))];
    const candidates = strongestFirst(query.candidates).slice(0, maxCandidates);
    const pairs: PairFact[] = [];
    const facts = (): OrgFact[] => orgs.map((o) => ({ org: o.name, applicable: applicable.includes(o), credentials: hasCredentials(o) }));

    // 1. The candidates, strongest first, in every org: the first live pair settles it.
    for (const c of candidates) {
      for (const org of order) {
        const result = await grant(org, c.clientId, query.secret, secretKey);
        pairs.push({ org: org.name, clientId: c.clientId, provenance: c.provenance, ...result });
        if (result.grant === "live") return combine({ pairs, orgs: facts(), ...(named ? { namedRegion: named } : {}) });
      }
    }
    // 2. The state of refused structural and key-named candidates, where the org's credentials can read it.
    for (const p of pairs) {
      const org = applicable.find((o) => o.name === p.org);
      if (org && p.grant === "refused" && LOOKED_UP.has(p.provenance)) p.state = await stateOf(org, p.clientId);
    }
    const early = combine({ pairs, orgs: facts(), ...(named ? { namedRegion: named } : {}) });
    if (early.verdict === "dead" || applicable.length === 0) return early;
    // 3. The sweep: every active client-credentials client of each applicable org with credentials.
    const orgFacts = facts();
    for (const org of applicable) {
      if (!hasCredentials(org)) continue;
      const { fact, live } = await sweep(org, query.secret, secretKey, pairs);
      const i = orgFacts.findIndex((f) => f.org === org.name);
      orgFacts[i] = fact;
      if (live) {
        pairs.push({ org: org.name, clientId: live, provenance: "org", grant: "live" });
        break;
      }
    }
    return combine({ pairs, orgs: orgFacts, ...(named ? { namedRegion: named } : {}) });
  }

  return { orgs, verify, stats: () => ({ ...stats }) };
}

/** Canonical ids, each once with its strongest provenance, strongest first (stable otherwise). */
export function strongestFirst(candidates: readonly CandidateClientId[]): CandidateClientId[] {
  const best = new Map<string, CandidateClientId>();
  for (const c of candidates) {
    const id = c.clientId.trim().toLowerCase();
    const seen = best.get(id);
    if (!seen || PROVENANCE_RANK[c.provenance] < PROVENANCE_RANK[seen.provenance]) best.set(id, { clientId: id, provenance: c.provenance });
  }
  return [...best.values()].sort((a, b) => PROVENANCE_RANK[a.provenance] - PROVENANCE_RANK[b.provenance]);
}
