// `keyward janitor serve` as a real process against the sandbox and the GitHub/Slack stubs.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { randomUUID } from "node:crypto";
import { signPayload } from "../../src/janitor/index.js";
import { KEYWARD_BIN, leakedSecrets } from "../helpers/keyward-cli.js";
import { useSandboxKit } from "../helpers/sandbox.js";
import { addLeakAlert, alertPayload, DEV_SLACK_ID, SOC_CHANNEL, startStubs, type Stubs } from "./helpers/janitor-kit.js";

const kit = useSandboxKit();
let stubs: Stubs;
let child: ChildProcessWithoutNullStreams;
let stdout = "";
let stderr = "";
let url = "";
const waiters: Array<() => void> = [];

beforeAll(async () => {
  stubs = await startStubs();
  const env = kit.env;
  child = spawn(process.execPath, ["--", KEYWARD_BIN, "janitor", "serve", "--port", "0"], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      KEYWARD_WEBHOOK_SECRET: stubs.webhookSecret,
      GITHUB_TOKEN: stubs.github.token,
      GITHUB_API_URL: stubs.github.url,
      SLACK_BOT_TOKEN: stubs.slack.token,
      SLACK_API_URL: stubs.slack.url,
      KEYWARD_SLACK_FALLBACK_CHANNEL: SOC_CHANNEL,
      KEYWARD_SLACK_DM_DOMAINS: "acme.example",
      // The janitor acts as the sandbox's janitor-role client, through the sandbox gateway.
      GENESYSCLOUD_OAUTHCLIENT_ID: kit.sandbox.janitor.id,
      GENESYSCLOUD_OAUTHCLIENT_SECRET: kit.sandbox.janitor.secret,
      GENESYSCLOUD_REGION: env.GENESYSCLOUD_REGION,
      GENESYSCLOUD_GATEWAY_HOST: env.GENESYSCLOUD_GATEWAY_HOST,
      GENESYSCLOUD_GATEWAY_PORT: env.GENESYSCLOUD_GATEWAY_PORT,
      GENESYSCLOUD_GATEWAY_PROTOCOL: env.GENESYSCLOUD_GATEWAY_PROTOCOL,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: env.AWS_ENDPOINT_URL_SECRETS_MANAGER,
      AWS_REGION: env.AWS_REGION,
      AWS_ACCESS_KEY_ID: env.AWS_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: env.AWS_SECRET_ACCESS_KEY,
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
    for (const w of waiters.splice(0)) w();
  });
  url = await new Promise<string>((resolve, reject) => {
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(stderr);
      if (m) resolve(m[1]!);
    });
    child.once("exit", (code) => reject(new Error(`janitor exited ${code}: ${stderr}`)));
  });
});

afterAll(async () => {
  if (child.exitCode === null) {
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  }
  await stubs.close();
});

/** Resolves once stdout holds the audit line of `deliveryId` (event-driven, no timers). */
async function auditOf(deliveryId: string): Promise<Record<string, unknown>> {
  for (;;) {
    const line = stdout.split("\n").find((l) => l.includes(`"deliveryId":"${deliveryId}"`));
    if (line) return JSON.parse(line) as Record<string, unknown>;
    await new Promise<void>((r) => waiters.push(r));
  }
}

it("contains a live leak end to end and prints one audit line per delivery, with no secret anywhere", async () => {
  const client = await kit.createClient("cli-serve-leak");
  addLeakAlert(stubs, 1, client);
  const body = JSON.stringify(alertPayload(1));
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
  const audit = await auditOf(deliveryId);
  expect(audit).toMatchObject({ schema: "keyward.janitor.audit/v2", outcome: "contained", clientId: client.id, notified: "dm" });
  expect(await kit.check(client.id, client.secret)).toBe("dead");
  expect(stubs.slack.posts.some((p) => p.channel === `D-${DEV_SLACK_ID}`)).toBe(true);
  expect(leakedSecrets([stdout, stderr, ...stubs.slack.raw], [...kit.minted, stubs.webhookSecret, stubs.github.token, stubs.slack.token])).toEqual([]);
});
