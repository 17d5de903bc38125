import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { createLogger, logLevelFromEnv, type Logger } from "../../core/log.js";
import { loadJanitorConfig } from "../config.js";
import { processWorkItem, type VerifyPolicy } from "../processor.js";
import { createJanitorRuntime, type JanitorRuntime } from "../runtime.js";
import { parseWorkItem } from "../work-item.js";

/** The SQS event (the fields the worker reads). */
export interface SqsEvent {
  Records: Array<{ messageId: string; body: string; attributes?: Record<string, string> }>;
}

export interface SqsBatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

export interface WorkerHandlerOptions {
  env?: Record<string, string | undefined>;
  secretsManager?: SecretsManagerClient;
  logger?: Logger;
  auditWrite?: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
  verify?: VerifyPolicy;
}

/**
 * The worker Lambda (SQS FIFO event source, ReportBatchItemFailures). Each record is one queued delivery, processed
 * by the same core as the local server. A record whose alert could not be read for a transient reason is reported
 * as failed, together with every later record of the batch (FIFO: order within a group must hold), so SQS redelivers
 * it after the visibility timeout and moves it to the DLQ after maxReceiveCount. Everything else is done once:
 * its outcome is in the audit event.
 */
export function createWorkerHandler(options: WorkerHandlerOptions = {}): (event: SqsEvent) => Promise<SqsBatchResponse> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? createLogger({ level: logLevelFromEnv(env) ?? "info", write: (line) => process.stderr.write(line + "\n") });
  const config = loadJanitorConfig(env, { lambda: true });
  let runtime: Promise<JanitorRuntime> | undefined;
  const getRuntime = () =>
    (runtime ??= createJanitorRuntime(config, {
      logger,
      secretsManager: options.secretsManager ?? new SecretsManagerClient({ maxAttempts: 3 }),
      ...(options.auditWrite ? { auditWrite: options.auditWrite } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
      ...(options.verify ? { verify: options.verify } : {}),
    }).catch((err) => {
      runtime = undefined;
      throw err;
    }));

  return async (event) => {
    const deps = (await getRuntime()).processorDeps;
    const failures: SqsBatchResponse["batchItemFailures"] = [];
    for (const record of event.Records ?? []) {
      if (failures.length) {
        failures.push({ itemIdentifier: record.messageId });
        continue;
      }
      const item = parseWorkItem(record.body);
      if (!item) {
        logger.error("unreadable queue message dropped", { messageId: record.messageId });
        continue;
      }
      try {
        const { retry } = await processWorkItem(item, deps);
        if (retry) failures.push({ itemIdentifier: record.messageId });
      } catch (err) {
        logger.error("processing failed", { deliveryId: item.deliveryId, error: err instanceof Error ? err.name : "error" });
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures: failures };
  };
}

let instance: ((event: SqsEvent) => Promise<SqsBatchResponse>) | undefined;

/** Lambda entry point (`index.handler`). */
export async function handler(event: SqsEvent): Promise<SqsBatchResponse> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  instance ??= createWorkerHandler();
  return instance(event);
}
