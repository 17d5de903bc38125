import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { BodyTooLargeError, readBody, sendJson, startHttpServer } from "../common/http.js";
import { SqsError, sqsErrors } from "./errors.js";
import { SqsStore, type QueueOptions, type QueueState } from "./queue-store.js";

const CONTENT_TYPE = "application/x-amz-json-1.0";
const TARGET_PREFIX = "AmazonSQS.";

export interface SqsEmulatorOptions {
  port?: number;
  host?: string;
  region?: string;
  accountId?: string;
  /** Epoch ms; drives visibility timeouts, delays and the dedupe window. A test moves it by hand. */
  clock?: () => number;
  queues?: QueueOptions[];
}

export interface SqsEmulator {
  url: string;
  port: number;
  region: string;
  /** Creates a queue (the emulated API has no CreateQueue); returns its QueueUrl. */
  createQueue(options: QueueOptions): string;
  state(): QueueState[];
  /** Requests per operation. */
  requests: Map<string, number>;
  reset(): void;
  close(): Promise<void>;
}

type Input = Record<string, unknown>;

function str(input: Input, name: string, required: true): string;
function str(input: Input, name: string, required?: false): string | undefined;
function str(input: Input, name: string, required = false): string | undefined {
  const v = input[name];
  if (v === undefined || v === null) {
    if (required) throw sqsErrors.missingParameter(name);
    return undefined;
  }
  if (typeof v !== "string") throw sqsErrors.invalidParameter(`${name} must be a string.`);
  return v;
}

function int(input: Input, name: string, min: number, max: number): number | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max)
    throw sqsErrors.invalidParameter(`Value ${String(v)} for parameter ${name} is invalid. Reason: must be between ${min} and ${max}.`);
  return v;
}

const OPERATIONS: Record<string, (store: SqsStore, input: Input) => unknown> = {
  SendMessage(store, input) {
    if (input.MessageAttributes !== undefined || input.MessageSystemAttributes !== undefined)
      throw sqsErrors.invalidParameter("MessageAttributes are not supported by the SQS emulator.");
    const groupId = str(input, "MessageGroupId");
    const dedupeId = str(input, "MessageDeduplicationId");
    const delaySeconds = int(input, "DelaySeconds", 0, 900);
    return store.send(str(input, "QueueUrl", true), {
      body: str(input, "MessageBody", true),
      ...(groupId ? { groupId } : {}),
      ...(dedupeId ? { dedupeId } : {}),
      ...(delaySeconds ? { delaySeconds } : {}),
    });
  },
  ReceiveMessage(store, input) {
    const max = int(input, "MaxNumberOfMessages", 1, 10);
    const visibilityTimeoutSeconds = int(input, "VisibilityTimeout", 0, 43_200);
    int(input, "WaitTimeSeconds", 0, 20);
    const messages = store.receive(str(input, "QueueUrl", true), { ...(max ? { max } : {}), ...(visibilityTimeoutSeconds !== undefined ? { visibilityTimeoutSeconds } : {}) });
    return messages.length ? { Messages: messages } : {};
  },
  DeleteMessage(store, input) {
    store.delete(str(input, "QueueUrl", true), str(input, "ReceiptHandle", true));
    return {};
  },
  ChangeMessageVisibility(store, input) {
    const seconds = int(input, "VisibilityTimeout", 0, 43_200);
    if (seconds === undefined) throw sqsErrors.missingParameter("VisibilityTimeout");
    store.changeVisibility(str(input, "QueueUrl", true), str(input, "ReceiptHandle", true), seconds);
    return {};
  },
  GetQueueUrl(store, input) {
    return { QueueUrl: store.getQueueUrl(str(input, "QueueName", true)) };
  },
  GetQueueAttributes(store, input) {
    const names = input.AttributeNames ?? [];
    if (!Array.isArray(names) || names.some((n) => typeof n !== "string")) throw sqsErrors.invalidParameter("AttributeNames must be a list of strings.");
    return { Attributes: store.attributes(str(input, "QueueUrl", true), names as string[]) };
  },
};

/**
 * An Amazon SQS emulator on loopback speaking AWS JSON 1.0 (`POST`, `X-Amz-Target: AmazonSQS.<Op>`,
 * `Content-Type: application/x-amz-json-1.0`), good enough for `@aws-sdk/client-sqs`: SendMessage, ReceiveMessage,
 * DeleteMessage, ChangeMessageVisibility, GetQueueUrl, GetQueueAttributes. Queues are created through
 * `createQueue`. Long polling (`WaitTimeSeconds`) answers at once. Errors carry `__type` and the legacy
 * `x-amzn-query-error` code, as SQS does.
 */
export async function startSqsEmulator(options: SqsEmulatorOptions = {}): Promise<SqsEmulator> {
  const region = options.region ?? "us-east-1";
  let baseUrl = "";
  const store = new SqsStore(() => baseUrl, region, options.accountId ?? "000000000000", options.clock ?? Date.now);
  const requests = new Map<string, number>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers: Record<string, string> = { "content-type": CONTENT_TYPE, "x-amzn-requestid": randomUUID() };
    const fail = (err: SqsError) => sendJson(res, err.status, err.toBody(), { ...headers, ...(err.queryCode ? { "x-amzn-query-error": `${err.queryCode};Sender` } : {}) });
    try {
      if (req.method !== "POST") return fail(sqsErrors.unknownOperation(`${req.method} ${req.url}`));
      const target = String(req.headers["x-amz-target"] ?? "");
      const name = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : "";
      const op = Object.hasOwn(OPERATIONS, name) ? OPERATIONS[name] : undefined;
      if (!op) return fail(sqsErrors.unknownOperation(target));
      requests.set(name, (requests.get(name) ?? 0) + 1);
      if (
        String(req.headers["content-type"] ?? "")
          .split(";")[0]!
          .trim()
          .toLowerCase() !== CONTENT_TYPE
      )
        return fail(sqsErrors.unsupportedMediaType());
      if (!req.headers.authorization) return fail(sqsErrors.missingAuthentication());
      const text = await readBody(req, 512 * 1024);
      let input: unknown;
      try {
        input = text.trim() ? JSON.parse(text) : {};
      } catch {
        return fail(sqsErrors.serialization());
      }
      if (typeof input !== "object" || input === null || Array.isArray(input)) return fail(sqsErrors.serialization());
      sendJson(res, 200, op(store, input as Input), headers);
    } catch (err) {
      if (err instanceof SqsError) return fail(err);
      if (err instanceof BodyTooLargeError) return fail(sqsErrors.invalidParameter("Request too large."));
      fail(new SqsError("InternalFailure", "The request processing has failed because of an unknown error.", 500));
    }
  }

  const server = await startHttpServer(handle, { port: options.port ?? 0, host: options.host ?? "127.0.0.1" });
  baseUrl = server.url;
  for (const q of options.queues ?? []) store.createQueue(q);
  return {
    url: server.url,
    port: server.port,
    region,
    createQueue: (q) => store.createQueue(q),
    state: () => store.state(),
    requests,
    reset: () => {
      store.reset();
      requests.clear();
    },
    close: () => server.close(),
  };
}
