import { randomUUID } from "node:crypto";
import { KeywardError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import type { Logger } from "../core/log.js";
import { registerClientSecret } from "../core/redact.js";
import type { OAuthClient } from "../genesys/types.js";
import type { SecretStore, StoredCredentials } from "../secrets/index.js";
import { CLIENT_ID_TAG, parseStoredCredentials, SecretsError, serializeStoredCredentials } from "../secrets/index.js";
import { decideAfterVerify, decidePreflight, isSecretArn, needsOwnCheck, type Liveness } from "./decide.js";
import { ConflictError, NotStoredError, NotVerifiedError, PreflightError } from "./errors.js";
import type { RunGate } from "./interrupt.js";

/** One entry of a rotation: which OAuth client, and which Secrets Manager secret receives its credentials. */
export interface RotationTarget {
  clientId?: string;
  clientName?: string;
  secretId: string;
}

/** What a rotation needs from the outside world; each piece is a narrow interface the caller wires. */
export interface RotationDeps {
  genesys: {
    /** The admin client's own id (rotating it kills the credentials the run itself uses). */
    adminClientId: string;
    /** Proves the admin credentials work (a token grant; cached). */
    adminToken(): Promise<unknown>;
    /**
     * The permissions a rotation needs that the admin client's roles do not grant (`oauth:client:edit`, …), read
     * from its roles; empty when all are there; undefined when the roles cannot be read (no
     * `authorization:role:view`): the check is then skipped and the dry run says so. Cached per run.
     */
    missingPermissions?(): Promise<string[] | undefined>;
    getClient(id: string): Promise<OAuthClient>;
    listClients(): Promise<OAuthClient[]>;
    /** `POST /api/v2/oauth/clients/{id}/secret`: returns the new secret. */
    regenerateSecret(id: string): Promise<string>;
  };
  store: SecretStore;
  /** Token grant with the given pair: live / dead / unknown. */
  check(clientId: string, secret: string): Promise<Liveness>;
  /** `GENESYSCLOUD_REGION` written into the stored value. */
  region: string;
  gateway?: StoredCredentials["gateway"];
  logger: Logger;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface RotationPolicy {
  /** PutSecretValue attempts after a regenerate (each on top of the SDK's own retries), same ClientRequestToken. */
  storeAttempts: number;
  storeBackoffMs: number;
  /** Reads of AWSCURRENT before giving up (or regenerating again). */
  verifyAttempts: number;
  verifyBackoffMs: number;
  /** Extra regenerates when a racing run left a dead value at AWSCURRENT. */
  maxReRotations: number;
  /** Attempts of the regenerate call itself when it fails in a way that may be transient. */
  regenerateAttempts: number;
  regenerateBackoffMs: number;
  /**
   * Longest time from a regenerate to the end of its store + verify. Past it no further store or verify attempt
   * starts (exit 3 or 4), so a stop request or a Lambda deadline waits for a bounded time.
   */
  criticalBudgetMs: number;
}

export const DEFAULT_ROTATION_POLICY: RotationPolicy = {
  storeAttempts: 4,
  storeBackoffMs: 400,
  verifyAttempts: 6,
  verifyBackoffMs: 150,
  maxReRotations: 3,
  regenerateAttempts: 3,
  regenerateBackoffMs: 500,
  criticalBudgetMs: 120_000,
};

/**
 * The worst case of one critical section: every regenerate attempt timing out with its backoff, then the bounded
 * store + verify budget, plus one request that may overrun it. A run must not start a regenerate with less time
 * left than this (the scheduled-rotation Lambda checks its remaining time against it).
 */
export function worstCaseCriticalMs(policy: RotationPolicy, requestTimeoutMs: number): number {
  let regenerate = 0;
  for (let attempt = 1; attempt <= policy.regenerateAttempts; attempt++) regenerate += requestTimeoutMs + policy.regenerateBackoffMs * 2 ** (attempt - 1);
  return regenerate + policy.criticalBudgetMs + requestTimeoutMs;
}

export interface RotateOptions {
  createSecret?: boolean;
  dryRun?: boolean;
  policy?: Partial<RotationPolicy>;
  /**
   * Called with every new secret the moment Genesys returns it, before anything else touches it
   * (GitHub Actions masking). Must not store or print the value.
   */
  onNewSecret?: (clientId: string, secret: string) => void | Promise<void>;
  /**
   * Allow writing over a secret that belongs to another client (its tag or its stored document says so), and
   * move this client's claim away from any other secret that holds it (`--take-over`).
   */
  takeOver?: boolean;
  /** Allow rotating the admin client itself (`--rotate-self`). */
  rotateSelf?: boolean;
  /** Critical sections and stop requests (signals, deadlines): no regenerate starts once a stop is requested. */
  gate?: RunGate;
}

export interface RotationTimings {
  preflightMs: number;
  regenerateMs: number;
  storeMs: number;
  verifyMs: number;
  totalMs: number;
}

/** The report of one rotation. Never contains a secret. */
export interface RotationResult {
  clientId: string;
  clientName?: string;
  secretId: string;
  secretArn?: string;
  /** Version at AWSCURRENT that was verified. */
  versionId?: string;
  status: "rotated" | "dry-run" | "failed" | "skipped";
  exitCode: ExitCode;
  /** Short slug of the failure, e.g. `not-stored`, `client-not-active`. */
  reason?: string;
  message?: string;
  hint?: string;
  /** Regenerates performed (more than 1 only when a concurrent run raced this one). */
  regenerations: number;
  /** True when the verified AWSCURRENT value was written by a concurrent run. */
  superseded?: boolean;
  createdSecret?: boolean;
  /** Secrets that held this client's claim before `--take-over` moved it here. */
  tookOverFrom?: string[];
  /** The admin client rotated itself: its own environment's secret is now invalid. */
  selfRotated?: boolean;
  plan?: { clientState: string; secretExists: boolean; wouldCreateSecret: boolean; steps: string[] };
  timings: RotationTimings;
}

/**
 * Rotates one client: guards, then regenerate → PutSecretValue (one ClientRequestToken per regenerate)
 * → verify the value at AWSCURRENT with a token grant. Throws nothing: failures come back as a result with
 * an exit code, so a fleet can continue past them.
 */
export async function rotateClient(target: RotationTarget, deps: RotationDeps, options: RotateOptions = {}): Promise<RotationResult> {
  const policy = { ...DEFAULT_ROTATION_POLICY, ...options.policy };
  const run = runContext(deps, policy);
  const started = performance.now();
  const timings: RotationTimings = { preflightMs: 0, regenerateMs: 0, storeMs: 0, verifyMs: 0, totalMs: 0 };
  const result: RotationResult = {
    clientId: target.clientId ?? "",
    ...(target.clientName ? { clientName: target.clientName } : {}),
    secretId: target.secretId,
    status: "failed",
    exitCode: ExitCode.Failed,
    regenerations: 0,
    timings,
  };
  let log = deps.logger.child({ secretId: target.secretId, ...(target.clientId ? { clientId: target.clientId } : {}) });
  const timed = async <T>(key: keyof RotationTimings, run: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await run();
    } finally {
      timings[key] += Math.round(performance.now() - t0);
    }
  };

  let release: (() => Promise<void>) | undefined;
  try {
    // ---- guards: nothing changes until all of them pass ------------------------------------------------
    const pre = await timed("preflightMs", () =>
      preflight(target, deps, options, (client) => {
        result.clientId = client.id;
        result.clientName = client.name;
      }),
    );
    result.clientId = pre.client.id;
    result.clientName = pre.client.name;
    log = deps.logger.child({ clientId: pre.client.id, secretId: target.secretId });
    if (pre.secretArn) result.secretArn = pre.secretArn;

    if (options.dryRun) {
      result.status = "dry-run";
      result.exitCode = ExitCode.Ok;
      result.plan = {
        clientState: pre.client.state ?? "active",
        secretExists: pre.secretArn !== undefined,
        wouldCreateSecret: pre.createSecret,
        steps: [
          ...(pre.createSecret ? [`CreateSecret ${target.secretId} (tag ${CLIENT_ID_TAG}=${pre.client.id})`] : []),
          ...(pre.otherClaims.length ? [`move the claim from ${pre.otherClaims.join(", ")} (--take-over)`] : []),
          `POST /api/v2/oauth/clients/${pre.client.id}/secret`,
          `PutSecretValue ${pre.secretArn ?? target.secretId} (AWSCURRENT)`,
          "verify AWSCURRENT with a client-credentials token grant",
          ...(pre.permissionsChecked ? [] : ["(not checked: whether the admin holds oauth:client:edit — it cannot read its roles without authorization:role:view)"]),
        ],
      };
      log.info("dry run: preflight passed", { clientState: result.plan.clientState });
      return result;
    }

    // ---- claim: this secret holds this client, and no other secret does (one client, one secret) -------------
    const claim = await timed("preflightMs", () => claimSecret(target, pre, deps, options, log));
    release = claim.release;
    const secretArn = claim.secretArn;
    result.secretArn = secretArn;
    if (claim.created) result.createdSecret = true;
    if (claim.tookOverFrom.length) result.tookOverFrom = claim.tookOverFrom;
    const clientId = pre.client.id;
    const self = clientId === deps.genesys.adminClientId;

    // ---- regenerate → store → verify, converging with concurrent runs ------------------------------------
    for (let round = 0; round <= policy.maxReRotations; round++) {
      const stop = options.gate?.stopReason;
      if (stop) {
        if (round === 0) {
          await release?.();
          release = undefined;
          return skipped(result, stop, log);
        }
        throw new NotVerifiedError(clientId, secretArn, "dead");
      }
      const leave = options.gate?.enter({ clientId, secretId: target.secretId });
      try {
        let secret: string;
        try {
          secret = await timed("regenerateMs", () => regenerate(run, clientId, target.secretId));
        } catch (err) {
          // Nothing was changed in Genesys: the claim this run added (or the empty container it made) is undone.
          // A regenerate that may have happened keeps it: the re-run stores into the same secret.
          if (!(err instanceof NotStoredError)) await release?.();
          release = undefined;
          throw err;
        }
        release = undefined;
        run.criticalUntil = performance.now() + policy.criticalBudgetMs;
        registerClientSecret(clientId, secret);
        result.regenerations++;
        if (self) result.selfRotated = true;
        await options.onNewSecret?.(clientId, secret);
        log.info("regenerated client secret", { round });

        const value = serializeStoredCredentials({
          clientId,
          clientSecret: secret,
          region: deps.region,
          rotatedAt: new Date().toISOString(),
          rotatedBy: "keyward",
          ...(deps.gateway ? { gateway: deps.gateway } : {}),
        });
        let ourVersion = await timed("storeMs", () => store(run, clientId, secretArn, value, target.secretId));
        log.info("stored new secret", { secretArn, versionId: ourVersion });

        const outcome = await timed("verifyMs", () =>
          verify(run, { clientId, secretArn, secret, value, reRotationsLeft: policy.maxReRotations - round }, (v) => {
            ourVersion = v;
          }),
        );
        if (outcome.kind === "verified") {
          result.status = "rotated";
          result.exitCode = ExitCode.Ok;
          result.versionId = outcome.versionId;
          if (outcome.versionId !== ourVersion) result.superseded = true;
          log.info("verified AWSCURRENT", { versionId: outcome.versionId, superseded: result.superseded ?? false });
          return result;
        }
        if (outcome.kind === "failed") throw new NotVerifiedError(clientId, secretArn, outcome.why);
      } finally {
        leave?.();
      }
      log.warn("AWSCURRENT does not authenticate after waiting for concurrent runs; regenerating again", { round });
      await run.sleep(Math.round(run.random() * 300));
    }
    throw new NotVerifiedError(clientId, secretArn, "dead");
  } catch (err) {
    const e = asKeywardError(err);
    result.status = "failed";
    result.exitCode = e.exitCode === ExitCode.Ok ? ExitCode.Failed : e.exitCode;
    result.reason = e.reason;
    result.message = e.message;
    if (e.hint) result.hint = e.hint;
    log.info("rotation failed", { reason: e.reason, exitCode: result.exitCode });
    await release?.();
    return result;
  } finally {
    timings.totalMs = Math.round(performance.now() - started);
  }
}

interface Preflight {
  client: OAuthClient;
  secretArn: string | undefined;
  createSecret: boolean;
  /** The secret's tags when it exists. */
  tags: Record<string, string>;
  /** Other secrets whose `keyward:client-id` tag names this client (allowed only with --take-over). */
  otherClaims: string[];
  /** False when the admin's roles could not be read, so oauth:client:edit was not checked. */
  permissionsChecked: boolean;
}

async function preflight(target: RotationTarget, deps: RotationDeps, options: RotateOptions, onClient: (client: OAuthClient) => void): Promise<Preflight> {
  await deps.genesys.adminToken();
  const missing = await deps.genesys.missingPermissions?.();
  if (missing && missing.length > 0) {
    throw new PreflightError(
      `the admin OAuth client's roles do not grant ${missing.join(", ")}, which rotating a client needs`,
      "admin-permission-missing",
      `add ${missing.join(" and ")} to a role of the admin client (GENESYSCLOUD_OAUTHCLIENT_ID) in Admin > Roles/Permissions`,
      ExitCode.Usage,
    );
  }
  const client = await resolveClient(target, deps);
  onClient(client);
  if (client.id === deps.genesys.adminClientId && !options.rotateSelf) {
    throw new PreflightError(
      `client ${client.id} is the admin client this run authenticates as; rotating it invalidates GENESYSCLOUD_OAUTHCLIENT_SECRET`,
      "rotates-admin-client",
      "rotate the admin client with a different admin client, or pass --rotate-self (the new secret then lives only in the target secret; update the admin credentials from there)",
      ExitCode.Usage,
    );
  }
  let secret: { exists: false } | { exists: true; deletedDate?: Date | undefined; arn: string; tags: Record<string, string>; hasCurrent: boolean };
  try {
    const d = await deps.store.describe(target.secretId);
    const hasCurrent = Object.values(d.versionIdsToStages).some((stages) => stages.includes("AWSCURRENT"));
    secret = { exists: true, deletedDate: d.deletedDate, arn: d.arn, tags: d.tags ?? {}, hasCurrent };
  } catch (err) {
    if (err instanceof SecretsError && err.reason === "secret-not-found") secret = { exists: false };
    else throw err;
  }
  const decision = decidePreflight({
    clientState: client.state,
    secret,
    createSecret: options.createSecret ?? false,
    secretIdIsArn: isSecretArn(target.secretId),
  });
  if (!decision.ok) {
    const p = decision.problem;
    switch (p.kind) {
      case "client-not-active":
        throw new PreflightError(
          `client ${client.id} is ${p.state}; only active clients are rotated`,
          "client-not-active",
          `set the client's state to active (Terraform \`state = "active"\`) or remove it from the rotation`,
        );
      case "secret-missing":
        throw new PreflightError(
          `secret ${target.secretId} does not exist in Secrets Manager`,
          "secret-missing",
          "create the container first (keyward's clients stack does) or pass --create-secret",
        );
      case "secret-scheduled-for-deletion":
        throw new PreflightError(
          `secret ${target.secretId} is scheduled for deletion on ${p.deletedDate.toISOString()}`,
          "secret-scheduled-for-deletion",
          `restore it with \`aws secretsmanager restore-secret --secret-id ${target.secretId}\` or use another secret`,
        );
      case "secret-arn-not-creatable":
        throw new PreflightError(
          `secret ${target.secretId} does not exist and --create-secret needs a name, not an ARN`,
          "secret-missing",
          "pass the secret's name as --secret-id together with --create-secret",
          ExitCode.Usage,
        );
    }
  }
  // ---- one secret, one client: never overwrite another client's live credentials ---------------------------
  if (secret.exists) {
    const owner = secret.tags[CLIENT_ID_TAG];
    if (owner !== undefined && owner !== client.id && !options.takeOver) {
      throw sharedSecretError(target.secretId, client.id, owner, "its tag keyward:client-id");
    }
    if (secret.hasCurrent) {
      const current = await deps.store.getValue(secret.arn, "AWSCURRENT");
      const doc = parseStoredCredentials(current.value);
      if (!options.takeOver) {
        if (!doc) {
          throw new PreflightError(
            `secret ${target.secretId} holds a value that is not a keyward credential document; rotating into it would overwrite it`,
            "secret-holds-other-value",
            "use a secret that only keyward writes, or pass --take-over to replace its value",
            ExitCode.Usage,
          );
        }
        if (doc.clientId !== client.id) throw sharedSecretError(target.secretId, client.id, doc.clientId, "its current value");
      }
    }
  }
  const arn = secret.exists ? secret.arn : undefined;
  const otherClaims = (await deps.store.listTagged(CLIENT_ID_TAG, client.id)).map((s) => s.arn).filter((a) => a !== arn);
  if (otherClaims.length > 0 && !options.takeOver) throw claimedElsewhereError(client.id, target.secretId, otherClaims);
  return { client, secretArn: arn, createSecret: decision.createSecret, tags: secret.exists ? secret.tags : {}, otherClaims, permissionsChecked: missing !== undefined };
}

function sharedSecretError(secretId: string, clientId: string, owner: string, how: string): PreflightError {
  return new PreflightError(
    `secret ${secretId} belongs to client ${owner} (${how}), not to ${clientId}; rotating into it would overwrite ${owner}'s credentials`,
    "secret-belongs-to-other-client",
    `give each client its own secret; pass --take-over only if ${secretId} should now hold ${clientId} instead of ${owner}`,
    ExitCode.Usage,
  );
}

function claimedElsewhereError(clientId: string, secretId: string, others: string[]): PreflightError {
  return new PreflightError(
    `client ${clientId} is already rotated into ${others.join(", ")} (tag keyward:client-id); rotating it into ${secretId} too would leave a dead secret there`,
    "client-claimed-by-other-secret",
    `rotate it into ${others[0]} only, or pass --take-over to move it to ${secretId} (the other secret's tag is removed; its value stops working)`,
    ExitCode.Usage,
  );
}

/**
 * Makes the target secret this client's (tag `keyward:client-id`, or a new container created with it), then
 * re-lists the claims: two runs that raced to claim one client for two secrets see each other, and each undoes
 * its own claim. `release` undoes what this step added, for a run that ends before it regenerated.
 */
async function claimSecret(
  target: RotationTarget,
  pre: Preflight,
  deps: RotationDeps,
  options: RotateOptions,
  log: Logger,
): Promise<{ secretArn: string; created: boolean; tookOverFrom: string[]; release: () => Promise<void> }> {
  const clientId = pre.client.id;
  let secretArn = pre.secretArn;
  let created = false;
  let tagged = false;
  if (pre.createSecret) {
    secretArn = (await deps.store.create(target.secretId, { tags: { [CLIENT_ID_TAG]: clientId } })).arn;
    created = true;
    log.info("created secret container", { secretArn });
  } else if (pre.tags[CLIENT_ID_TAG] !== clientId) {
    await deps.store.tag(secretArn!, { [CLIENT_ID_TAG]: clientId });
    tagged = true;
  }
  const arn = secretArn!;
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    try {
      if (created) await deps.store.deleteUnused(arn);
      else if (tagged) {
        const previous = pre.tags[CLIENT_ID_TAG];
        if (previous === undefined) await deps.store.untag(arn, [CLIENT_ID_TAG]);
        else await deps.store.tag(arn, { [CLIENT_ID_TAG]: previous });
      }
      log.info("released the claim on the secret", { secretArn: arn, deleted: created });
    } catch (err) {
      // Nothing was regenerated: a tag or an empty container left behind is harmless, and the real failure matters more.
      log.warn("could not release the claim on the secret", { secretArn: arn, reason: err instanceof KeywardError ? err.reason : "error" });
    }
  };
  const others = (await deps.store.listTagged(CLIENT_ID_TAG, clientId)).map((s) => s.arn).filter((a) => a !== arn);
  const tookOverFrom: string[] = [];
  if (others.length > 0) {
    if (!options.takeOver) {
      await release();
      throw claimedElsewhereError(clientId, target.secretId, others);
    }
    for (const other of others) {
      await deps.store.untag(other, [CLIENT_ID_TAG]);
      tookOverFrom.push(other);
      log.warn("took over the client from another secret", { secretArn: arn, previousSecretArn: other });
    }
  }
  return { secretArn: arn, created, tookOverFrom, release };
}

function skipped(result: RotationResult, reason: string, log: Logger): RotationResult {
  result.status = "skipped";
  result.exitCode = reason.startsWith("interrupted") ? ExitCode.Interrupted : ExitCode.Failed;
  result.reason = reason.startsWith("interrupted") ? "interrupted" : "deadline";
  result.message = `not rotated: ${reason} before its regenerate started (nothing was changed for this client)`;
  result.hint = "re-run the rotation for the clients marked skipped";
  log.info("rotation skipped", { reason: result.reason });
  return result;
}

async function resolveClient(target: RotationTarget, deps: RotationDeps): Promise<OAuthClient> {
  if (target.clientId) return deps.genesys.getClient(target.clientId);
  const name = target.clientName ?? "";
  const matches = (await deps.genesys.listClients()).filter((c) => c.name === name && c.state !== "deleted");
  if (matches.length === 1) return deps.genesys.getClient(matches[0]!.id);
  if (matches.length === 0) {
    throw new PreflightError(`no OAuth client is named "${name}"`, "client-name-not-found", "check the exact name (case-sensitive) or pass --client-id");
  }
  throw new PreflightError(
    `${matches.length} OAuth clients are named "${name}" (${matches.map((c) => c.id).join(", ")})`,
    "client-name-ambiguous",
    "pass --client-id with the one to rotate",
    ExitCode.Usage,
  );
}

/**
 * The regenerate call, retried here (the Genesys client itself never retries it once it may have reached the
 * server). Retrying is safe for a rotation: a secret from an attempt whose answer was lost is one nobody holds,
 * and if a lost attempt completes after the retry and invalidates the retry's secret, verify-after-write sees the
 * dead value at AWSCURRENT and regenerates again. Not retrying would leave the client with a secret nobody holds.
 * When every attempt failed and one may have taken effect, the old secret may already be dead: exit 3.
 */
async function regenerate({ deps, policy, sleep, backoff }: Run, clientId: string, secretId: string): Promise<string> {
  let mayHaveChanged = false;
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.genesys.regenerateSecret(clientId);
    } catch (err) {
      const ambiguous = err instanceof KeywardError && (err as KeywardError & { mayHaveTakenEffect?: boolean }).mayHaveTakenEffect === true;
      mayHaveChanged ||= ambiguous;
      const again = err instanceof KeywardError && (err.retryable || ambiguous) && attempt < policy.regenerateAttempts;
      if (!again) {
        if (mayHaveChanged) throw new NotStoredError(clientId, secretId, err, "may-have-regenerated");
        throw err;
      }
      deps.logger.warn("regenerate failed; retrying", { clientId, attempt, reason: err.reason });
      await sleep(backoff(policy.regenerateBackoffMs, attempt));
    }
  }
}

async function store(run: Run, clientId: string, secretArn: string, value: string, secretId: string): Promise<string> {
  const { deps, policy, sleep, backoff } = run;
  const token = randomUUID();
  let last: unknown;
  for (let attempt = 1; attempt <= policy.storeAttempts; attempt++) {
    if (attempt > 1 && performance.now() > run.criticalUntil) break;
    try {
      return (await deps.store.putValue(secretArn, value, token)).versionId;
    } catch (err) {
      last = err;
      if (!(err instanceof KeywardError) || !err.retryable || attempt === policy.storeAttempts) break;
      await sleep(backoff(policy.storeBackoffMs, attempt));
    }
  }
  throw new NotStoredError(clientId, secretId, last);
}

type VerifyOutcome = { kind: "verified"; versionId: string } | { kind: "re-rotate" } | { kind: "failed"; why: "dead" | "unknown" };

async function verify(
  run: Run,
  ours: { clientId: string; secretArn: string; secret: string; value: string; reRotationsLeft: number },
  onRestored: (versionId: string) => void,
): Promise<VerifyOutcome> {
  const { deps, policy, sleep, random } = run;
  let restoresLeft = 2;
  for (let attempt = 1; attempt <= policy.verifyAttempts; attempt++) {
    if (attempt > 1 && performance.now() > run.criticalUntil) return { kind: "failed", why: "unknown" };
    let current: Liveness = "unknown";
    let currentIsOurs = false;
    let versionId = "";
    try {
      const stored = await deps.store.getValue(ours.secretArn, "AWSCURRENT");
      versionId = stored.versionId;
      currentIsOurs = stored.value === ours.value;
      const creds = parseStoredCredentials(stored.value);
      if (creds && creds.clientId !== ours.clientId) {
        throw new ConflictError(
          `client ${ours.clientId}: AWSCURRENT of ${ours.secretArn} now holds client ${creds.clientId}'s credentials; another run wrote them while this one rotated`,
          "secret-overwritten-by-other-client",
          `give each client its own secret, then re-run \`keyward rotate --client-id ${ours.clientId} --secret-id ${ours.secretArn}\``,
        );
      }
      current = creds ? await deps.check(creds.clientId, creds.clientSecret) : "dead";
    } catch (err) {
      if (err instanceof ConflictError) throw err;
      // The value is stored by now: whatever stops the read-back makes this an unverified rotation (exit 4).
      if (!(err instanceof KeywardError) || !err.retryable) throw new NotVerifiedError(ours.clientId, ours.secretArn, "unknown", err);
    }
    const own = needsOwnCheck(current, currentIsOurs) ? await deps.check(ours.clientId, ours.secret) : undefined;
    const action = decideAfterVerify({
      current,
      currentIsOurs,
      ...(own ? { own } : {}),
      verifyAttemptsLeft: policy.verifyAttempts - attempt,
      reRotationsLeft: ours.reRotationsLeft,
    });
    switch (action.kind) {
      case "succeed":
        return { kind: "verified", versionId };
      case "restore-own": {
        // Writing again does not use up a verification read (bounded by restoresLeft instead).
        if (restoresLeft-- > 0) attempt--;
        const restored = await store(run, ours.clientId, ours.secretArn, ours.value, ours.secretArn);
        onRestored(restored);
        deps.logger.info("re-stored this run's secret over a stale value", { clientId: ours.clientId, secretArn: ours.secretArn, versionId: restored });
        break;
      }
      case "retry-verify":
        await sleep(Math.round(policy.verifyBackoffMs * Math.min(attempt, 4) * (0.5 + random())));
        break;
      case "re-rotate":
        return { kind: "re-rotate" };
      case "fail-unverified":
        return { kind: "failed", why: action.why };
    }
  }
  return { kind: "failed", why: "unknown" };
}

/** What the steps of one rotation share: its dependencies, policy, clock and jittered exponential backoff. */
interface Run {
  deps: RotationDeps;
  policy: RotationPolicy;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  /** `baseMs · 2^(attempt-1)`, jittered to 50–100 %. */
  backoff(baseMs: number, attempt: number): number;
  /** performance.now() after which no new store or verify attempt starts in the current critical section. */
  criticalUntil: number;
}

function runContext(deps: RotationDeps, policy: RotationPolicy): Run {
  const random = deps.random ?? Math.random;
  return {
    deps,
    policy,
    sleep: deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
    random,
    backoff: (baseMs, attempt) => Math.round(baseMs * 2 ** (attempt - 1) * (0.5 + random() / 2)),
    criticalUntil: Number.POSITIVE_INFINITY,
  };
}

function asKeywardError(err: unknown): KeywardError {
  if (err instanceof KeywardError) return err;
  return new KeywardError(err instanceof Error ? err.message : String(err), { reason: "unexpected", cause: err });
}
