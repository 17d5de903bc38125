import { KeywardError, UsageError } from "../core/errors.js";
import { createLogger, logLevelFromEnv } from "../core/log.js";
import { createGenesysClient, genesysSettingsFromEnv } from "../genesys/index.js";
import { checkAwsEndpoints, createSecretStore, parseStoredCredentials } from "../secrets/index.js";
import { InterruptState } from "./interrupt.js";
import { DEFAULT_ROTATION_POLICY, worstCaseCriticalMs } from "./rotate-client.js";
import { rotationWorstCases } from "./critical-section.js";
import { minimumCriticalBudgetMs } from "./policy.js";
import { rotateFleet, type FleetReport } from "./fleet.js";
import { parseManifest } from "./manifest.js";
import { toJsonReport } from "./report.js";
import { gatewayToEnv, rotationDeps } from "./wire.js";

/**
 * EventBridge Scheduler → Lambda entry point for scheduled rotation. The schedule's input is the manifest
 * (`{"clients": [{clientId|clientName, secretId}]}`); it runs through the same code path as
 * `keyward rotate --manifest`. The admin credentials are read from Secrets Manager at run time
 * (`KEYWARD_ADMIN_SECRET_ARN`), never from plaintext environment variables.
 *
 * Returns the JSON report (no secrets). Throws when any client failed, so the invocation counts as an error
 * in CloudWatch (the per-client results are in the log line before).
 */
/** What the Lambda runtime passes; only the remaining time is used. */
export interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

/** Per-request timeout inside the Lambda: short, so the worst case of a rotation fits an invocation. */
export const LAMBDA_REQUEST_TIMEOUT_MS = 5_000;
/** The critical budget inside the Lambda: from a regenerate's send to its new value at AWSCURRENT. */
export const LAMBDA_CRITICAL_BUDGET_MS = 60_000;
/** Time kept back after a critical section: releasing the lock, the report, the log line. */
export const LAMBDA_MARGIN_MS = 5_000;

export async function handler(event: unknown, context?: LambdaContext): Promise<unknown> {
  const env = process.env;
  const logger = createLogger({ level: logLevelFromEnv(env) ?? "info", write: (line) => process.stdout.write(line + "\n") });
  checkAwsEndpoints(env);
  const input = typeof event === "string" ? safeJson(event) : event;
  const targets = parseManifest(input, "scheduler input");
  const adminArn = env.KEYWARD_ADMIN_SECRET_ARN;
  if (!adminArn) throw new UsageError("KEYWARD_ADMIN_SECRET_ARN is not set: the Lambda reads the admin OAuth client credentials from that secret");

  // Two SDK attempts per call: the critical budget counts every attempt of every call after a regenerate.
  const store = createSecretStore({ logger, requestTimeoutMs: LAMBDA_REQUEST_TIMEOUT_MS, maxAttempts: 2 });
  const admin = parseStoredCredentials((await store.getValue(adminArn)).value);
  if (!admin) throw new UsageError(`secret ${adminArn} does not hold a keyward credential document ({clientId, clientSecret, region})`);
  const settings = genesysSettingsFromEnv({
    GENESYSCLOUD_OAUTHCLIENT_ID: admin.clientId,
    GENESYSCLOUD_OAUTHCLIENT_SECRET: admin.clientSecret,
    GENESYSCLOUD_REGION: admin.region,
    ...gatewayToEnv(admin.gateway),
  });
  const genesys = createGenesysClient(settings, { logger, timeoutMs: LAMBDA_REQUEST_TIMEOUT_MS });
  const deps = rotationDeps(genesys, store, logger, { requestTimeoutMs: LAMBDA_REQUEST_TIMEOUT_MS });
  await deps.genesys.adminToken();

  const concurrency = Number(env.KEYWARD_CONCURRENCY ?? 4) || 4;
  // A regenerate starts only while the invocation has time left for its worst case (regenerate + store + verify):
  // a Lambda timeout in between would leave a client whose only secret nobody holds.
  const policy = { ...DEFAULT_ROTATION_POLICY, criticalBudgetMs: Math.max(LAMBDA_CRITICAL_BUDGET_MS, minimumCriticalBudgetMs(rotationWorstCases(deps))) };
  const worstCase = worstCaseCriticalMs(policy) + LAMBDA_MARGIN_MS;
  const gate = new InterruptState({
    ...(context ? { latestStart: () => Date.now() + context.getRemainingTimeInMillis() - worstCase } : {}),
    detail: `less than ${Math.ceil(worstCase / 1000)} s of the invocation left`,
  });
  const report: FleetReport = await rotateFleet(targets, deps, { concurrency, gate, policy });
  const json = JSON.parse(toJsonReport(report)) as unknown;
  const skipped = report.results.filter((r) => r.status === "skipped").map((r) => r.clientId || r.clientName || r.secretId);
  logger.info("scheduled rotation finished", { ok: report.ok, failed: report.failed, skipped, totalMs: report.totalMs, report: json });
  if (report.failed > 0 || skipped.length > 0) {
    throw new KeywardError(
      `scheduled rotation: ${report.failed} of ${report.results.length} clients failed${skipped.length ? `, ${skipped.length} skipped for lack of time (${skipped.join(", ")})` : ""} (see the report in the log)`,
      { reason: "clients-failed" },
    );
  }
  return json;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError("scheduler input is not JSON");
  }
}
