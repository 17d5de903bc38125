import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SQSClient } from "@aws-sdk/client-sqs";
import { createLogger, logLevelFromEnv, type Logger } from "../../core/log.js";
import { createSecretStore } from "../../secrets/index.js";
import { loadJanitorConfig } from "../config.js";
import { webhookSecretSource } from "../runtime.js";
import { receiveDelivery, MAX_BODY_BYTES, type DeliveryResponse } from "../receive.js";
import { sqsEnqueue } from "./sqs-queue.js";

/** The Lambda Function URL event, payload format 2.0 (the fields the receiver reads). */
export interface FunctionUrlEvent {
  version?: string;
  rawPath?: string;
  headers?: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded?: boolean;
  requestContext?: { http?: { method?: string; path?: string } };
}

export interface FunctionUrlResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export interface ReceiverHandlerOptions {
  env?: Record<string, string | undefined>;
  secretsManager?: SecretsManagerClient;
  sqs?: SQSClient;
  logger?: Logger;
}

/**
 * The receiver Lambda behind a Function URL (auth NONE: the HMAC signature is the authentication). Same core as
 * the local server (`receiveDelivery`); it only verifies, classifies and sends to the FIFO queue, so it answers
 * well inside GitHub's 10 s. Configuration: KEYWARD_WEBHOOK_SECRET_ARN (or the secret itself) and
 * KEYWARD_JANITOR_QUEUE_URL; validated on the first invocation.
 */
export function createReceiverHandler(options: ReceiverHandlerOptions = {}): (event: FunctionUrlEvent) => Promise<FunctionUrlResult> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? createLogger({ level: logLevelFromEnv(env) ?? "info", write: (line) => process.stdout.write(line + "\n") });
  const config = loadJanitorConfig(env, { receiverOnly: true });
  const store = createSecretStore({ client: options.secretsManager ?? new SecretsManagerClient({ maxAttempts: 2 }), logger });
  const enqueue = sqsEnqueue(options.sqs ?? new SQSClient({ maxAttempts: 3 }), config.queueUrl!);
  const webhookSecrets = webhookSecretSource(config.webhook, store);

  return async (event) => {
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(event.headers ?? {})) headers[k.toLowerCase()] = v;
    const raw = event.body === undefined ? Buffer.alloc(0) : Buffer.from(event.body, event.isBase64Encoded ? "base64" : "utf8");
    const out: DeliveryResponse = await receiveDelivery(
      {
        method: event.requestContext?.http?.method ?? "GET",
        path: event.rawPath ?? event.requestContext?.http?.path ?? "/",
        headers,
        body: raw.length > MAX_BODY_BYTES ? "tooLarge" : raw,
      },
      { webhookSecrets, enqueue, logger, secretTypes: config.secretTypes },
    );
    return { statusCode: out.status, headers: out.headers, body: out.body };
  };
}

let instance: ((event: FunctionUrlEvent) => Promise<FunctionUrlResult>) | undefined;

/** Lambda entry point (`index.handler`). */
export async function handler(event: FunctionUrlEvent): Promise<FunctionUrlResult> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  instance ??= createReceiverHandler();
  return instance(event);
}
