import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  ReceiptHandleIsInvalid,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  SQSServiceException,
} from "@aws-sdk/client-sqs";
import { startSqsEmulator, type SqsEmulator } from "../../../src/sandbox/sqs/index.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const clock = { now: Date.parse("2030-01-15T12:00:00Z") };
let sqs: SqsEmulator;
let client: SQSClient;
let counter = 0;

beforeAll(async () => {
  sqs = await startSqsEmulator({ clock: () => clock.now });
  client = new SQSClient({ endpoint: sqs.url, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 });
});
afterAll(async () => {
  client.destroy();
  await sqs.close();
});

function fifoWithDlq(maxReceiveCount = 2, visibilityTimeoutSeconds = 30) {
  const n = ++counter;
  const dlq = sqs.createQueue({ name: `janitor-dlq-${n}.fifo` });
  const url = sqs.createQueue({ name: `janitor-${n}.fifo`, visibilityTimeoutSeconds, redrive: { deadLetterQueue: `janitor-dlq-${n}.fifo`, maxReceiveCount } });
  return { url, dlq };
}
const send = (QueueUrl: string, body: string, group = "acme/repo#1", dedupe = body) =>
  client.send(new SendMessageCommand({ QueueUrl, MessageBody: body, MessageGroupId: group, MessageDeduplicationId: dedupe }));
const receive = async (QueueUrl: string, max = 10, VisibilityTimeout?: number) =>
  (
    await client.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: max, MessageSystemAttributeNames: ["All"], ...(VisibilityTimeout !== undefined ? { VisibilityTimeout } : {}) }),
    )
  ).Messages ?? [];

describe("SQS emulator through @aws-sdk/client-sqs (AWS JSON 1.0)", () => {
  it("GetQueueUrl and GetQueueAttributes describe a FIFO queue with its redrive policy", async () => {
    const { url } = fifoWithDlq(3);
    const name = url.split("/").pop()!;
    expect((await client.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl).toBe(url);
    const attrs = (await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["All"] }))).Attributes!;
    expect(attrs).toMatchObject({ FifoQueue: "true", VisibilityTimeout: "30", ApproximateNumberOfMessages: "0", QueueArn: `arn:aws:sqs:us-east-1:000000000000:${name}` });
    expect(JSON.parse(attrs.RedrivePolicy!)).toMatchObject({ maxReceiveCount: 3 });
    await expect(client.send(new GetQueueUrlCommand({ QueueName: "nope.fifo" }))).rejects.toBeInstanceOf(QueueDoesNotExist);
  });

  it("sends and receives with the MD5 checks the SDK applies, then deletes", async () => {
    const { url } = fifoWithDlq();
    const sent = await send(url, '{"hello":"wörld"}');
    expect(sent.MessageId).toBeDefined();
    expect(sent.SequenceNumber).toBeDefined();
    const [m] = await receive(url);
    expect(m).toMatchObject({ Body: '{"hello":"wörld"}', MessageId: sent.MessageId });
    expect(m!.Attributes).toMatchObject({ ApproximateReceiveCount: "1", MessageGroupId: "acme/repo#1", MessageDeduplicationId: '{"hello":"wörld"}' });
    await client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m!.ReceiptHandle! }));
    expect(await receive(url)).toHaveLength(0);
    await expect(client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m!.ReceiptHandle! }))).rejects.toBeInstanceOf(ReceiptHandleIsInvalid);
  });

  it("deduplicates on MessageDeduplicationId for 5 minutes", async () => {
    const { url } = fifoWithDlq();
    const a = await send(url, "one", "g", "delivery-1");
    const b = await send(url, "one again", "g", "delivery-1");
    expect(b.MessageId).toBe(a.MessageId);
    expect(sqs.state().find((q) => q.url === url)!.visible).toBe(1);
    clock.now += 5 * 60_000;
    await send(url, "one later", "g", "delivery-1");
    expect(sqs.state().find((q) => q.url === url)!.visible).toBe(2);
  });

  it("keeps order within a message group and blocks the group while a message is in flight; other groups proceed", async () => {
    const { url } = fifoWithDlq(5);
    await send(url, "a1", "A");
    await send(url, "a2", "A");
    await send(url, "b1", "B");
    const first = await receive(url, 1);
    expect(first.map((m) => m.Body)).toEqual(["a1"]);
    const next = await receive(url);
    expect(next.map((m) => m.Body)).toEqual(["b1"]);
    await client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first[0]!.ReceiptHandle! }));
    expect((await receive(url)).map((m) => m.Body)).toEqual(["a2"]);
  });

  it("returns a message after its visibility timeout; ChangeMessageVisibility extends or releases it", async () => {
    const { url } = fifoWithDlq(5, 30);
    await send(url, "v1", "V");
    const [m] = await receive(url);
    expect(await receive(url)).toHaveLength(0);
    clock.now += 31_000;
    const [again] = await receive(url);
    expect(again!.Attributes!.ApproximateReceiveCount).toBe("2");
    // The first receipt handle is stale now (FIFO).
    await expect(client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m!.ReceiptHandle! }))).rejects.toBeInstanceOf(ReceiptHandleIsInvalid);
    await client.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: again!.ReceiptHandle!, VisibilityTimeout: 0 }));
    const [third] = await receive(url);
    expect(third!.Attributes!.ApproximateReceiveCount).toBe("3");
  });

  it("redrives a message to the DLQ after maxReceiveCount receives", async () => {
    const { url, dlq } = fifoWithDlq(2, 10);
    await send(url, "poison", "P");
    for (let i = 0; i < 2; i++) {
      expect(await receive(url)).toHaveLength(1);
      clock.now += 11_000;
    }
    expect(await receive(url)).toHaveLength(0);
    const [dead] = await receive(dlq);
    expect(dead).toMatchObject({ Body: "poison" });
    const attrs = (await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] })))
      .Attributes;
    expect(attrs).toEqual({ ApproximateNumberOfMessages: "0", ApproximateNumberOfMessagesNotVisible: "0" });
  });

  it("refuses a FIFO send without MessageGroupId or deduplication id, like SQS", async () => {
    const { url } = fifoWithDlq();
    const noGroup = await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x", MessageDeduplicationId: "d" })).catch((e: unknown) => e);
    expect(noGroup).toBeInstanceOf(SQSServiceException);
    expect((noGroup as Error).name).toBe("MissingParameter");
    const noDedupe = await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x", MessageGroupId: "g" })).catch((e: unknown) => e);
    expect((noDedupe as Error).name).toBe("InvalidParameterValue");
  });

  it("a standard queue: no groups needed, visibility applies, no deduplication id allowed", async () => {
    const url = sqs.createQueue({ name: `standard-${++counter}` });
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "s1" }));
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "s2" }));
    expect((await receive(url)).map((m) => m.Body).sort()).toEqual(["s1", "s2"]);
    const err = await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x", MessageDeduplicationId: "d" })).catch((e: unknown) => e);
    expect((err as Error).name).toBe("InvalidParameterValue");
  });

  it("answers unsigned, wrongly typed and unknown requests with AWS JSON errors", async () => {
    const post = (headers: Record<string, string>, body = "{}") => fetch(sqs.url, { method: "POST", headers, body });
    expect((await post({ "content-type": "application/x-amz-json-1.0", "x-amz-target": "AmazonSQS.GetQueueUrl" })).status).toBe(400);
    const wrongType = await post({ "content-type": "application/json", "x-amz-target": "AmazonSQS.GetQueueUrl", authorization: "x" });
    expect(wrongType.status).toBe(415);
    const unknown = await post({ "content-type": "application/x-amz-json-1.0", "x-amz-target": "AmazonSQS.PurgeQueue", authorization: "x" });
    expect(((await unknown.json()) as { __type: string }).__type).toMatch(/UnknownOperationException/);
  });
});
