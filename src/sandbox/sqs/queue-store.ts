import { createHash, randomBytes, randomUUID } from "node:crypto";
import { sqsErrors } from "./errors.js";

export const DEDUPE_WINDOW_MS = 5 * 60_000;
const MAX_BODY_BYTES = 262_144;

export interface QueueOptions {
  name: string;
  /** Default 30 s. */
  visibilityTimeoutSeconds?: number;
  contentBasedDeduplication?: boolean;
  /** Redrive to the queue named `deadLetterQueue` after `maxReceiveCount` receives. */
  redrive?: { deadLetterQueue: string; maxReceiveCount: number };
}

interface Message {
  id: string;
  body: string;
  md5: string;
  groupId?: string;
  dedupeId?: string;
  sequenceNumber?: string;
  sentAt: number;
  visibleAt: number;
  receiveCount: number;
  firstReceiveAt?: number;
  /** The receipt handle of the latest receive; older ones are kept to tell "stale" from "unknown". */
  receipt?: string;
  receipts: Set<string>;
}

interface Queue {
  name: string;
  fifo: boolean;
  arn: string;
  visibilityTimeoutSeconds: number;
  contentBasedDeduplication: boolean;
  redrive?: { deadLetterTargetArn: string; maxReceiveCount: number };
  createdAt: number;
  messages: Message[];
  dedupe: Map<string, { at: number; messageId: string; sequenceNumber?: string }>;
}

const md5 = (text: string) => createHash("md5").update(text, "utf8").digest("hex");

/** Messages in flight or visible, per queue, for the control API (bodies are not shown). */
export interface QueueState {
  name: string;
  url: string;
  arn: string;
  fifo: boolean;
  visible: number;
  inFlight: number;
  delayed: number;
  messages: Array<{ id: string; groupId?: string; receiveCount: number; inFlight: boolean }>;
}

/**
 * The emulated SQS queues: FIFO deduplication (5-minute window, explicit id or content-based), message groups
 * (a group is blocked while one of its messages is in flight, so order holds), visibility timeouts, delays and
 * redrive to a dead-letter queue once a message was received `maxReceiveCount` times.
 */
export class SqsStore {
  private queues = new Map<string, Queue>();
  private sequence = 0n;

  constructor(
    private readonly baseUrl: () => string,
    readonly region: string,
    readonly accountId: string,
    private readonly now: () => number,
  ) {}

  urlOf(name: string): string {
    return `${this.baseUrl()}/${this.accountId}/${name}`;
  }

  createQueue(options: QueueOptions): string {
    const fifo = options.name.endsWith(".fifo");
    if (!/^[A-Za-z0-9_-]{1,75}(\.fifo)?$/.test(options.name))
      throw sqsErrors.invalidParameter("Queue name may only contain alphanumeric characters, hyphens and underscores (1-80 characters, .fifo suffix for FIFO).");
    let redrive: Queue["redrive"];
    if (options.redrive) {
      const dlq = this.queues.get(options.redrive.deadLetterQueue);
      if (!dlq) throw sqsErrors.queueDoesNotExist();
      if (dlq.fifo !== fifo) throw sqsErrors.invalidParameter("The dead-letter queue of a FIFO queue must also be a FIFO queue (and of a standard queue a standard queue).");
      redrive = { deadLetterTargetArn: dlq.arn, maxReceiveCount: options.redrive.maxReceiveCount };
    }
    this.queues.set(options.name, {
      name: options.name,
      fifo,
      arn: `arn:aws:sqs:${this.region}:${this.accountId}:${options.name}`,
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 30,
      contentBasedDeduplication: options.contentBasedDeduplication ?? false,
      ...(redrive ? { redrive } : {}),
      createdAt: this.now(),
      messages: [],
      dedupe: new Map(),
    });
    return this.urlOf(options.name);
  }

  getQueueUrl(name: string): string {
    if (!this.queues.has(name)) throw sqsErrors.queueDoesNotExist();
    return this.urlOf(name);
  }

  /** The queue a QueueUrl names (its last path segment; any host, as the SDK may rewrite it). */
  byUrl(queueUrl: string): Queue {
    const name = queueUrl.replace(/\/+$/, "").split("/").pop() ?? "";
    const queue = this.queues.get(name);
    if (!queue) throw sqsErrors.queueDoesNotExist();
    return queue;
  }

  send(
    queueUrl: string,
    input: { body: string; groupId?: string; dedupeId?: string; delaySeconds?: number },
  ): { MessageId: string; MD5OfMessageBody: string; SequenceNumber?: string } {
    const q = this.byUrl(queueUrl);
    const now = this.now();
    if (!input.body) throw sqsErrors.missingParameter("MessageBody");
    if (Buffer.byteLength(input.body, "utf8") > MAX_BODY_BYTES)
      throw sqsErrors.invalidParameter(`One or more parameters are invalid. Reason: Message must be shorter than ${MAX_BODY_BYTES} bytes.`);
    // eslint-disable-next-line no-control-regex
    if (/[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u.test(input.body)) throw sqsErrors.invalidMessageContents("Invalid characters found in the message body.");
    let dedupeId = input.dedupeId;
    if (q.fifo) {
      if (!input.groupId) throw sqsErrors.missingParameter("MessageGroupId");
      if (input.delaySeconds)
        throw sqsErrors.invalidParameter(
          "Value " + input.delaySeconds + " for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.",
        );
      if (!dedupeId && q.contentBasedDeduplication) dedupeId = createHash("sha256").update(input.body).digest("hex");
      if (!dedupeId) throw sqsErrors.invalidParameter("The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly");
      for (const [id, seen] of q.dedupe) if (now - seen.at >= DEDUPE_WINDOW_MS) q.dedupe.delete(id);
      const seen = q.dedupe.get(dedupeId);
      if (seen) return { MessageId: seen.messageId, MD5OfMessageBody: md5(input.body), ...(seen.sequenceNumber ? { SequenceNumber: seen.sequenceNumber } : {}) };
    } else if (input.dedupeId) {
      throw sqsErrors.invalidParameter("The request includes a parameter that is not valid for this queue type: MessageDeduplicationId.");
    }
    const message: Message = {
      id: randomUUID(),
      body: input.body,
      md5: md5(input.body),
      sentAt: now,
      visibleAt: now + (input.delaySeconds ?? 0) * 1000,
      receiveCount: 0,
      receipts: new Set(),
    };
    if (input.groupId) message.groupId = input.groupId;
    if (q.fifo) {
      message.dedupeId = dedupeId!;
      message.sequenceNumber = (++this.sequence).toString().padStart(20, "1");
      q.dedupe.set(dedupeId!, { at: now, messageId: message.id, sequenceNumber: message.sequenceNumber });
    }
    q.messages.push(message);
    return { MessageId: message.id, MD5OfMessageBody: message.md5, ...(message.sequenceNumber ? { SequenceNumber: message.sequenceNumber } : {}) };
  }

  receive(
    queueUrl: string,
    input: { max?: number; visibilityTimeoutSeconds?: number },
  ): Array<{ MessageId: string; ReceiptHandle: string; MD5OfBody: string; Body: string; Attributes: Record<string, string> }> {
    const q = this.byUrl(queueUrl);
    const now = this.now();
    const max = input.max ?? 1;
    const timeout = input.visibilityTimeoutSeconds ?? q.visibilityTimeoutSeconds;
    const lockedGroups = new Set<string>();
    if (q.fifo) for (const m of q.messages) if (m.groupId && m.visibleAt > now && m.receiveCount > 0) lockedGroups.add(m.groupId);
    const out: Message[] = [];
    for (const m of [...q.messages]) {
      if (out.length >= max) break;
      if (m.visibleAt > now) {
        // A later message of a group never overtakes an earlier one that is delayed or in flight.
        if (q.fifo && m.groupId) lockedGroups.add(m.groupId);
        continue;
      }
      if (q.fifo && m.groupId && lockedGroups.has(m.groupId)) continue;
      if (q.redrive && m.receiveCount >= q.redrive.maxReceiveCount) {
        this.moveToDeadLetter(q, m);
        continue;
      }
      m.receiveCount++;
      m.firstReceiveAt ??= now;
      m.receipt = randomBytes(24).toString("base64url") + "." + m.id;
      m.receipts.add(m.receipt);
      m.visibleAt = now + timeout * 1000;
      out.push(m);
    }
    return out.map((m) => ({
      MessageId: m.id,
      ReceiptHandle: m.receipt!,
      MD5OfBody: m.md5,
      Body: m.body,
      Attributes: {
        SentTimestamp: String(m.sentAt),
        ApproximateReceiveCount: String(m.receiveCount),
        ApproximateFirstReceiveTimestamp: String(m.firstReceiveAt),
        SenderId: this.accountId,
        ...(m.groupId ? { MessageGroupId: m.groupId } : {}),
        ...(m.dedupeId ? { MessageDeduplicationId: m.dedupeId } : {}),
        ...(m.sequenceNumber ? { SequenceNumber: m.sequenceNumber } : {}),
      },
    }));
  }

  delete(queueUrl: string, receipt: string): void {
    const q = this.byUrl(queueUrl);
    const index = q.messages.findIndex((m) => m.receipts.has(receipt));
    if (index < 0) throw sqsErrors.receiptHandleIsInvalid();
    const m = q.messages[index]!;
    // FIFO: a handle from an earlier receive stops working once the message was received again.
    if (q.fifo && m.receipt !== receipt) throw sqsErrors.receiptHandleIsInvalid();
    q.messages.splice(index, 1);
  }

  changeVisibility(queueUrl: string, receipt: string, seconds: number): void {
    const q = this.byUrl(queueUrl);
    const m = q.messages.find((x) => x.receipts.has(receipt));
    if (!m || m.receipt !== receipt) throw sqsErrors.receiptHandleIsInvalid();
    if (m.visibleAt <= this.now()) throw sqsErrors.messageNotInflight();
    m.visibleAt = this.now() + seconds * 1000;
  }

  attributes(queueUrl: string, names: string[]): Record<string, string> {
    const q = this.byUrl(queueUrl);
    const now = this.now();
    const all: Record<string, string> = {
      QueueArn: q.arn,
      ApproximateNumberOfMessages: String(q.messages.filter((m) => m.visibleAt <= now).length),
      ApproximateNumberOfMessagesNotVisible: String(q.messages.filter((m) => m.visibleAt > now && m.receiveCount > 0).length),
      ApproximateNumberOfMessagesDelayed: String(q.messages.filter((m) => m.visibleAt > now && m.receiveCount === 0).length),
      VisibilityTimeout: String(q.visibilityTimeoutSeconds),
      CreatedTimestamp: String(Math.floor(q.createdAt / 1000)),
      LastModifiedTimestamp: String(Math.floor(q.createdAt / 1000)),
      MessageRetentionPeriod: "345600",
      MaximumMessageSize: String(MAX_BODY_BYTES),
      DelaySeconds: "0",
      ReceiveMessageWaitTimeSeconds: "0",
      ...(q.fifo ? { FifoQueue: "true", ContentBasedDeduplication: String(q.contentBasedDeduplication) } : {}),
      ...(q.redrive ? { RedrivePolicy: JSON.stringify(q.redrive) } : {}),
    };
    if (names.length === 0) return {};
    if (names.includes("All")) return all;
    const out: Record<string, string> = {};
    for (const name of names) {
      if (!(name in all) && !["FifoQueue", "ContentBasedDeduplication", "RedrivePolicy", "Policy", "KmsMasterKeyId", "SqsManagedSseEnabled"].includes(name))
        throw sqsErrors.invalidAttributeName(name);
      if (name in all) out[name] = all[name]!;
    }
    return out;
  }

  state(): QueueState[] {
    const now = this.now();
    return [...this.queues.values()].map((q) => ({
      name: q.name,
      url: this.urlOf(q.name),
      arn: q.arn,
      fifo: q.fifo,
      visible: q.messages.filter((m) => m.visibleAt <= now).length,
      inFlight: q.messages.filter((m) => m.visibleAt > now && m.receiveCount > 0).length,
      delayed: q.messages.filter((m) => m.visibleAt > now && m.receiveCount === 0).length,
      messages: q.messages.map((m) => ({
        id: m.id,
        ...(m.groupId ? { groupId: m.groupId } : {}),
        receiveCount: m.receiveCount,
        inFlight: m.visibleAt > now && m.receiveCount > 0,
      })),
    }));
  }

  reset(): void {
    for (const q of this.queues.values()) {
      q.messages = [];
      q.dedupe.clear();
    }
  }

  private moveToDeadLetter(q: Queue, m: Message): void {
    const dlq = [...this.queues.values()].find((x) => x.arn === q.redrive!.deadLetterTargetArn);
    q.messages.splice(q.messages.indexOf(m), 1);
    if (!dlq) return;
    const moved: Message = { ...m, receiveCount: 0, visibleAt: this.now(), receipts: new Set() };
    delete moved.receipt;
    delete moved.firstReceiveAt;
    dlq.messages.push(moved);
  }
}
