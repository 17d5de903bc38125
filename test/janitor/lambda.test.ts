import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateSecretCommand, DescribeSecretCommand } from "@aws-sdk/client-secrets-manager";
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { AuditEvent } from "../../src/audit/index.js";
import { signPayload } from "../../src/janitor/index.js";
import { createReceiverHandler, type FunctionUrlEvent } from "../../src/janitor/lambda/receiver.js";
import { createWorkerHandler } from "../../src/janitor/lambda/worker.js";
import { startSqsEmulator, type SqsEmulator } from "../../src/sandbox/sqs/index.js";
import { leakedSecrets } from "../helpers/keyward-cli.js";
import { useSandboxKit } from "../helpers/sandbox.js";
import { addLeakAlert, alertPayload, clientView, createTaggedSecret, DEV_SLACK_ID, FAST_CLIENTS, REPO, SOC_CHANNEL, startStubs, type Stubs } from "./helpers/janitor-kit.js";

const kit = useSandboxKit();
const clock = { now: Date.parse("2030-01-15T12:00:00Z") };
let stubs: Stubs;
let sqsEmu: SqsEmulator;
let sqs: SQSClient;
let queueUrl: string;
let dlqUrl: string;
let receiver: ReturnType<typeof createReceiverHandler>;
let worker: ReturnType<typeof createWorkerHandler>;
let workerEnv: () => Record<string, string>;
const workerOptions = () => ({
  secretsManager: kit.sm,
  logger: kit.logger(),
  auditWrite: (line: string) => {
    kit.logs.push(line);
    audits.push(JSON.parse(line) as AuditEvent);
  },
  sleep: async () => undefined,
  verify: { attempts: 2, backoffMs: 1 },
  sqs,
  now: () => clock.now,
  ...FAST_CLIENTS,
});
const audits: AuditEvent[] = [];
const responses: string[] = [];
const PREVIOUS = "previous-webhook-secret-for-lambda";
let alertNo = 100;

async function secret(name: string, value: string): Promise<string> {
  return (await kit.sm.send(new CreateSecretCommand({ Name: name, SecretString: value }))).ARN!;
}

beforeAll(async () => {
  stubs = await startStubs();
  sqsEmu = await startSqsEmulator({ clock: () => clock.now });
  dlqUrl = sqsEmu.createQueue({ name: "keyward-janitor-dlq.fifo" });
  queueUrl = sqsEmu.createQueue({ name: "keyward-janitor.fifo", visibilityTimeoutSeconds: 120, redrive: { deadLetterQueue: "keyward-janitor-dlq.fifo", maxReceiveCount: 3 } });
  sqs = new SQSClient({ endpoint: sqsEmu.url, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 });
  const webhookArn = await secret("keyward/janitor/webhook", JSON.stringify({ current: stubs.webhookSecret, previous: PREVIOUS }));
  const githubArn = await secret("keyward/janitor/github-token", stubs.github.token);
  const slackArn = await secret("keyward/janitor/slack-token", stubs.slack.token);
  const janitorArn = (await kit.sm.send(new DescribeSecretCommand({ SecretId: kit.sandbox.secretNames.janitor }))).ARN!;
  receiver = createReceiverHandler({ env: { KEYWARD_WEBHOOK_SECRET_ARN: webhookArn, KEYWARD_JANITOR_QUEUE_URL: queueUrl }, secretsManager: kit.sm, sqs, logger: kit.logger() });
  workerEnv = () => ({
    KEYWARD_WEBHOOK_SECRET_ARN: webhookArn,
    GITHUB_TOKEN_ARN: githubArn,
    GITHUB_API_URL: stubs.github.url,
    SLACK_BOT_TOKEN_ARN: slackArn,
    SLACK_API_URL: stubs.slack.url,
    KEYWARD_SLACK_FALLBACK_CHANNEL: SOC_CHANNEL,
    KEYWARD_SLACK_DM_DOMAINS: "acme.example",
    KEYWARD_ADMIN_SECRET_ARN: janitorArn,
    KEYWARD_JANITOR_QUEUE_URL: queueUrl,
    KEYWARD_JANITOR_MAX_ATTEMPTS: "3",
  });
  worker = createWorkerHandler({ ...workerOptions(), env: workerEnv() });
});
afterAll(async () => {
  sqs.destroy();
  await sqsEmu.close();
  await stubs.close();
});

/** A Function URL (payload 2.0) event for a delivery. */
function urlEvent(
  event: string,
  payload: unknown,
  o: { deliveryId?: string; secret?: string; signature?: string | null; method?: string; base64?: boolean } = {},
): FunctionUrlEvent {
  const body = JSON.stringify(payload);
  const signature = o.signature === undefined ? signPayload(o.secret ?? stubs.webhookSecret, body) : o.signature;
  return {
    version: "2.0",
    rawPath: "/api/github/webhooks",
    headers: {
      "content-type": "application/json",
      "x-github-event": event,
      "x-github-delivery": o.deliveryId ?? randomUUID(),
      ...(signature !== null ? { "x-hub-signature-256": signature } : {}),
    },
    body: o.base64 ? Buffer.from(body).toString("base64") : body,
    isBase64Encoded: o.base64 ?? false,
    requestContext: { http: { method: o.method ?? "POST", path: "/api/github/webhooks" } },
  };
}

async function receive(event: FunctionUrlEvent) {
  const out = await receiver(event);
  responses.push(JSON.stringify(out));
  return out;
}

/** What the Lambda SQS event source does: receive a batch, invoke the worker, delete what succeeded. */
async function pump(): Promise<number> {
  let invocations = 0;
  for (;;) {
    const messages = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ["All"] }))).Messages ?? [];
    if (messages.length === 0) return invocations;
    invocations++;
    const result = await worker(
      { Records: messages.map((m) => ({ messageId: m.MessageId!, body: m.Body!, receiptHandle: m.ReceiptHandle!, attributes: m.Attributes as Record<string, string> })) },
      { getRemainingTimeInMillis: () => 600_000 },
    );
    const failed = new Set(result.batchItemFailures.map((f) => f.itemIdentifier));
    for (const m of messages) if (!failed.has(m.MessageId!)) await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
    if (failed.size) return invocations;
  }
}
/** The client secrets of every credential document in the emulated Secrets Manager (other values are tokens). */
function collectCredentialDocuments(): void {
  const control = kit.sandbox.secretsManager.control;
  for (const s of control.state().secrets)
    for (const v of s.versions)
      for (const stage of v.stages) {
        try {
          const doc = JSON.parse(control.peek(s.name, stage) ?? "{}") as { clientSecret?: string };
          if (doc.clientSecret) kit.minted.add(doc.clientSecret);
        } catch {
          /* a plain-text token */
        }
      }
}
const patches = (n: number) => stubs.github.calls.filter((c) => c.method === "PATCH" && c.path.endsWith(`/alerts/${n}`));
const dms = () => stubs.slack.posts.filter((p) => p.channel === `D-${DEV_SLACK_ID}`);
const outside = () => ({ github: stubs.github.calls.length, slack: stubs.slack.calls, sends: sqsEmu.requests.get("SendMessage") ?? 0 });

describe("the Lambda receiver (Function URL 2.0) → SQS FIFO emulator → the worker Lambda (SQS event)", () => {
  it("a signed created alert for a live pair with a mapped secret: rotated, resolved, DM'd, one audit event", async () => {
    const client = await kit.createClient("lambda-live");
    await createTaggedSecret(kit, "keyward/clients/lambda-live", client);
    const n = ++alertNo;
    addLeakAlert(stubs, n, client);
    const res = await receive(urlEvent("secret_scanning_alert", alertPayload(n), { base64: true }));
    expect(res).toMatchObject({ statusCode: 202, body: "accepted\n" });
    const queued = sqsEmu.state().find((q) => q.url === queueUrl)!;
    expect(queued.messages.at(-1)).toMatchObject({ groupId: `${REPO}#${n}` });
    await pump();
    expect(await kit.check(client.id, client.secret)).toBe("dead");
    expect(await kit.check(client.id, (await kit.stored("keyward/clients/lambda-live")).clientSecret)).toBe("live");
    expect(patches(n)).toHaveLength(1);
    expect(dms().at(-1)!.text).toContain("keyward/clients/lambda-live");
    expect(audits.filter((e) => e.alertNumber === n)).toEqual([expect.objectContaining({ outcome: "contained", containment: "rotate" })]);
  });

  it("forged, missing and wrongly typed deliveries are refused before anything is queued or called", async () => {
    const before = outside();
    expect((await receive(urlEvent("secret_scanning_alert", alertPayload(1), { signature: "sha256=" + "1".repeat(64) }))).statusCode).toBe(401);
    expect((await receive(urlEvent("secret_scanning_alert", alertPayload(1), { signature: null }))).statusCode).toBe(401);
    expect((await receive(urlEvent("secret_scanning_alert", alertPayload(1), { method: "GET" }))).statusCode).toBe(405);
    expect((await receive({ ...urlEvent("secret_scanning_alert", alertPayload(1)), headers: { "content-type": "text/plain" } })).statusCode).toBe(415);
    expect((await receive(urlEvent("ping", { zen: "x" }))).statusCode).toBe(204);
    expect((await receive({ version: "2.0", rawPath: "/healthz", requestContext: { http: { method: "GET" } } })).statusCode).toBe(200);
    expect(outside()).toEqual(before);
  });

  it("the previous webhook secret from the Secrets Manager document is accepted", async () => {
    const client = await kit.createClient("lambda-previous");
    const n = ++alertNo;
    addLeakAlert(stubs, n, client);
    expect((await receive(urlEvent("secret_scanning_alert", alertPayload(n), { secret: PREVIOUS }))).statusCode).toBe(202);
    await pump();
    expect(await kit.check(client.id, client.secret)).toBe("dead");
  });

  it("the same delivery id twice is deduplicated by SQS; the same alert an hour later is harmless: one containment, one message", async () => {
    const client = await kit.createClient("lambda-dedupe");
    const n = ++alertNo;
    addLeakAlert(stubs, n, client);
    const dmsBefore = dms().length;
    const deliveryId = randomUUID();
    await receive(urlEvent("secret_scanning_alert", alertPayload(n), { deliveryId }));
    await receive(urlEvent("secret_scanning_alert", alertPayload(n), { deliveryId }));
    expect(sqsEmu.state().find((q) => q.url === queueUrl)!.visible).toBe(1);
    await pump();
    clock.now += 60 * 60_000;
    await receive(urlEvent("secret_scanning_alert", alertPayload(n, "publicly_leaked")));
    await receive(urlEvent("secret_scanning_alert", alertPayload(n), { deliveryId }));
    await pump();
    expect(clientView(kit, client.id)!.secretVersion).toBe(2);
    expect(patches(n)).toHaveLength(1);
    expect(dms().length - dmsBefore).toBe(1);
    expect(audits.filter((e) => e.alertNumber === n).map((e) => e.outcome)).toEqual(["contained", "already-contained", "already-contained"]);
  });

  it("a dead pair, an unknown verdict and a scanner finding behave as in the local server", async () => {
    const dead = await kit.createClient("lambda-dead");
    await kit.genesys().oauthClients.regenerateSecret(dead.id);
    const unknown = await kit.createClient("lambda-unknown");
    const nDead = ++alertNo;
    const nUnknown = ++alertNo;
    addLeakAlert(stubs, nDead, dead);
    addLeakAlert(stubs, nUnknown, unknown);
    await receive(urlEvent("secret_scanning_alert", alertPayload(nDead)));
    await pump();
    expect(audits.at(-1)).toMatchObject({ alertNumber: nDead, outcome: "not-live" });
    expect(clientView(kit, dead.id)!.secretVersion).toBe(2);

    await receive(urlEvent("secret_scanning_alert", alertPayload(nUnknown)));
    kit.sandbox.genesys.control.addFault({ route: "POST /oauth/token", errorRate: 1, errorStatus: 503 });
    await pump();
    kit.sandbox.genesys.control.clearFaults();
    expect(audits.at(-1)).toMatchObject({ alertNumber: nUnknown, outcome: "unverified" });
    expect(await kit.check(unknown.id, unknown.secret)).toBe("live");

    const finding = await kit.createClient("lambda-finding");
    await receive(
      urlEvent("keyward_finding", {
        action: "detected",
        repository: null,
        finding: {
          rule_id: "genesys",
          path: "a.ts",
          line: 1,
          column: 1,
          commit: null,
          author_email: null,
          client_id: finding.id,
          secret: finding.secret,
          fingerprint: "a.ts:genesys:1",
        },
      }),
    );
    await pump();
    expect(await kit.check(finding.id, finding.secret)).toBe("dead");
    expect(audits.at(-1)).toMatchObject({ event: "keyward_finding", outcome: "contained", notified: "fallback-channel" });
  });

  it("an alert GitHub cannot serve right now is retried after the retry's wait (not the queue's visibility timeout); after the last try a human is told and the message is deleted", async () => {
    const n = ++alertNo;
    stubs.github.alertStatus.set(`${REPO}#${n}`, 503);
    const socBefore = stubs.slack.posts.filter((p) => p.channel === SOC_CHANNEL).length;
    try {
      await receive(urlEvent("secret_scanning_alert", alertPayload(n)));
      await pump();
      const first = audits.filter((e) => e.alertNumber === n).at(-1)!;
      expect(first).toMatchObject({ attempt: 1, outcome: "error", retryInMs: 30_000 });
      // Back after the retry's 30 s, well inside the queue's 120 s visibility timeout.
      clock.now += 31_000;
      await pump();
      expect(audits.filter((e) => e.alertNumber === n).at(-1)).toMatchObject({ attempt: 2, retryInMs: 60_000 });
      clock.now += 61_000;
      await pump();
      const mine = audits.filter((e) => e.alertNumber === n);
      expect(mine.map((e) => [e.attempt, e.errors[0], e.retryInMs])).toEqual([
        [1, "fetch:github-error", 30_000],
        [2, "fetch:github-error", 60_000],
        [3, "fetch:github-error", null],
      ]);
      const soc = stubs.slack.posts.filter((p) => p.channel === SOC_CHANNEL);
      expect(soc.length - socBefore).toBe(1);
      expect(soc.at(-1)!.text).toContain(`alert #${n}`);
      expect(soc.at(-1)!.text).toMatch(/after 3 tries/);
      clock.now += 600_000;
      expect(await pump()).toBe(0);
      expect(sqsEmu.state().find((q) => q.url === dlqUrl)!.visible).toBe(0);
    } finally {
      stubs.github.alertStatus.clear();
    }
  });

  it("decoy, unpaired, protected client, dry-run and the janitor's own client, through a worker with a policy file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keyward-lambda-policy-"));
    const prot = await kit.createClient("lambda-protected");
    writeFileSync(join(dir, "policy.json"), JSON.stringify({ defaultAction: "delete", protectedClients: [prot.id] }));
    writeFileSync(join(dir, "dry.json"), JSON.stringify({ dryRun: true }));
    const base = workerEnv();
    const policyWorker = createWorkerHandler({ ...workerOptions(), env: { ...base, KEYWARD_POLICY_FILE: join(dir, "policy.json") } });
    const dryWorker = createWorkerHandler({ ...workerOptions(), env: { ...base, KEYWARD_POLICY_FILE: join(dir, "dry.json") } });
    const runWith = async (w: typeof worker) => {
      const saved = worker;
      worker = w;
      try {
        await pump();
      } finally {
        worker = saved;
      }
    };

    const nDecoy = ++alertNo;
    addLeakAlert(stubs, nDecoy, { id: "1b4e28ba-2fa1-11d2-883f-0016d3cca427", secret: "decoyDecoyDecoyNotAGenesysSecretAtAll000000" });
    await receive(urlEvent("secret_scanning_alert", alertPayload(nDecoy)));
    await runWith(policyWorker);
    expect(audits.at(-1)).toMatchObject({ alertNumber: nDecoy, outcome: "not-live" });

    const nUnpaired = ++alertNo;
    stubs.github.blobs.set("lambda-bare", "SECRET=someSecretWithNoIdAnywhere\n");
    stubs.github.commits.set("lambda-c-bare", { files: [] });
    stubs.github.addAlert(REPO, {
      number: nUnpaired,
      secret: "someSecretWithNoIdAnywhere",
      locations: [{ type: "commit", details: { path: "a.env", start_line: 1, blob_sha: "lambda-bare", commit_sha: "lambda-c-bare" } }],
    });
    await receive(urlEvent("secret_scanning_alert", alertPayload(nUnpaired)));
    await runWith(policyWorker);
    // No client id anywhere: every active client of the janitor's org refuses it (the org sweep), so it is proven dead.
    expect(audits.at(-1)).toMatchObject({ alertNumber: nUnpaired, outcome: "not-live", candidates: 0, notified: "none" });

    const nNoSecret = ++alertNo;
    stubs.github.addAlert(REPO, {
      number: nNoSecret,
      secret: "",
      locations: [{ type: "commit", details: { path: "a.env", start_line: 1, blob_sha: "lambda-bare", commit_sha: "lambda-c-bare" } }],
    });
    await receive(urlEvent("secret_scanning_alert", alertPayload(nNoSecret)));
    await runWith(policyWorker);
    expect(audits.at(-1)).toMatchObject({ alertNumber: nNoSecret, outcome: "unpaired", notified: "fallback-channel" });

    const nProt = ++alertNo;
    addLeakAlert(stubs, nProt, prot);
    await receive(urlEvent("secret_scanning_alert", alertPayload(nProt)));
    await runWith(policyWorker);
    expect(clientView(kit, prot.id)).toMatchObject({ state: "active", secretVersion: 2 });
    expect(audits.at(-1)).toMatchObject({ alertNumber: nProt, requestedAction: "delete", containment: "revoke", outcome: "contained" });

    const deletable = await kit.createClient("lambda-deletable");
    const nDel = ++alertNo;
    addLeakAlert(stubs, nDel, deletable);
    await receive(urlEvent("secret_scanning_alert", alertPayload(nDel)));
    await runWith(policyWorker);
    expect(clientView(kit, deletable.id)).toBeUndefined();

    const dry = await kit.createClient("lambda-dry");
    const nDry = ++alertNo;
    addLeakAlert(stubs, nDry, dry);
    await receive(urlEvent("secret_scanning_alert", alertPayload(nDry)));
    await runWith(dryWorker);
    expect(await kit.check(dry.id, dry.secret)).toBe("live");
    expect(audits.at(-1)).toMatchObject({ alertNumber: nDry, outcome: "dry-run", containment: "revoke" });

    const own = kit.sandbox.janitor;
    const nOwn = ++alertNo;
    addLeakAlert(stubs, nOwn, own);
    await receive(urlEvent("secret_scanning_alert", alertPayload(nOwn)));
    await runWith(policyWorker);
    expect(await kit.check(own.id, own.secret)).toBe("dead");
    expect(await kit.check(own.id, (await kit.stored(kit.sandbox.secretNames.janitor)).clientSecret)).toBe("live");
    expect(audits.at(-1)).toMatchObject({ alertNumber: nOwn, ownClient: true, containment: "rotate", outcome: "contained" });
  });

  it("canary: no minted secret in responses, logs, audit events, Slack payloads or GitHub requests", () => {
    collectCredentialDocuments();
    const secrets = [...kit.minted, stubs.webhookSecret, PREVIOUS, stubs.github.token, stubs.slack.token];
    const out = [...responses, ...kit.logs, JSON.stringify(audits), ...stubs.slack.raw, ...stubs.github.calls.map((c) => c.path + c.body)];
    expect(leakedSecrets(out, secrets)).toEqual([]);
  });
});
