import { AUDIT_SCHEMA, secretFingerprint, writeAudit, type AuditEvent, type AuditSink } from "../audit/index.js";
import { KeywardError } from "../core/errors.js";
import type { Logger } from "../core/log.js";
import { registerSecret } from "../core/redact.js";
import { checkCredentials, type GenesysClient } from "../genesys/index.js";
import type { AlertLocation, GitHubClient, SecretScanningAlert } from "../github/index.js";
import type { RotationDeps } from "../rotation/rotate-client.js";
import type { SlackClient } from "../slack/index.js";
import { FILES_BOUND, mergeCandidates, uuidsNear } from "./candidates.js";
import { contain } from "./contain.js";
import { decideAction, decideNotify, decideResolve, decideVerdict, type Verdict } from "./decide.js";
import { developerMessage, humanAlert, resolutionComment, type LeakFacts } from "./messages.js";
import type { JanitorPolicy } from "./policy.js";
import { ALERT_EVENT, type WorkItem } from "./work-item.js";

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

export interface VerifyPolicy {
  /** Rounds of `checkCredentials` (each with its own short retries) before a verdict stays `unknown`. */
  attempts: number;
  backoffMs: number;
}

export const DEFAULT_VERIFY_POLICY: VerifyPolicy = { attempts: 3, backoffMs: 1_000 };

export interface ProcessorDeps {
  github?: GitHubClient;
  slack?: SlackClient;
  fallbackChannel?: string;
  genesys: JanitorGenesys;
  /** The `keyward:client-id` tag lookup; undefined when no managed secret carries the tag. */
  findSecretByClientId(clientId: string): Promise<string | undefined>;
  policy: JanitorPolicy;
  sinks: readonly AuditSink[];
  fingerprintKey: Buffer;
  logger: Logger;
  sleep?: (ms: number) => Promise<void>;
  verify?: VerifyPolicy;
}

interface Collected {
  secret: string | undefined;
  candidates: string[];
  authorEmail?: string;
  alert?: SecretScanningAlert;
  facts: Omit<LeakFacts, "clientId">;
  location: AuditEvent["location"];
}

/**
 * Processes one queued delivery: collect → verify → contain → resolve → tell → audit. Every step is safe to
 * repeat: a redelivery of a contained leak finds the secret dead (and the alert resolved) and does nothing again.
 * Never throws for what happens in Genesys, GitHub or Slack; the one audit event says what happened. Returns the
 * event and whether the delivery is worth retrying (only when the alert could not be read for a transient reason).
 */
export async function processWorkItem(item: WorkItem, deps: ProcessorDeps): Promise<{ event: AuditEvent; retry: boolean }> {
  const started = performance.now();
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const log = deps.logger.child({ deliveryId: item.deliveryId });
  const timings = { fetchMs: 0, verifyMs: 0, containMs: 0, resolveMs: 0, notifyMs: 0, totalMs: 0 };
  const timed = async <T>(key: keyof typeof timings, run: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await run();
    } finally {
      timings[key] += Math.round(performance.now() - t0);
    }
  };
  const event: AuditEvent = {
    schema: AUDIT_SCHEMA,
    time: "",
    deliveryId: item.deliveryId,
    event: item.event,
    action: item.action,
    repository: item.repository,
    alertNumber: item.event === ALERT_EVENT ? item.alertNumber : null,
    location: null,
    clientId: null,
    secretFingerprint: null,
    candidates: 0,
    verdict: "none",
    containment: "none",
    outcome: "error",
    dryRun: deps.policy.dryRun,
    alertResolution: "not-applicable",
    notified: "none",
    ownClient: false,
    timings,
    errors: [],
  };
  let retry = false;
  const finish = async () => {
    timings.totalMs = Math.round(performance.now() - started);
    event.time = new Date().toISOString();
    const failed = await writeAudit(deps.sinks, event, log);
    if (failed.length) event.errors.push(...failed.map((s) => `audit:${s}`));
    log.info("delivery processed", { outcome: event.outcome, verdict: event.verdict, containment: event.containment, clientId: event.clientId });
    return { event, retry };
  };

  try {
    await deps.genesys.refresh?.();
  } catch (err) {
    event.errors.push(`fetch:own-credentials-${err instanceof KeywardError ? err.reason : "error"}`);
  }

  // ---- 1. collect ---------------------------------------------------------------------------------------
  let collected: Collected;
  try {
    collected = await timed("fetchMs", () => collect(item, deps, event.errors));
  } catch (err) {
    event.errors.push(`fetch:${err instanceof KeywardError ? err.reason : "error"}`);
    retry = err instanceof KeywardError && err.retryable;
    return finish();
  }
  const { secret, candidates, facts } = collected;
  event.location = collected.location;
  event.candidates = candidates.length;
  if (secret) event.secretFingerprint = secretFingerprint(deps.fingerprintKey, secret);
  const alertState = collected.alert ? { state: collected.alert.state, resolution: collected.alert.resolution } : undefined;

  if (!secret) {
    event.outcome = "unpaired";
    event.errors.push("fetch:alert-without-secret");
    await timed("notifyMs", () => notifyHuman("unpaired", facts, item.deliveryId, deps, event));
    return finish();
  }

  // ---- 2. trust but verify ------------------------------------------------------------------------------
  const check = (clientId: string, s: string) => checkWithRetries(clientId, s, deps, sleep);
  const verdicts: Verdict[] = [];
  await timed("verifyMs", async () => {
    for (const id of candidates) {
      const v = await check(id, secret);
      verdicts.push(v);
      if (v === "live") break;
    }
  });
  const verdict = decideVerdict({ verdicts, ...(alertState ? { alert: alertState } : {}) });
  switch (verdict.kind) {
    case "unpaired":
      event.outcome = "unpaired";
      await timed("notifyMs", () => notifyHuman("unpaired", facts, item.deliveryId, deps, event));
      return finish();
    case "unknown":
      event.verdict = "unknown";
      event.outcome = "unverified";
      event.clientId = candidates[verdicts.indexOf("unknown")] ?? null;
      await timed("notifyMs", () => notifyHuman("unverified", { ...facts, ...(event.clientId ? { clientId: event.clientId } : {}) }, item.deliveryId, deps, event));
      return finish();
    case "dead":
      event.verdict = "dead";
      event.outcome = verdict.alreadyContained ? "already-contained" : "not-live";
      event.alertResolution = alertState ? (alertState.state === "resolved" ? "already-resolved" : "left-open") : "not-applicable";
      return finish();
    case "live":
      break;
  }
  const clientId = candidates[verdict.index]!;
  event.verdict = "live";
  event.clientId = clientId;
  const ownClient = clientId === deps.genesys.ownClientId().toLowerCase();
  event.ownClient = ownClient;

  // ---- 3. contain ---------------------------------------------------------------------------------------
  let secretId = ownClient ? deps.genesys.ownSecretId : undefined;
  secretId ??= deps.policy.clients[clientId]?.secretId;
  if (!secretId) {
    try {
      secretId = await deps.findSecretByClientId(clientId);
    } catch (err) {
      event.errors.push(`contain:secret-lookup-${err instanceof KeywardError ? err.reason : "error"}`);
    }
  }
  const decision = decideAction({ clientId, policy: deps.policy, secretKnown: secretId !== undefined, ownClient });
  event.containment = decision.action;
  if (decision.requested) event.requestedAction = decision.requested;
  if (deps.policy.dryRun) {
    event.outcome = "dry-run";
    event.alertResolution = decideResolve({ ...(alertState ? { alert: alertState } : {}), contained: false, dryRun: true }) === "not-applicable" ? "not-applicable" : "left-open";
    if (secretId && decision.action === "rotate") event.secretId = secretId;
    log.info("dry run: decided, nothing changed", { clientId, action: decision.action });
    return finish();
  }
  const contained = await timed("containMs", () =>
    contain(decision.action, {
      clientId,
      leakedSecret: secret,
      genesys: deps.genesys.client(),
      rotationDeps: () => deps.genesys.rotationDeps(),
      ...(secretId ? { secretId } : {}),
      check,
      logger: log,
      sleep,
    }),
  );
  event.errors.push(...contained.errors);
  if (contained.performed !== "none") event.containment = contained.performed;
  if (contained.secretId) event.secretId = contained.secretId;
  event.outcome = contained.refused ? "contained" : "failed";
  if (ownClient && contained.refused) {
    try {
      await deps.genesys.reload(contained.secretId);
    } catch (err) {
      event.errors.push(`contain:own-reload-${err instanceof KeywardError ? err.reason : "error"}`);
    }
  }

  // ---- 4. resolve ---------------------------------------------------------------------------------------
  const action = contained.performed === "none" ? decision.action : contained.performed;
  await timed("resolveMs", async () => {
    const resolve = decideResolve({ ...(alertState ? { alert: alertState } : {}), contained: contained.refused, dryRun: false });
    event.alertResolution = resolve === "patch" ? "resolved" : resolve === "leave-open" ? "left-open" : resolve;
    const comment = resolutionComment(clientId, action, contained.secretId, item.deliveryId);
    if (resolve === "patch" && deps.github && item.event === ALERT_EVENT) {
      try {
        await deps.github.updateAlert(item.repository, item.alertNumber, { state: "resolved", resolution: "revoked", resolution_comment: comment });
      } catch (err) {
        // 403 (delegated dismissal) and 422 are recorded, never fatal.
        event.alertResolution = "failed";
        event.errors.push(`resolve:${err instanceof KeywardError ? err.reason : "error"}`);
      }
    }
    if (resolve === "not-applicable" && contained.refused && deps.github && item.repository && facts.commit) {
      try {
        await deps.github.createCommitComment(item.repository, facts.commit, comment);
      } catch (err) {
        event.errors.push(`resolve:comment-${err instanceof KeywardError ? err.reason : "error"}`);
      }
    }
  });

  // ---- 5. tell ------------------------------------------------------------------------------------------
  await timed("notifyMs", async () => {
    const notify = decideNotify({ outcome: event.outcome as "contained" | "failed", ownClient });
    const leak = { ...facts, clientId };
    let developerReached = false;
    if (notify.developer) {
      const text = developerMessage(leak, action, contained.secretId);
      developerReached = await notifyDeveloper(collected.authorEmail, text, deps, event);
    }
    if (notify.humanAlert) {
      await notifyHuman(notify.humanAlert, leak, item.deliveryId, deps, event, { developerNotified: developerReached });
    }
  });
  return finish();
}

async function collect(item: WorkItem, deps: ProcessorDeps, errors: string[]): Promise<Collected> {
  if (item.event !== ALERT_EVENT) {
    const f = item.finding;
    registerSecret(f.secret);
    return {
      secret: f.secret,
      candidates: [f.client_id],
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
    errors.push(`fetch:locations-${err instanceof KeywardError ? err.reason : "error"}`);
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
      errors.push(`fetch:${loc.type}-${err instanceof KeywardError ? err.reason : "error"}`);
    }
  }
  const fd = first?.details ?? {};
  const path = typeof fd.path === "string" ? fd.path : undefined;
  const line = typeof fd.start_line === "number" ? fd.start_line : undefined;
  const commit = typeof fd.commit_sha === "string" ? fd.commit_sha : undefined;
  return {
    secret,
    candidates: mergeCandidates([...near, ...inFiles]),
    ...(authorEmail ? { authorEmail } : {}),
    alert,
    facts: { repository: item.repository, ...(path ? { path } : {}), ...(line ? { line } : {}), ...(commit ? { commit } : {}), ...(alert.html_url ? { alertUrl: alert.html_url } : {}) },
    location: first ? { type: first.type, ...(path ? { path } : {}), ...(line ? { line } : {}), ...(commit ? { commit } : {}) } : null,
  };
}

/** `checkCredentials` (its own short retries, token revoked) repeated a bounded number of rounds while `unknown`. */
async function checkWithRetries(clientId: string, secret: string, deps: ProcessorDeps, sleep: (ms: number) => Promise<void>): Promise<Verdict> {
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

async function notifyDeveloper(email: string | undefined, text: string, deps: ProcessorDeps, event: AuditEvent): Promise<boolean> {
  if (deps.slack && email) {
    try {
      const user = await deps.slack.lookupByEmail(email);
      if (user) {
        await deps.slack.directMessage(user, { text });
        event.notified = "dm";
        return true;
      }
      event.errors.push("notify:slack-user-not-found");
    } catch (err) {
      event.errors.push(`notify:dm-${err instanceof KeywardError ? err.reason : "error"}`);
    }
  }
  if (await postFallback(text, deps, event)) event.notified = "fallback-channel";
  else if (event.notified === "none") event.notified = "failed";
  return false;
}

async function notifyHuman(kind: Parameters<typeof humanAlert>[0], facts: Parameters<typeof humanAlert>[1], deliveryId: string, deps: ProcessorDeps, event: AuditEvent, extra: { developerNotified?: boolean } = {}): Promise<void> {
  const text = humanAlert(kind, facts, deliveryId, extra);
  if (kind === "own-client") deps.logger.error("the janitor's own credentials leaked and were rotated", { clientId: facts.clientId, deliveryId });
  if (await postFallback(text, deps, event)) {
    if (event.notified === "none") event.notified = "fallback-channel";
  } else if (event.notified === "none") event.notified = "failed";
}

async function postFallback(text: string, deps: ProcessorDeps, event: AuditEvent): Promise<boolean> {
  if (!deps.slack || !deps.fallbackChannel) {
    event.errors.push("notify:no-fallback-channel");
    return false;
  }
  try {
    await deps.slack.postMessage(deps.fallbackChannel, { text });
    return true;
  } catch (err) {
    event.errors.push(`notify:fallback-${err instanceof KeywardError ? err.reason : "error"}`);
    return false;
  }
}
