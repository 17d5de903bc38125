import { randomUUID } from "node:crypto";
import { CreateSecretCommand, DescribeSecretCommand } from "@aws-sdk/client-secrets-manager";
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { signPayload } from "../../src/janitor/index.js";
import { createReceiverHandler, type FunctionUrlEvent } from "../../src/janitor/lambda/receiver.js";
import { createWorkerHandler } from "../../src/janitor/lambda/worker.js";
import { startSqsEmulator, type SqsEmulator } from "../../src/sandbox/sqs/index.js";
import { useSandboxKit } from "../helpers/sandbox.js";
import { addLeakAlert, alertPayload, createTaggedSecret, DEV_SLACK_ID, FAST_CLIENTS, SOC_CHANNEL, startStubs, type Stubs } from "../janitor/helpers/janitor-kit.js";
import { canary, report } from "./report.js";

/**
 * R6: 1,000 deliveries at a steady rate through the AWS path (Function URL receiver → SQS FIFO emulator → worker),
 * 20% of them duplicates (the same X-GitHub-Delivery), the rest redeliveries of 100 live leaks under new ids:
 * exactly one containment, one resolution and one DM per leak, none missed; the receiver's ack latency reported.
 */
const kit = useSandboxKit();
let stubs: Stubs;
let sqsEmu: SqsEmulator;
let sqs: SQSClient;
let queueUrl: string;
const responses: string[] = [];
beforeAll(async () => {
  stubs = await startStubs();
  sqsEmu = await startSqsEmulator();
  sqsEmu.createQueue({ name: "r6-dlq.fifo" });
  queueUrl = sqsEmu.createQueue({ name: "r6.fifo", visibilityTimeoutSeconds: 120, redrive: { deadLetterQueue: "r6-dlq.fifo", maxReceiveCount: 3 } });
  sqs = new SQSClient({ endpoint: sqsEmu.url, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 2 });
});
afterAll(async () => {
  sqs.destroy();
  await sqsEmu.close();
  await stubs.close();
  kit.collectStoredSecrets();
  const c = canary(
    [...responses, ...kit.logs, ...stubs.slack.raw, ...stubs.github.calls.map((x) => x.body)],
    [...kit.minted, stubs.webhookSecret, stubs.github.token, stubs.slack.token],
  );
  report("R1", `canary over R6's responses, logs, Slack and GitHub traffic: ${c.searched} secrets, ${c.forms} forms: ${c.hits.length} hits`);
  expect(c.hits).toEqual([]);
});

describe("R6 load through the SQS path", () => {
  it("1,000 deliveries, 20% duplicates: zero double containment, zero missed", async () => {
    const LEAKS = 100;
    const webhookArn = (await kit.sm.send(new CreateSecretCommand({ Name: "r6/webhook", SecretString: stubs.webhookSecret }))).ARN!;
    const githubArn = (await kit.sm.send(new CreateSecretCommand({ Name: "r6/github", SecretString: stubs.github.token }))).ARN!;
    const slackArn = (await kit.sm.send(new CreateSecretCommand({ Name: "r6/slack", SecretString: stubs.slack.token }))).ARN!;
    const janitorArn = (await kit.sm.send(new DescribeSecretCommand({ SecretId: kit.sandbox.secretNames.janitor }))).ARN!;
    kit.sandbox.genesys.control.setLimits({ apiRequestsPerWindow: 1_000_000, tokenRequestsPerWindow: 1_000_000 });
    const receiver = createReceiverHandler({
      env: { KEYWARD_WEBHOOK_SECRET_ARN: webhookArn, KEYWARD_JANITOR_QUEUE_URL: queueUrl },
      secretsManager: kit.sm,
      sqs,
      logger: kit.logger(),
    });
    const worker = createWorkerHandler({
      env: {
        KEYWARD_WEBHOOK_SECRET_ARN: webhookArn,
        GITHUB_TOKEN_ARN: githubArn,
        GITHUB_API_URL: stubs.github.url,
        SLACK_BOT_TOKEN_ARN: slackArn,
        SLACK_API_URL: stubs.slack.url,
        KEYWARD_SLACK_FALLBACK_CHANNEL: SOC_CHANNEL,
        KEYWARD_SLACK_DM_DOMAINS: "acme.example",
        KEYWARD_ADMIN_SECRET_ARN: janitorArn,
        KEYWARD_JANITOR_QUEUE_URL: queueUrl,
      },
      secretsManager: kit.sm,
      logger: kit.logger(),
      auditWrite: (line: string) => void kit.logs.push(line),
      sleep: async () => undefined,
      verify: { attempts: 2, backoffMs: 1 },
      sqs,
      ...FAST_CLIENTS,
    });
    const clients = [];
    for (let i = 0; i < LEAKS; i++) {
      const c = await kit.createClient(`r6-${i}`);
      await createTaggedSecret(kit, `keyward/clients/r6-${i}`, c);
      addLeakAlert(stubs, 6000 + i, c);
      clients.push(c);
    }
    // 800 unique deliveries (8 per leak: the first, then redeliveries under new ids) + 200 exact duplicates.
    const unique = Array.from({ length: 800 }, (_, i) => ({ n: 6000 + (i % LEAKS), id: randomUUID() }));
    const deliveries = [...unique, ...Array.from({ length: 200 }, (_, i) => unique[(i * 7) % unique.length]!)].sort(() => Math.random() - 0.5);
    const ack: number[] = [];
    const event = (n: number, id: string): FunctionUrlEvent => {
      const body = JSON.stringify(alertPayload(n));
      return {
        version: "2.0",
        rawPath: "/api/github/webhooks",
        headers: {
          "content-type": "application/json",
          "x-github-event": "secret_scanning_alert",
          "x-github-delivery": id,
          "x-hub-signature-256": signPayload(stubs.webhookSecret, body),
        },
        body,
        isBase64Encoded: false,
        requestContext: { http: { method: "POST", path: "/api/github/webhooks" } },
      };
    };
    const pump = async () => {
      for (;;) {
        const messages = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ["All"] }))).Messages ?? [];
        if (messages.length === 0) return;
        const result = await worker({
          Records: messages.map((m) => ({ messageId: m.MessageId!, body: m.Body!, receiptHandle: m.ReceiptHandle!, attributes: m.Attributes as Record<string, string> })),
        });
        const failed = new Set(result.batchItemFailures.map((f) => f.itemIdentifier));
        for (const m of messages) if (!failed.has(m.MessageId!)) await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
      }
    };
    // A steady rate: 50 deliveries per tick, the worker draining between ticks.
    let accepted = 0;
    const statuses = new Map<number, number>();
    for (let i = 0; i < deliveries.length; i += 50) {
      await Promise.all(
        deliveries.slice(i, i + 50).map(async (d) => {
          const t0 = performance.now();
          const res = await receiver(event(d.n, d.id));
          ack.push(performance.now() - t0);
          responses.push(JSON.stringify(res));
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
          if (res.statusCode === 202) accepted++;
        }),
      );
      await pump();
    }
    await pump();
    const sorted = [...ack].sort((a, b) => a - b);
    const p99 = sorted[Math.ceil(sorted.length * 0.99) - 1]!;
    const regenerates = Object.values(kit.sandbox.genesys.control.state().requests["POST /api/v2/oauth/clients/{clientId}/secret"] ?? {}).reduce((a, b) => a + b, 0);
    let contained = 0;
    for (const c of clients) if ((await kit.check(c.id, c.secret)) === "dead") contained++;
    const patches = stubs.github.calls.filter((c) => c.method === "PATCH").length;
    const dms = stubs.slack.posts.filter((p) => p.channel === `D-${DEV_SLACK_ID}`).length;
    report(
      "R6",
      `${deliveries.length} deliveries (${unique.length} unique ids for ${LEAKS} leaks, ${deliveries.length - unique.length} duplicates): ${accepted} acked 202 (statuses ${[...statuses].map(([k, v]) => `${k}×${v}`).join(" ")}); ack latency p50 ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms; ${contained}/${LEAKS} contained, ${regenerates} regenerates, ${patches} alert resolutions, ${dms} DMs`,
    );
    // Every delivery acknowledged: a burst after the webhook secret's cache expired reads it once (was 14 × 503).
    expect(accepted).toBe(deliveries.length);
    expect(contained).toBe(LEAKS);
    expect(patches).toBe(LEAKS);
    expect(dms).toBe(LEAKS);
    // One containment per leak: a rotate regenerates once (a verified store never needs a second).
    expect(regenerates).toBe(LEAKS);
  }, 300_000);

  it("rate limits (primary, secondary, 429), replays and crashes mid-containment: 0 live leaks left uncontained, 0 dead managed secrets", async () => {
    const LEAKS = 24;
    const clock = { now: Date.now() };
    const chaosSqs = await startSqsEmulator({ clock: () => clock.now });
    chaosSqs.createQueue({ name: "r6-chaos-dlq.fifo" });
    const chaosUrl = chaosSqs.createQueue({ name: "r6-chaos.fifo", visibilityTimeoutSeconds: 960, redrive: { deadLetterQueue: "r6-chaos-dlq.fifo", maxReceiveCount: 5 } });
    const client = new SQSClient({ endpoint: chaosSqs.url, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 2 });
    try {
      const webhookArn = (await kit.sm.send(new CreateSecretCommand({ Name: "r6c/webhook", SecretString: stubs.webhookSecret }))).ARN!;
      const githubArn = (await kit.sm.send(new CreateSecretCommand({ Name: "r6c/github", SecretString: stubs.github.token }))).ARN!;
      const slackArn = (await kit.sm.send(new CreateSecretCommand({ Name: "r6c/slack", SecretString: stubs.slack.token }))).ARN!;
      const janitorArn = (await kit.sm.send(new DescribeSecretCommand({ SecretId: kit.sandbox.secretNames.janitor }))).ARN!;
      kit.sandbox.genesys.control.setLimits({ apiRequestsPerWindow: 1_000_000, tokenRequestsPerWindow: 1_000_000 });
      const receiver = createReceiverHandler({
        env: { KEYWARD_WEBHOOK_SECRET_ARN: webhookArn, KEYWARD_JANITOR_QUEUE_URL: chaosUrl },
        secretsManager: kit.sm,
        sqs: client,
        logger: kit.logger(),
      });
      const workerEnv = {
        KEYWARD_WEBHOOK_SECRET_ARN: webhookArn,
        GITHUB_TOKEN_ARN: githubArn,
        GITHUB_API_URL: stubs.github.url,
        SLACK_BOT_TOKEN_ARN: slackArn,
        SLACK_API_URL: stubs.slack.url,
        KEYWARD_SLACK_FALLBACK_CHANNEL: SOC_CHANNEL,
        KEYWARD_SLACK_DM_DOMAINS: "acme.example",
        KEYWARD_ADMIN_SECRET_ARN: janitorArn,
        KEYWARD_JANITOR_QUEUE_URL: chaosUrl,
        KEYWARD_JANITOR_MAX_ATTEMPTS: "5",
      };
      const newWorker = () =>
        createWorkerHandler({
          env: workerEnv,
          secretsManager: kit.sm,
          sqs: client,
          logger: kit.logger(),
          auditWrite: (line: string) => void kit.logs.push(line),
          sleep: async () => undefined,
          verify: { attempts: 2, backoffMs: 1 },
          ...FAST_CLIENTS,
        });
      let worker = newWorker();
      const leaks: Array<{ id: string; secret: string; n: number; managed: string | null }> = [];
      for (let i = 0; i < LEAKS; i++) {
        const c = await kit.createClient(`r6c-${i}`);
        const managed = i % 2 === 0 ? `keyward/clients/r6c-${i}` : null;
        if (managed) await createTaggedSecret(kit, managed, c);
        addLeakAlert(stubs, 7000 + i, c);
        leaks.push({ ...c, n: 7000 + i, managed });
      }
      // Rate limits as GitHub sends them, on a third of the leaks' alerts: a primary limit resetting in a second
      // (waited out), a 429 with retry-after: 30 and a secondary limit without retry-after (retried later).
      const kinds = [{ kind: "primary" as const, resetInSeconds: 1 }, { kind: "bare-429" as const, retryAfterSeconds: 30 }, { kind: "secondary" as const }];
      leaks.forEach((l, i) => {
        if (i % 3 === 0) stubs.github.rateLimits.push({ ...kinds[(i / 3) % 3]!, times: 1, match: (m, p) => m === "GET" && p.endsWith(`/secret-scanning/alerts/${l.n}`) });
      });
      const event = (n: number, id: string): FunctionUrlEvent => {
        const body = JSON.stringify(alertPayload(n));
        return {
          version: "2.0",
          rawPath: "/api/github/webhooks",
          headers: {
            "content-type": "application/json",
            "x-github-event": "secret_scanning_alert",
            "x-github-delivery": id,
            "x-hub-signature-256": signPayload(stubs.webhookSecret, body),
          },
          body,
          isBase64Encoded: false,
          requestContext: { http: { method: "POST", path: "/api/github/webhooks" } },
        };
      };
      let invocations = 0;
      let crashes = 0;
      const pump = async (crashOn?: (body: string) => boolean) => {
        for (;;) {
          const messages = (await client.send(new ReceiveMessageCommand({ QueueUrl: chaosUrl, MaxNumberOfMessages: 1, MessageSystemAttributeNames: ["All"] }))).Messages ?? [];
          if (messages.length === 0) return;
          const m = messages[0]!;
          invocations++;
          if (crashOn?.(m.Body!)) {
            // The worker dies between the regenerate and the store: nothing is deleted, the store never happens.
            crashes++;
            kit.sandbox.secretsManager.control.setFaults({ unavailable: true, operations: ["PutSecretValue"] });
            await worker(
              { Records: [{ messageId: m.MessageId!, body: m.Body!, attributes: m.Attributes as Record<string, string> }] },
              { getRemainingTimeInMillis: () => 30_000 },
            ).catch(() => undefined);
            kit.sandbox.secretsManager.control.clearFaults();
            worker = newWorker(); // a fresh Lambda instance
            continue;
          }
          const result = await worker(
            { Records: [{ messageId: m.MessageId!, body: m.Body!, receiptHandle: m.ReceiptHandle!, attributes: m.Attributes as Record<string, string> }] },
            { getRemainingTimeInMillis: () => 20_000 },
          );
          if (result.batchItemFailures.length === 0) await client.send(new DeleteMessageCommand({ QueueUrl: chaosUrl, ReceiptHandle: m.ReceiptHandle! }));
        }
      };
      // Every leak delivered, then replayed twice under new delivery ids; three managed leaks crash mid-containment.
      const crashFor = new Set(
        leaks
          .filter((l) => l.managed)
          .slice(0, 3)
          .map((l) => `"alertNumber":${l.n}`),
      );
      const crashedOnce = new Set<string>();
      for (const l of leaks) await receiver(event(l.n, randomUUID()));
      await pump((body) => {
        const key = [...crashFor].find((k) => body.includes(k));
        if (!key || crashedOnce.has(key)) return false;
        crashedOnce.add(key);
        return true;
      });
      for (let round = 0; round < 2; round++) for (const l of leaks) await receiver(event(l.n, randomUUID()));
      // Time passes: retries come back after their waits, crashed messages after the visibility timeout.
      for (let step = 0; step < 8; step++) {
        clock.now += 120_000;
        await pump();
      }
      clock.now += 1_000_000;
      await pump();

      let live = 0;
      let deadManaged = 0;
      for (const l of leaks) if ((await kit.check(l.id, l.secret)) !== "dead") live++;
      for (const l of leaks) if (l.managed && (await kit.check(l.id, (await kit.stored(l.managed)).clientSecret)) !== "live") deadManaged++;
      const audits = kit.logs.filter((line) => line.includes('"schema":"keyward.janitor.audit/v2"')).map((line) => JSON.parse(line) as { alertNumber: number; outcome: string });
      const mine = audits.filter((a) => a.alertNumber >= 7000 && a.alertNumber < 7000 + LEAKS);
      const outcomes = new Map<string, number>();
      for (const a of mine) outcomes.set(a.outcome, (outcomes.get(a.outcome) ?? 0) + 1);
      const dlq = chaosSqs.state().find((q) => q.url.endsWith("r6-chaos-dlq.fifo"))!;
      report(
        "R6",
        `chaos: ${LEAKS} leaks (${leaks.filter((l) => l.managed).length} managed), ${leaks.filter((_, i) => i % 3 === 0).length} rate-limited (primary, 429 retry-after 30, secondary), ${LEAKS * 2} replays, ${crashes} crashes mid-containment; ${invocations} worker invocations; outcomes ${[...outcomes].map(([k, v]) => `${k}×${v}`).join(" ")}; live leaks left ${live}; dead managed secrets ${deadManaged}; DLQ ${dlq.visible}`,
      );
      expect(crashes).toBe(3);
      expect(live).toBe(0);
      expect(deadManaged).toBe(0);
      expect(outcomes.get("repaired") ?? 0).toBeGreaterThanOrEqual(3);
      expect(dlq.visible).toBe(0);
    } finally {
      client.destroy();
      await chaosSqs.close();
    }
  }, 300_000);
});
