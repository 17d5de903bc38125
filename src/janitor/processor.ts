import { secretFingerprint, writeAudit, type AuditEvent, type AuditSink, type AuditStepTimings } from "../audit/index.js";
import type { Logger } from "../core/log.js";
import { withRedactionScope } from "../core/redact.js";
import type { GenesysClient } from "../genesys/index.js";
import type { GitHubClient } from "../github/index.js";
import type { RotationDeps } from "../rotation/rotate-client.js";
import type { SlackClient } from "../slack/index.js";
import { decideDisposition, decideNotify, triagedByHuman, type Disposition, type Verdict } from "./decide.js";
import type { LeakFacts } from "./messages.js";
import type { JanitorPolicy } from "./policy.js";
import { buildAuditEvent, outcomeOf, settledOf, type StepOutcomes } from "./steps/audit.js";
import { collect, locate, type FactsSoFar, type Located, type Locating } from "./steps/collect.js";
import { containLeak, planContainment, prepareRotation, type ContainmentPlan } from "./steps/contain.js";
import { reasonOf, timed, type DeliveryContext } from "./steps/context.js";
import { checkCandidatesManaged } from "./steps/repair.js";
import { resolveAlert } from "./steps/resolve.js";
import { tell, TOLD_NOBODY, type TellOutcome } from "./steps/tell.js";
import { checkWithRetries, engineVerifier, verify, type Verifier, type VerifyPolicy } from "./steps/verify.js";
import type { LivenessVerdict } from "../liveness/index.js";
import type { ManagedTargets } from "./targets.js";
import { verdictCache, type VerdictCache } from "./verdict-cache.js";
import { ALERT_EVENT, type WorkItem } from "./work-item.js";

export { DEFAULT_VERIFY_POLICY, type VerifyPolicy, type Verifier } from "./steps/verify.js";

/** The janitor's own Genesys client, replaceable after it rotated its own secret. */
export interface JanitorGenesys {
  client(): GenesysClient;
  /** The janitor's rotation dependencies (one set per Genesys client: the admin token and permission check are cached). */
  rotationDeps(): RotationDeps;
  /** Starts the reads a rotation of `clientId` into `secretId` begins with, so its guards cost no wait later. */
  prefetch?(clientId: string, secretId: string): Promise<void>;
  /** Re-reads the janitor's credentials from `secretId` (where a self-rotation stored them). */
  reload(secretId: string | undefined): Promise<void>;
  ownClientId(): string;
  /** Picks up credentials another instance rotated into the janitor's document (cheap; rate-limited inside). */
  refresh?(): Promise<void>;
  /** Where the janitor's own credential document lives, if anywhere. */
  ownSecretId?: string;
}

export interface ProcessorDeps {
  github?: GitHubClient;
  slack?: SlackClient;
  fallbackChannel?: string;
  /** Email domains a DM may go to (empty: no DMs, the fallback channel only). */
  dmDomains: readonly string[];
  genesys: JanitorGenesys;
  /** Managed secrets: the only places a new secret may go (src/janitor/targets.ts). */
  targets: ManagedTargets;
  policy: JanitorPolicy;
  /** `secret_type` values that are Genesys secrets (src/janitor/config.ts). */
  secretTypes: readonly string[];
  sinks: readonly AuditSink[];
  /** The key of the audit event's `kwf1_` fingerprint (`KEYWARD_FINGERPRINT_KEY`, README "Fingerprints"). */
  fingerprintKey: string | Buffer;
  logger: Logger;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  verify?: VerifyPolicy;
  /** Step 2's seam; default: the liveness engine over the janitor's own org. */
  verifier?: Verifier;
  /** Replays cost no more grants than one check (default: a cache per deps object). */
  verdicts?: VerdictCache;
  /** How long one try may take when the caller gives no deadline (default 5 min). */
  deliveryBudgetMs?: number;
  /** Tries of one delivery (default 5); the caller's count wins. */
  maxAttempts?: number;
}

export interface ProcessOptions {
  /** 1 for the first try. */
  attempt?: number;
  maxAttempts?: number;
  /** Epoch ms by which this try must be over (Lambda: its remaining time). */
  deadlineMs?: number;
  /**
   * Called once the critical part is over (the leak contained, or found not to need it): what remains (resolving,
   * telling, auditing) needs no share of the caller's concurrency, so the local queue frees the slot for the next leak.
   */
  criticalDone?: () => void;
}

export interface ProcessResult {
  event: AuditEvent;
  disposition: Disposition;
  /** Shorthand: `disposition.kind === "retry"`. */
  retry: boolean;
}

const defaultCaches = new WeakMap<ProcessorDeps, VerdictCache>();

/**
 * Processes one try of a queued delivery in named steps — collect → verify → contain → resolve → tell → audit — each
 * returning a typed outcome; the audit event is built from them by one pure function. Every step is safe to
 * repeat: a redelivery of a contained leak finds the secret dead (and the alert resolved) and does nothing again;
 * one whose containment was interrupted finds its managed secret dead and repairs it. What is not done yet
 * (rate limits, `unknown`, an unproven containment) is retried by the queue (`disposition`); after the last try a
 * human is told. Runs in its own redaction scope. Never throws for what happens in Genesys, GitHub or Slack.
 */
export function processWorkItem(item: WorkItem, deps: ProcessorDeps, options: ProcessOptions = {}): Promise<ProcessResult> {
  return withRedactionScope(() => processInScope(item, deps, options));
}

async function processInScope(item: WorkItem, deps: ProcessorDeps, options: ProcessOptions): Promise<ProcessResult> {
  const started = performance.now();
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const log = deps.logger.child({ deliveryId: item.deliveryId });
  const timings: AuditStepTimings = { fetchMs: 0, verifyMs: 0, containMs: 0, resolveMs: 0, notifyMs: 0, totalMs: 0 };
  const attempt = Math.max(1, options.attempt ?? 1);
  const maxAttempts = Math.max(1, options.maxAttempts ?? deps.maxAttempts ?? 5);
  // Deadlines are wall-clock (the clients' waits are); `deps.now` may be a test's clock for windows and the audit time.
  const deadlineMs = options.deadlineMs ?? Date.now() + (deps.deliveryBudgetMs ?? 300_000);
  let cache = deps.verdicts ?? defaultCaches.get(deps);
  if (!cache) defaultCaches.set(deps, (cache = verdictCache({ now })));
  const verdicts = cache;
  const laterTasks: Array<Promise<unknown>> = [];
  const later = (task: Promise<unknown>) => void laterTasks.push(task.catch(() => undefined));
  // Verification tokens are revoked after the critical steps (before the delivery ends), not on the way to containment.
  const deferRevoke = (revoke: () => Promise<void>) => later(revoke());
  const check = (clientId: string, secret: string): Promise<Verdict> => verdicts.check(clientId, secret, () => checkWithRetries(clientId, secret, deps, sleep, deferRevoke));
  const baseVerifier = deps.verifier ?? defaultVerifier(deps, sleep);
  const ctx: DeliveryContext = {
    item,
    deps,
    log,
    errors: [],
    timings,
    sleep,
    now: Date.now,
    deadlineMs,
    attempt,
    lastAttempt: attempt >= maxAttempts,
    ...(deps.github ? { github: deps.github.withDeadline(deadlineMs) } : {}),
    ...(deps.slack ? { slack: deps.slack.withDeadline(deadlineMs) } : {}),
    check,
    verdicts,
    verifier: provenDeadFirst((query) => baseVerifier(query, { deferRevoke }), verdicts),
    later,
  };

  try {
    await deps.genesys.refresh?.();
  } catch (err) {
    ctx.errors.push(`fetch:own-credentials-${reasonOf(err)}`);
  }
  const outcomes = await runSteps(ctx, options.criticalDone ?? (() => undefined));
  options.criticalDone?.();
  // The tells decided after the steps: a human hears about what is not settled only when no try follows.
  const state = settledOf(outcomes);
  const disposition = decideDisposition({ ...state, attempt, maxAttempts });
  if (disposition.kind === "done" && !state.settled) {
    const kind =
      decideNotify({ outcome: outcomeOf(outcomes), ownClient: false, lastAttempt: true, dryRun: deps.policy.dryRun }).humanAlert || (deps.policy.dryRun ? false : "gave-up");
    if (kind) {
      const facts = factsOf(ctx, outcomes.collect.kind === "collected" ? outcomes.collect.facts : undefined, outcomes.located);
      const clientId = outcomes.verify && outcomes.verify.kind !== "unpaired" && "clientId" in outcomes.verify ? outcomes.verify.clientId : null;
      const told = await timed(ctx, "notifyMs", () =>
        tell(ctx, { human: { kind, facts: { ...facts, ...(clientId ? { clientId } : {}) }, extra: { tries: attempt, why: whyOf(outcomes, ctx.errors) } } }),
      );
      outcomes.tell = { notified: outcomes.tell?.notified === "dm" ? "dm" : told.notified };
    }
  }
  await Promise.all(laterTasks);
  timings.totalMs = Math.round(performance.now() - started);
  const event = buildAuditEvent({ ...outcomes, item, dryRun: deps.policy.dryRun, attempt, disposition, timings, errors: ctx.errors, time: new Date(now()).toISOString() });
  const failed = await writeAudit(deps.sinks, event, log);
  if (failed.length) event.errors.push(...failed.map((s) => `audit:${s}`));
  log.info("delivery processed", { outcome: event.outcome, verdict: event.verdict, containment: event.containment, clientId: event.clientId, attempt, retryInMs: event.retryInMs });
  return { event, disposition, retry: disposition.kind === "retry" };
}

type Outcomes = Omit<StepOutcomes, "item" | "dryRun" | "attempt" | "disposition" | "timings" | "errors" | "time">;

async function runSteps(ctx: DeliveryContext, criticalDone: () => void): Promise<Outcomes> {
  const { deps, item } = ctx;
  // ---- 1. collect: the alert and its secret (the only call before the secret is known) -------------------------
  const collected = await timed(ctx, "fetchMs", () => collect(ctx));
  if (collected.kind !== "collected") return { collect: collected, secretFingerprint: null };
  const { secret, alert } = collected;
  if (!secret) return { collect: collected, secretFingerprint: null, tell: await timed(ctx, "notifyMs", () => tell(ctx, { human: { kind: "unpaired", facts: collected.facts } })) };
  const secretFp = secretFingerprint(deps.fingerprintKey, secret);
  const triaged = triagedByHuman(alert, deps.policy);

  // ---- 2. verify, while the locations are read: candidates as soon as each is known ---------------------------
  // Managed clients whose stored secret is this one come first: for them the critical path is alert → grant → regenerate.
  const locating: Locating | undefined = item.event === ALERT_EVENT && ctx.github ? locate(ctx, ctx.github, item.repository, item.alertNumber, secret) : undefined;
  const plans = new Map<string, ContainmentPlan>();
  const planFor = (id: string) => plans.get(id) ?? plans.set(id, planContainment(ctx, id)).get(id)!;
  const managed = deps.targets.clientsHolding(secret);
  const candidates = locating?.done.then((l) => l.candidates);
  const nearby = locating?.near;
  // A managed client holding this very secret: its rotation's guards and lock run beside the grant, waiting to be told.
  const prepared = managed[0] && !triaged && !deps.policy.dryRun ? prepareRotation(ctx, planFor(managed[0])) : undefined;
  let verdict: Awaited<ReturnType<typeof verify>>;
  try {
    verdict = await timed(ctx, "verifyMs", () =>
      verify(
        ctx,
        secret,
        { managed, named: collected.named, ...(candidates ? { located: candidates } : {}), ...(nearby ? { nearby } : {}) },
        alert,
        triaged ? undefined : (id) => void planFor(id),
      ),
    );
  } catch (err) {
    // A rotation waiting for a verdict that will not come is called off (its lock released) before the error goes on.
    await prepared?.settle(undefined);
    throw err;
  }
  // Called off unless proven live for its client: its lock is released before anything else (the repair path, a
  // rotation of another client) runs.
  const provenHere = (await prepared?.settle(verdict)) ?? false;
  const located = async () => (locating ? await timed(ctx, "fetchMs", () => locating.done) : undefined);
  const base: Outcomes = { collect: collected, secretFingerprint: secretFp, verify: verdict, ...(triaged ? { triaged } : {}) };

  switch (verdict.kind) {
    case "unpaired": {
      const loc = await located();
      return {
        ...base,
        ...(loc ? { located: loc } : {}),
        tell: await timed(ctx, "notifyMs", () => tell(ctx, { human: { kind: "unpaired", facts: factsOf(ctx, collected.facts, loc) } })),
      };
    }
    case "unknown": {
      const loc = await located();
      // Not yet: the delivery is retried (the token endpoint may be rate limited); the last try tells a human.
      return { ...base, ...(loc ? { located: loc } : {}) };
    }
    case "dead": {
      const loc = await located();
      const ids = [...new Set([...verdict.clientIds, ...managed, ...collected.named.map((c) => c.clientId), ...(loc?.candidates ?? []).map((c) => c.clientId)])];
      const health = await timed(ctx, "containMs", () => checkCandidatesManaged(ctx, ids, secret, alert));
      const repaired = health.find((h) => h.kind === "repaired");
      const rotatedAfter = health.find((h) => h.kind === "healthy" && h.rotatedAfter);
      const facts = factsOf(ctx, collected.facts, loc);
      const out: Outcomes = { ...base, ...(loc ? { located: loc } : {}), health };
      if (repaired || (rotatedAfter && alert?.state === "open")) {
        const fixed = (repaired ?? rotatedAfter)!;
        const [resolved, told] = await Promise.all([
          timed(ctx, "resolveMs", () =>
            resolveAlert(ctx, { ...(alert ? { alert } : {}), contained: true, clientId: fixed.clientId, action: repaired ? "repair" : "rotate", secretId: fixed.secretId }),
          ),
          repaired
            ? timed(ctx, "notifyMs", () => tell(ctx, { human: { kind: "repaired", facts: { ...facts, clientId: fixed.clientId }, extra: { secretId: fixed.secretId } } }))
            : Promise.resolve(TOLD_NOBODY),
        ]);
        return { ...out, resolve: resolved, tell: told };
      }
      return out;
    }
    case "live":
      break;
  }
  const clientId = verdict.clientId;
  if (triaged) {
    const loc = await located();
    const why = alert?.resolution ?? "triaged";
    return {
      ...base,
      ...(loc ? { located: loc } : {}),
      tell: await timed(ctx, "notifyMs", () => tell(ctx, { human: { kind: "triaged", facts: { ...factsOf(ctx, collected.facts, loc), clientId }, extra: { why } } })),
    };
  }

  // ---- 3. contain ---------------------------------------------------------------------------------------------------
  const contained = await timed(ctx, "containMs", () => containLeak(ctx, planFor(clientId), secret, provenHere ? prepared : undefined));
  criticalDone();
  if (contained.kind === "contained") ctx.verdicts.remember(ANY_CLIENT, secret, "dead");
  const loc = await located();
  const facts = factsOf(ctx, collected.facts, loc);
  const out: Outcomes = { ...base, ...(loc ? { located: loc } : {}), contain: contained };
  if (contained.kind === "dry-run") return { ...out, tell: TOLD_NOBODY };
  if (contained.kind === "refused") return { ...out, tell: await timed(ctx, "notifyMs", () => tell(ctx, { human: { kind: "own-client-manual", facts: { ...facts, clientId } } })) };
  const action = contained.performed === "none" ? contained.decision.action : contained.performed;
  const authorEmail = collected.authorEmail ?? loc?.authorEmail;

  // ---- 4. resolve and 5. tell, side by side -----------------------------------------------------------------------
  const took = contained.kind === "contained" || contained.kind === "unconfirmed";
  const [resolved, told] = await Promise.all([
    timed(ctx, "resolveMs", () =>
      resolveAlert(ctx, {
        ...(alert ? { alert } : {}),
        contained: contained.kind === "contained",
        ...(contained.performed !== "none" ? { performed: contained.performed } : {}),
        clientId,
        action: action === "none" ? "revoke" : action,
        ...(contained.secretId ? { secretId: contained.secretId } : {}),
        ...(facts.commit ? { commit: facts.commit } : {}),
      }),
    ),
    took && action !== "none"
      ? timed(ctx, "notifyMs", () =>
          tell(ctx, {
            developer: {
              leak: { ...facts, clientId },
              action,
              ...(contained.secretId ? { secretId: contained.secretId } : {}),
              confirmed: contained.kind === "contained",
              ...(authorEmail ? { authorEmail } : {}),
            },
            ...(contained.ownClient ? { human: { kind: "own-client" as const, facts: { ...facts, clientId } } } : {}),
          }),
        )
      : Promise.resolve<TellOutcome>(TOLD_NOBODY),
  ]);
  return { ...out, resolve: resolved, tell: told };
}

/** The replay cache's key for "this secret, whichever client": a secret proven dead stays dead. */
const ANY_CLIENT = "*";
const defaultVerifiers = new WeakMap<ProcessorDeps, Verifier>();

function defaultVerifier(deps: ProcessorDeps, sleep: (ms: number) => Promise<void>): Verifier {
  let v = defaultVerifiers.get(deps);
  if (!v) defaultVerifiers.set(deps, (v = engineVerifier(deps.genesys, { logger: deps.logger, sleep })));
  return v;
}

/**
 * Replays cost no more grants than one check: a secret proven dead (by the engine, or refused after this janitor
 * contained it) is answered from the replay cache for its window, without asking the engine again.
 */
function provenDeadFirst(verifier: Verifier, cache: VerdictCache): Verifier {
  return async (query) => {
    let fresh: LivenessVerdict | undefined;
    const verdict = await cache.check(ANY_CLIENT, query.secret, async () => {
      fresh = await verifier(query);
      return fresh.verdict === "dead" ? "dead" : "unknown";
    });
    if (fresh) return fresh;
    if (verdict === "dead")
      return { verdict: "dead", proof: "structural-refused-active", orgs: [], detail: "proven dead within the replay window (refused after containment, or proven by the engine)" };
    return verifier(query);
  };
}

function factsOf(ctx: DeliveryContext, collected: FactsSoFar | undefined, located: Located | undefined): Omit<LeakFacts, "clientId"> {
  const item = ctx.item;
  return {
    repository: item.repository,
    ...(item.event === ALERT_EVENT ? { alertNumber: item.alertNumber } : {}),
    ...collected,
    ...located?.facts,
  };
}

function whyOf(o: Outcomes, errors: readonly string[]): string {
  if (o.collect.kind === "failed") return o.collect.reason;
  if (o.verify?.kind === "unknown") return "liveness unknown";
  return errors.find((e) => e.startsWith("contain:") || e.startsWith("repair:")) ?? outcomeOf(o);
}
