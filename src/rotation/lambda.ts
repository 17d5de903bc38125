import { canonicalClientId } from "../contracts/client-id-tag.js";
import { ADMIN_SECRET_ARN_ENV, readEnvName } from "../contracts/env-names.js";
import { KeywardError, UsageError } from "../core/errors.js";
import { createLogger, logLevelFromEnv, type Logger } from "../core/log.js";
import { createGenesysClient } from "../genesys/index.js";
import { checkAwsEndpoints, createSecretStore, resolveAdminSettings } from "../secrets/index.js";
import { rotationWorstCases } from "./critical-section.js";
import { rotateFleet, type FleetReport } from "./fleet.js";
import { InterruptState } from "./interrupt.js";
import { parseManifest } from "./manifest.js";
import { minimumCriticalBudgetMs } from "./policy.js";
import { toJsonReport } from "./report.js";
import { DEFAULT_ROTATION_POLICY, worstCaseCriticalMs, type RotationTarget } from "./rotate-client.js";
import { isRotationEvent, rotationStep } from "./secrets-manager-rotation.js";
import { rotationDeps } from "./wire.js";

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
/** `false` leaves the admin client out of scheduled rotation (default: rotated last, verified). */
export const ROTATE_ADMIN_ENV = "KEYWARD_ROTATE_ADMIN";

/**
 * The rotation Lambda, one function for two callers:
 * - **Secrets Manager's rotation protocol** (`{Step, SecretId, ClientRequestToken}`, from `RotateSecret` or the
 *   secret's `aws_secretsmanager_secret_rotation` schedule): one step of src/rotation/secrets-manager-rotation.ts;
 * - **EventBridge Scheduler** with the manifest (`{"clients": [{clientId|clientName, standbyClientId?, secretId}]}`):
 *   the same code path as `keyward rotate --manifest`, and then the admin client itself, last, into its own document
 *   (unless `KEYWARD_ROTATE_ADMIN=false`), so the next invocation reads its new secret.
 * The admin credentials are read from Secrets Manager at run time (`KEYWARD_ADMIN_SECRET_ARN`), never from plaintext
 * environment variables. A regenerate starts only while the invocation has time left for its worst case.
 *
 * Returns a JSON report (no secrets). Throws when any client failed or was skipped, so the invocation counts as an
 * error in CloudWatch (the per-client results are in the log line before).
 */
export function createRotationHandler(env: Record<string, string | undefined>, options: { write?: (line: string) => void } = {}) {
  return async (event: unknown, context?: LambdaContext): Promise<unknown> => {
    const logger = createLogger({ level: logLevelFromEnv(env) ?? "info", write: options.write ?? ((line) => process.stdout.write(line + "\n")) });
    checkAwsEndpoints(env);
    const input = typeof event === "string" ? safeJson(event) : event;
    const adminArn = readEnvName(env, ADMIN_SECRET_ARN_ENV, (line) => logger.warn(line));
    if (!adminArn) throw new UsageError(`${ADMIN_SECRET_ARN_ENV} is not set: the Lambda reads the admin OAuth client credentials from that secret`);

    // Two SDK attempts per call: the critical budget counts every attempt of every call after a regenerate.
    const store = createSecretStore({ logger, requestTimeoutMs: LAMBDA_REQUEST_TIMEOUT_MS, maxAttempts: 2, env });
    const admin = await resolveAdminSettings({ ...env, [ADMIN_SECRET_ARN_ENV]: adminArn }, { store });
    const genesys = createGenesysClient(admin.settings, { logger, timeoutMs: LAMBDA_REQUEST_TIMEOUT_MS });
    const deps = rotationDeps(genesys, store, logger, { requestTimeoutMs: LAMBDA_REQUEST_TIMEOUT_MS });
    const policy = { ...DEFAULT_ROTATION_POLICY, criticalBudgetMs: Math.max(LAMBDA_CRITICAL_BUDGET_MS, minimumCriticalBudgetMs(rotationWorstCases(deps))) };
    const worstCase = worstCaseCriticalMs(policy) + LAMBDA_MARGIN_MS;
    const gate = new InterruptState({
      ...(context ? { latestStart: () => Date.now() + context.getRemainingTimeInMillis() - worstCase } : {}),
      detail: `less than ${Math.ceil(worstCase / 1000)} s of the invocation left`,
    });

    if (isRotationEvent(input)) {
      const outcome = await rotationStep(input, deps, { gate, policy });
      logger.info("secrets manager rotation step finished", { ...outcome });
      return outcome;
    }

    const rotateAdmin = env[ROTATE_ADMIN_ENV]?.trim().toLowerCase() !== "false";
    // Only alternating pairs (rotated by Secrets Manager) leave the manifest empty: the admin is still rotated.
    const targets = parseManifest(input, "scheduler input", { allowEmpty: rotateAdmin });
    await deps.genesys.adminToken();
    const adminDoc = admin.document!;
    const adminListed = targets.some((t) => [t.clientId, t.standbyClientId].some((id) => id !== undefined && canonicalClientId(id) === canonicalClientId(adminDoc.clientId)));
    if (rotateAdmin && !adminListed) targets.push(adminTarget(adminDoc, admin.source.kind === "secret" ? admin.source.arn : adminArn));
    const concurrency = Number(env.KEYWARD_CONCURRENCY ?? 4) || 4;
    const report: FleetReport = await rotateFleet(targets, deps, {
      concurrency,
      gate,
      policy,
      by: "keyward scheduled rotation",
      // The admin goes last (rotateFleet orders it), into its own document: the next invocation reads its new secret.
      rotateSelf: rotateAdmin || adminListed,
      ...(admin.source.kind === "secret" ? { adminSecretArn: admin.source.arn } : {}),
    });
    return finishReport(report, logger);
  };
}

/** The handler Lambda runs (`index.handler` in the bundle): the function's own environment. */
export const handler = (event: unknown, context?: LambdaContext): Promise<unknown> => createRotationHandler(process.env)(event, context);

function adminTarget(doc: { clientId: string; pairedClientId?: string }, secretArn: string): RotationTarget {
  return { clientId: doc.clientId, ...(doc.pairedClientId ? { standbyClientId: doc.pairedClientId } : {}), secretId: secretArn };
}

function finishReport(report: FleetReport, logger: Logger): unknown {
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
