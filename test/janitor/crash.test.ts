// High 2: a crash between regenerate and store, and repeated SIGTERMs, against `keyward janitor serve` as a real process.
import { randomUUID } from "node:crypto";
import { DescribeSecretCommand } from "@aws-sdk/client-secrets-manager";
import { signPayload } from "../../src/janitor/index.js";
import { leakedSecrets, runKeyward, startKeyward, type RunningKeyward } from "../helpers/keyward-cli.js";
import { useSandboxKit } from "../helpers/sandbox.js";
import { addLeakAlert, alertPayload, createTaggedSecret, REPO, SOC_CHANNEL, startStubs, type Stubs } from "./helpers/janitor-kit.js";

const kit = useSandboxKit();
let stubs: Stubs;
let alertNo = 3000;
const running: RunningKeyward[] = [];

beforeAll(async () => {
  stubs = await startStubs();
});
afterAll(async () => {
  for (const r of running) if (r.child.exitCode === null) r.child.kill("SIGKILL");
  await stubs.close();
});
afterEach(() => kit.sandbox.secretsManager.control.clearFaults());

async function janitorEnv(): Promise<Record<string, string>> {
  const env = kit.env;
  const own = (await kit.sm.send(new DescribeSecretCommand({ SecretId: kit.sandbox.secretNames.janitor }))).ARN!;
  return {
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    KEYWARD_WEBHOOK_SECRET: stubs.webhookSecret,
    GITHUB_TOKEN: stubs.github.token,
    GITHUB_API_URL: stubs.github.url,
    SLACK_BOT_TOKEN: stubs.slack.token,
    SLACK_API_URL: stubs.slack.url,
    KEYWARD_SLACK_FALLBACK_CHANNEL: SOC_CHANNEL,
    KEYWARD_SLACK_DM_DOMAINS: "acme.example",
    KEYWARD_ADMIN_SECRET_ARN: own,
    KEYWARD_LOG_LEVEL: "info",
    AWS_ENDPOINT_URL_SECRETS_MANAGER: env.AWS_ENDPOINT_URL_SECRETS_MANAGER!,
    AWS_REGION: env.AWS_REGION!,
    AWS_ACCESS_KEY_ID: env.AWS_ACCESS_KEY_ID!,
    AWS_SECRET_ACCESS_KEY: env.AWS_SECRET_ACCESS_KEY!,
  };
}

async function serve(): Promise<{ janitor: RunningKeyward; url: string }> {
  const janitor = startKeyward(["janitor", "serve", "--port", "0"], await janitorEnv(), { timeoutMs: 120_000 });
  running.push(janitor);
  await janitor.waitForStderr(/"msg":"janitor listening"/);
  const url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(janitor.output().stderr)![1]!;
  return { janitor, url };
}

async function post(url: string, n: number): Promise<string> {
  const body = JSON.stringify(alertPayload(n));
  const deliveryId = randomUUID();
  const res = await fetch(`${url}/api/github/webhooks`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": "secret_scanning_alert",
      "x-github-delivery": deliveryId,
      "x-hub-signature-256": signPayload(stubs.webhookSecret, body),
    },
    body,
  });
  expect(res.status).toBe(202);
  return deliveryId;
}

/** The audit line of a delivery, once `keyward janitor serve` printed it. */
async function auditOf(janitor: RunningKeyward, deliveryId: string): Promise<Record<string, unknown>> {
  await janitor
    .waitForStderr(new RegExp(`"msg":"delivery processed".*"deliveryId":"${deliveryId}"|"deliveryId":"${deliveryId}".*"msg":"delivery processed"`), 60_000)
    .catch(() => undefined);
  const line = janitor
    .output()
    .stdout.split("\n")
    .find((l) => l.includes(`"deliveryId":"${deliveryId}"`));
  if (!line) throw new Error(`no audit line for ${deliveryId}: ${janitor.output().stderr.slice(-1500)}`);
  return JSON.parse(line) as Record<string, unknown>;
}

/** SIGKILL after the regenerate, while the store hangs: the managed secret is left holding the dead, leaked value. */
async function crashMidContainment(name: string): Promise<{ client: { id: string; secret: string }; n: number }> {
  const client = await kit.createClient(name);
  await createTaggedSecret(kit, `keyward/clients/${name}`, client);
  const n = ++alertNo;
  addLeakAlert(stubs, n, client);
  // The rotation's first PutSecretValue is its lock record (before the regenerate); the store of the new secret hangs.
  kit.sandbox.secretsManager.control.faults.set([{ route: "PutSecretValue", latencyMs: 110_000, skip: 1 }]);
  const { janitor, url } = await serve();
  await post(url, n);
  await janitor.waitForStderr(/regenerated client secret/, 60_000);
  janitor.child.kill("SIGKILL");
  await janitor.done;
  kit.sandbox.secretsManager.control.clearFaults();
  expect(await kit.check(client.id, client.secret)).toBe("dead");
  expect((await kit.stored(`keyward/clients/${name}`)).clientSecret).toBe(client.secret);
  return { client, n };
}

describe("a crash between regenerate and store loses nothing", () => {
  it("the redelivery finds the managed secret dead, rotates again, stores, resolves the alert and tells a human", async () => {
    const { client, n } = await crashMidContainment("crash-redelivered");
    const socBefore = stubs.slack.posts.filter((p) => p.channel === SOC_CHANNEL).length;
    const { janitor, url } = await serve();
    const deliveryId = await post(url, n);
    const audit = await auditOf(janitor, deliveryId);
    expect(audit).toMatchObject({ outcome: "repaired", verdict: "dead", alertResolution: "resolved", clientId: client.id });
    const stored = await kit.stored(`keyward/clients/crash-redelivered`);
    expect(await kit.check(client.id, stored.clientSecret)).toBe("live");
    expect(stubs.github.alerts.get(`${REPO}#${n}`)).toMatchObject({ state: "resolved", resolution: "revoked" });
    const soc = stubs.slack.posts.filter((p) => p.channel === SOC_CHANNEL);
    expect(soc.length - socBefore).toBe(1);
    expect(soc.at(-1)!.text).toMatch(/did not authenticate .* rotated it again/);
    janitor.child.kill("SIGTERM");
    expect((await janitor.done).code).toBe(0);
    kit.collectStoredSecrets();
    expect(
      leakedSecrets([janitor.output().stdout, janitor.output().stderr, ...stubs.slack.raw], [...kit.minted, stubs.webhookSecret, stubs.github.token, stubs.slack.token]),
    ).toEqual([]);
  }, 180_000);

  it("`keyward janitor sweep` repairs it without any delivery", async () => {
    const { client } = await crashMidContainment("crash-swept");
    const run = await runKeyward(["janitor", "sweep"], await janitorEnv(), { timeoutMs: 120_000 });
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout.trim().split("\n").at(-1)!) as { sweep: { repaired: string[]; failed: string[] } };
    expect(report.sweep.repaired).toContain("keyward/clients/crash-swept");
    expect(report.sweep.failed).toEqual([]);
    expect(await kit.check(client.id, (await kit.stored("keyward/clients/crash-swept")).clientSecret)).toBe("live");
  }, 180_000);
});

describe("repeated SIGTERMs still drain", () => {
  it("a second SIGTERM while a containment is storing does not cut it short: stored, verified, exit 0", async () => {
    const client = await kit.createClient("double-sigterm");
    await createTaggedSecret(kit, "keyward/clients/double-sigterm", client);
    const n = ++alertNo;
    addLeakAlert(stubs, n, client);
    kit.sandbox.secretsManager.control.setFaults({ latencyMs: 3_000, operations: ["PutSecretValue"] });
    const { janitor, url } = await serve();
    const deliveryId = await post(url, n);
    await janitor.waitForStderr(/regenerated client secret/, 60_000);
    janitor.child.kill("SIGTERM");
    await janitor.waitForStderr(/"msg":"stopping/);
    janitor.child.kill("SIGTERM");
    janitor.child.kill("SIGINT");
    const done = await janitor.done;
    expect({ code: done.code, signal: done.signal }).toEqual({ code: 0, signal: null });
    expect(done.stderr).toMatch(/already stopping/);
    expect(done.stdout).toContain(`"deliveryId":"${deliveryId}"`);
    expect(await kit.check(client.id, client.secret)).toBe("dead");
    expect(await kit.check(client.id, (await kit.stored("keyward/clients/double-sigterm")).clientSecret)).toBe("live");
  }, 120_000);
});
