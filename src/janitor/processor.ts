import { secretFingerprint, writeAudit, type AuditEvent, type AuditSink, type AuditStepTimings } from "../audit/index.js";
import type { Logger } from "../core/log.js";
import type { GenesysClient } from "../genesys/index.js";
import type { GitHubClient } from "../github/index.js";
import type { RotationDeps } from "../rotation/rotate-client.js";
import type { SlackClient } from "../slack/index.js";
import type { JanitorPolicy } from "./policy.js";
import { buildAuditEvent, type StepOutcomes } from "./steps/audit.js";
import { collect } from "./steps/collect.js";
import { containLeak } from "./steps/contain.js";
import { reasonOf, timed, type DeliveryContext } from "./steps/context.js";
import { resolveAlert } from "./steps/resolve.js";
import { TOLD_NOBODY, tellAfterContainment, tellHuman } from "./steps/tell.js";
import { checkWithRetries, engineVerifier, verify, type Verifier, type VerifyPolicy } from "./steps/verify.js";
import type { WorkItem } from "./work-item.js";

export { DEFAULT_VERIFY_POLICY, type VerifyPolicy, type Verifier } from "./steps/verify.js";

/** The janitor's own Genesys client, replaceable after it rotated its own secret. */
export interface JanitorGenesys {
  client(): GenesysClient;
  rotationDeps(): RotationDeps;
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
  genesys: JanitorGenesys;
  /** The `keyward:client-id` tag lookup; undefined when no managed secret carries the tag. */
  findSecretByClientId(clientId: string): Promise<string | undefined>;
  policy: JanitorPolicy;
  sinks: readonly AuditSink[];
  /** The key of the audit event's `kwf1_` fingerprint (`KEYWARD_FINGERPRINT_KEY`, README "Fingerprints"). */
  fingerprintKey: string | Buffer;
  logger: Logger;
  sleep?: (ms: number) => Promise<void>;
  verify?: VerifyPolicy;
  /** Step 2's seam; default: the liveness engine over the janitor's own org. */
  verifier?: Verifier;
}

export interface ProcessResult {
  event: AuditEvent;
  /** Worth delivering again later (the alert could not be read for a transient reason). */
  retry: boolean;
}

/**
 * Processes one queued delivery in named steps: collect → verify → contain → resolve → tell → audit. Each step
 * returns a typed outcome; the audit event is built from them by one pure function. Every step is safe to
 * repeat: a redelivery of a contained leak finds the secret dead (and the alert resolved) and does nothing again.
 * Never throws for what happens in Genesys, GitHub or Slack.
 */
export async function processWorkItem(item: WorkItem, deps: ProcessorDeps): Promise<ProcessResult> {
  const started = performance.now();
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const log = deps.logger.child({ deliveryId: item.deliveryId });
  const timings: AuditStepTimings = { fetchMs: 0, verifyMs: 0, containMs: 0, resolveMs: 0, notifyMs: 0, totalMs: 0 };
  const check = (clientId: string, secret: string) => checkWithRetries(clientId, secret, deps, sleep);
  const ctx: DeliveryContext = { item, deps, log, errors: [], timings, sleep, check, verifier: deps.verifier ?? engineVerifier(deps.genesys, { logger: log, sleep }) };

  try {
    await deps.genesys.refresh?.();
  } catch (err) {
    ctx.errors.push(`fetch:own-credentials-${reasonOf(err)}`);
  }
  const outcomes = await runSteps(ctx);
  timings.totalMs = Math.round(performance.now() - started);
  const event = buildAuditEvent({ ...outcomes, item, dryRun: deps.policy.dryRun, timings, errors: ctx.errors, time: new Date().toISOString() });
  const failed = await writeAudit(deps.sinks, event, log);
  if (failed.length) event.errors.push(...failed.map((s) => `audit:${s}`));
  log.info("delivery processed", { outcome: event.outcome, verdict: event.verdict, containment: event.containment, clientId: event.clientId });
  return { event, retry: outcomes.collect.kind === "failed" && outcomes.collect.retryable };
}

type Outcomes = Pick<StepOutcomes, "collect" | "secretFingerprint" | "verify" | "contain" | "resolve" | "tell">;

async function runSteps(ctx: DeliveryContext): Promise<Outcomes> {
  const { deps } = ctx;
  // 1. collect
  const collected = await timed(ctx, "fetchMs", () => collect(ctx));
  if (collected.kind === "failed") return { collect: collected, secretFingerprint: null };
  const { secret, candidates, facts, alert } = collected;
  if (!secret) return { collect: collected, secretFingerprint: null, tell: await timed(ctx, "notifyMs", () => tellHuman(ctx, "unpaired", facts)) };
  const secretFp = secretFingerprint(deps.fingerprintKey, secret);

  // 2. verify
  const verdict = await timed(ctx, "verifyMs", () => verify(ctx, secret, candidates, alert));
  const base = { collect: collected, secretFingerprint: secretFp, verify: verdict };
  switch (verdict.kind) {
    case "unpaired":
      return { ...base, tell: await timed(ctx, "notifyMs", () => tellHuman(ctx, "unpaired", facts)) };
    case "unknown":
      return { ...base, tell: await timed(ctx, "notifyMs", () => tellHuman(ctx, "unverified", { ...facts, ...(verdict.clientId ? { clientId: verdict.clientId } : {}) })) };
    case "dead":
      return base;
    case "live":
      break;
  }
  const clientId = verdict.clientId;

  // 3. contain
  const contained = await timed(ctx, "containMs", () => containLeak(ctx, clientId, secret));
  if (contained.kind === "dry-run") return { ...base, contain: contained, tell: TOLD_NOBODY };
  const action = contained.performed === "none" ? contained.decision.action : contained.performed;

  // 4. resolve
  const resolved = await timed(ctx, "resolveMs", () =>
    resolveAlert(ctx, { ...(alert ? { alert } : {}), contained: contained.kind === "contained", clientId, action, ...(contained.secretId ? { secretId: contained.secretId } : {}), ...(facts.commit ? { commit: facts.commit } : {}) }),
  );

  // 5. tell
  const told = await timed(ctx, "notifyMs", () =>
    tellAfterContainment(ctx, {
      outcome: contained.kind,
      ownClient: contained.ownClient,
      leak: { ...facts, clientId },
      action,
      ...(contained.secretId ? { secretId: contained.secretId } : {}),
      ...(collected.authorEmail ? { authorEmail: collected.authorEmail } : {}),
    }),
  );
  return { ...base, contain: contained, resolve: resolved, tell: told };
}
