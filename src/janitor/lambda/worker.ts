import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { ChangeMessageVisibilityCommand, SQSClient } from "@aws-sdk/client-sqs";
import { createLogger, logLevelFromEnv, type Logger } from "../../core/log.js";
import { withRedactionScope } from "../../core/redact.js";
import type { GitHubClientOptions } from "../../github/index.js";
import type { SlackClientOptions } from "../../slack/index.js";
import { loadJanitorConfig } from "../config.js";
import { processWorkItem, type VerifyPolicy } from "../processor.js";
import { createJanitorRuntime, type JanitorRuntime } from "../runtime.js";
import { sweepManagedSecrets, type SweepReport } from "../sweep.js";
import { parseWorkItem } from "../work-item.js";

/** The SQS event (the fields the worker reads). */
export interface SqsEvent {
  Records: Array<{ messageId: string; body: string; receiptHandle?: string; attributes?: Record<string, string> }>;
}

/** The scheduled sweep's event (EventBridge Scheduler input). */
export interface SweepEvent {
  keyward: "sweep";
}

export interface SqsBatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

/** The part of the Lambda context the worker reads. */
export interface WorkerContext {
  getRemainingTimeInMillis(): number;
}

export interface WorkerHandler {
  (event: SqsEvent, context?: WorkerContext): Promise<SqsBatchResponse>;
  (event: SweepEvent, context?: WorkerContext): Promise<SweepReport>;
}

export interface WorkerHandlerOptions {
  env?: Record<string, string | undefined>;
  secretsManager?: SecretsManagerClient;
  sqs?: SQSClient;
  logger?: Logger;
  auditWrite?: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
  verify?: VerifyPolicy;
  github?: Partial<GitHubClientOptions>;
  slack?: Partial<SlackClientOptions>;
  now?: () => number;
}

/** Time kept back from the Lambda deadline for the audit write and the answer to SQS. */
const DEADLINE_MARGIN_MS = 15_000;
/** ChangeMessageVisibility's upper bound (12 hours). */
const MAX_VISIBILITY_SECONDS = 43_200;

/**
 * The worker Lambda (SQS FIFO event source, ReportBatchItemFailures). Each record is one try of a queued delivery,
 * processed by the same core as the local server, within the invocation's remaining time. A message is deleted only
 * when its work is done or recorded: a try whose work is not done (rate limited, liveness unknown, containment not
 * proven) is reported as a batch item failure — together with every later record of the batch (FIFO: order within
 * a group must hold) — and its visibility is set to the retry's wait, so SQS hands it back then (not after the
 * queue's visibility timeout). The try numbered `KEYWARD_JANITOR_MAX_ATTEMPTS` (the queue's maxReceiveCount) is the
 * last: what is still not settled goes to a human and the message is deleted. A crash (the runtime dies) deletes
 * nothing: the message comes back after the visibility timeout and the next try repairs what the crash left.
 */
export function createWorkerHandler(options: WorkerHandlerOptions = {}): WorkerHandler {
  const env = options.env ?? process.env;
  const logger = options.logger ?? createLogger({ level: logLevelFromEnv(env) ?? "info", write: (line) => process.stderr.write(line + "\n") });
  const config = loadJanitorConfig(env, { lambda: true, warn: (line) => logger.warn(line) });
  const sqs = config.queueUrl ? (options.sqs ?? new SQSClient({ maxAttempts: 3 })) : undefined;
  const now = options.now ?? Date.now;
  let runtime: Promise<JanitorRuntime> | undefined;
  const getRuntime = () =>
    (runtime ??= createJanitorRuntime(config, {
      logger,
      secretsManager: options.secretsManager ?? new SecretsManagerClient({ maxAttempts: 3 }),
      keepTokenWarm: false,
      now,
      ...(options.auditWrite ? { auditWrite: options.auditWrite } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
      ...(options.verify ? { verify: options.verify } : {}),
      ...(options.github ? { github: options.github } : {}),
      ...(options.slack ? { slack: options.slack } : {}),
    }).catch((err) => {
      runtime = undefined;
      throw err;
    }));

  const handle = async (event: SqsEvent | SweepEvent, context?: WorkerContext): Promise<SqsBatchResponse | SweepReport> => {
    const deps = (await getRuntime()).processorDeps;
    if ("keyward" in event && event.keyward === "sweep") return sweepManagedSecrets(deps);
    const records = (event as SqsEvent).Records ?? [];
    const failures: SqsBatchResponse["batchItemFailures"] = [];
    for (const record of records) {
      if (failures.length) {
        failures.push({ itemIdentifier: record.messageId });
        continue;
      }
      await withRedactionScope(async () => {
        const item = parseWorkItem(record.body);
        if (!item) {
          logger.error("unreadable queue message dropped", { messageId: record.messageId });
          return;
        }
        const attempt = Math.max(1, Number(record.attributes?.ApproximateReceiveCount ?? 1) || 1);
        const remaining = context?.getRemainingTimeInMillis() ?? config.deliveryBudgetMs;
        try {
          const { disposition } = await processWorkItem(item, deps, {
            attempt,
            maxAttempts: config.maxAttempts,
            deadlineMs: Date.now() + Math.max(1_000, remaining - DEADLINE_MARGIN_MS),
          });
          if (disposition.kind === "retry") {
            failures.push({ itemIdentifier: record.messageId });
            await retryIn(record.receiptHandle, disposition.afterMs);
          }
        } catch (err) {
          logger.error("processing failed", { deliveryId: item.deliveryId, error: err instanceof Error ? err.name : "error" });
          failures.push({ itemIdentifier: record.messageId });
        }
      });
    }
    return { batchItemFailures: failures };
  };
  return handle as WorkerHandler;

  /** The message comes back after the retry's wait, not after the queue's (long) visibility timeout. */
  async function retryIn(receiptHandle: string | undefined, afterMs: number): Promise<void> {
    if (!sqs || !config.queueUrl || !receiptHandle) return;
    try {
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: config.queueUrl,
          ReceiptHandle: receiptHandle,
          VisibilityTimeout: Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.ceil(afterMs / 1000))),
        }),
      );
    } catch (err) {
      logger.warn("could not set the retry's visibility; the queue's visibility timeout applies", { error: err instanceof Error ? err.name : "error" });
    }
  }
}

let instance: WorkerHandler | undefined;

/** Lambda entry point (`index.handler`). */
export async function handler(event: SqsEvent | SweepEvent, context?: WorkerContext): Promise<SqsBatchResponse | SweepReport> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  instance ??= createWorkerHandler();
  return (instance as (e: SqsEvent | SweepEvent, c?: WorkerContext) => Promise<SqsBatchResponse | SweepReport>)(event, context);
}
