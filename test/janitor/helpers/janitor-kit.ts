import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateSecretCommand, DescribeSecretCommand } from "@aws-sdk/client-secrets-manager";
import { serializeStoredCredentials } from "../../../src/secrets/index.js";
import {
  createJanitorRuntime,
  InProcessQueue,
  loadJanitorConfig,
  processWorkItem,
  signPayload,
  startJanitorServer,
  type JanitorRuntime,
  type JanitorServer,
} from "../../../src/janitor/index.js";
import type { AuditEvent } from "../../../src/audit/index.js";
import type { SandboxKit } from "../../helpers/sandbox.js";
import { startGitHubStub, type GitHubStub } from "./github-stub.js";
import { startSlackStub, type SlackStub } from "./slack-stub.js";

export const REPO = "acme/integrations";
export const DEV_EMAIL = "dev@acme.example";
export const DEV_SLACK_ID = "U-DEV";
export const SOC_CHANNEL = "C-SOC";

export interface Stubs {
  github: GitHubStub;
  slack: SlackStub;
  webhookSecret: string;
  close(): Promise<void>;
}

export async function startStubs(): Promise<Stubs> {
  const github = await startGitHubStub();
  const slack = await startSlackStub();
  slack.users.set(DEV_EMAIL, DEV_SLACK_ID);
  return { github, slack, webhookSecret: randomBytes(24).toString("base64url"), close: async () => void (await Promise.all([github.close(), slack.close()])) };
}

export interface Janitor {
  server: JanitorServer;
  runtime: JanitorRuntime;
  queue: InProcessQueue;
  audits: AuditEvent[];
  clock: { now: number };
  /** Every HTTP response body the janitor sent. */
  responses: string[];
  post(
    event: string,
    payload: unknown,
    options?: { deliveryId?: string; secret?: string; signature?: string | null; contentType?: string; method?: string },
  ): Promise<{ status: number; body: string; deliveryId: string }>;
  close(): Promise<void>;
}

/** GitHub and Slack clients paced for tests: no write spacing, retry units of 10 ms. */
export const FAST_CLIENTS = { github: { limits: { writeSpacingMs: 0, notificationSpacingMs: 0 }, retryUnitMs: 10 }, slack: { retryMinTimeoutMs: 10 } } as const;

/** The janitor wired to the sandbox (credentials from KEYWARD_ADMIN_SECRET_ARN) and the stubs, serving on loopback. */
export async function startJanitor(
  kit: SandboxKit,
  stubs: Stubs,
  options: { policy?: unknown; env?: Record<string, string>; realSleep?: boolean; retryNow?: boolean } = {},
): Promise<Janitor> {
  const janitorArn = (await kit.sm.send(new DescribeSecretCommand({ SecretId: kit.sandbox.secretNames.janitor }))).ARN!;
  const env: Record<string, string> = {
    KEYWARD_WEBHOOK_SECRET: stubs.webhookSecret,
    GITHUB_TOKEN: stubs.github.token,
    GITHUB_API_URL: stubs.github.url,
    SLACK_BOT_TOKEN: stubs.slack.token,
    SLACK_API_URL: stubs.slack.url,
    KEYWARD_SLACK_FALLBACK_CHANNEL: SOC_CHANNEL,
    KEYWARD_SLACK_DM_DOMAINS: "acme.example",
    KEYWARD_ADMIN_SECRET_ARN: janitorArn,
    ...options.env,
  };
  if (options.policy !== undefined) {
    const dir = mkdtempSync(join(tmpdir(), "keyward-policy-"));
    const file = join(dir, "policy.json");
    writeFileSync(file, JSON.stringify(options.policy));
    env.KEYWARD_POLICY_FILE = file;
  }
  const config = loadJanitorConfig(env);
  const audits: AuditEvent[] = [];
  const clock = { now: Date.parse("2030-01-15T12:00:00Z") };
  const logger = kit.logger();
  const runtime = await createJanitorRuntime(config, {
    logger,
    secretsManager: kit.sm,
    auditWrite: (line) => {
      kit.logs.push(line);
      audits.push(JSON.parse(line) as AuditEvent);
    },
    ...(options.realSleep ? {} : { sleep: async () => undefined }),
    verify: { attempts: 2, backoffMs: 1 },
    now: () => clock.now,
    keepTokenWarm: false,
    ...FAST_CLIENTS,
  });
  const queue = new InProcessQueue({
    process: (item, o) => processWorkItem(item, runtime.processorDeps, o),
    logger,
    now: () => clock.now,
    maxAttempts: config.maxAttempts,
    // A retry's wait is not waited in tests (the clock is the test's); the stubs decide when a limit is over.
    ...(options.retryNow === false
      ? {}
      : {
          schedule: (_ms: number, run: () => void) => {
            setImmediate(run);
            return () => undefined;
          },
        }),
  });
  const server = await startJanitorServer({ webhookSecrets: runtime.webhookSecrets, enqueue: queue.enqueue, logger, secretTypes: config.secretTypes });
  const responses: string[] = [];
  return {
    server,
    runtime,
    queue,
    audits,
    clock,
    responses,
    async post(event, payload, o = {}) {
      const body = typeof payload === "string" ? payload : JSON.stringify(payload);
      const deliveryId = o.deliveryId ?? randomUUID();
      const signature = o.signature === undefined ? signPayload(o.secret ?? stubs.webhookSecret, body) : o.signature;
      const res = await fetch(`${server.url}/api/github/webhooks`, {
        method: o.method ?? "POST",
        headers: {
          "content-type": o.contentType ?? "application/json",
          "x-github-event": event,
          "x-github-delivery": deliveryId,
          "user-agent": "GitHub-Hookshot/test",
          ...(signature !== null ? { "x-hub-signature-256": signature } : {}),
        },
        ...(o.method === "GET" ? {} : { body }),
      });
      const text = await res.text();
      responses.push(text, JSON.stringify([...res.headers]));
      return { status: res.status, body: text, deliveryId };
    },
    close: async () => {
      await server.close();
      await queue.idle();
      runtime.close();
    },
  };
}

/** A leak as GitHub would report it: the secret in a committed file, the client id on the line above. */
export function addLeakAlert(
  stubs: Stubs,
  n: number,
  pair: { id: string; secret: string },
  options: { idInFile?: boolean; email?: string | null; otherFileId?: string; secretType?: string; path?: string } = {},
): void {
  const blobSha = `blob${n}${randomUUID().slice(0, 8)}`;
  const commitSha = `c0ffee${n}${randomUUID().replace(/-/g, "").slice(0, 20)}`;
  const lines = [
    "# Genesys Cloud",
    ...(options.idInFile === false ? [] : [`GENESYS_CLIENT_ID=${pair.id}`]),
    `GENESYS_CLIENT_SECRET=${pair.secret}`,
    "DECOY_REQUEST_ID=00000000-0000-4000-8000-00000000dead",
  ];
  stubs.github.blobs.set(blobSha, lines.join("\n") + "\n");
  stubs.github.commits.set(commitSha, {
    ...(options.email === null ? {} : { email: options.email ?? DEV_EMAIL }),
    files: [
      { filename: options.path ?? "config/genesys.env", patch: "+..." },
      ...(options.otherFileId ? [{ filename: "src/app.ts", patch: `+const clientId = "${options.otherFileId}";` }] : []),
    ],
  });
  const line = lines.findIndex((l) => l.startsWith("GENESYS_CLIENT_SECRET")) + 1;
  const commentId = 90_000 + n;
  stubs.github.issueComments.set(`${REPO}#${commentId}`, { body: "Here is the config I used, see the file." });
  stubs.github.addAlert(REPO, {
    number: n,
    secret: pair.secret,
    ...(options.secretType ? { secret_type: options.secretType } : {}),
    locations: [
      {
        type: "commit",
        details: { path: options.path ?? "config/genesys.env", start_line: line, end_line: line, start_column: 23, end_column: 66, blob_sha: blobSha, commit_sha: commitSha },
      },
      {
        type: "issue_comment",
        details: { issue_comment_url: `${stubs.github.url}/repos/${REPO}/issues/comments/${commentId}`, html_url: `https://github.com/${REPO}/issues/1#issuecomment-${commentId}` },
      },
    ],
  });
}

export const alertPayload = (n: number, action = "created", secretType = "keyward_genesys_client_secret") => ({
  action,
  alert: { number: n, secret_type: secretType },
  repository: { full_name: REPO },
});

/** A Secrets Manager container tagged `keyward:client-id`, holding the client's current credential document. */
export async function createTaggedSecret(kit: SandboxKit, name: string, pair: { id: string; secret: string }): Promise<string> {
  const out = await kit.sm.send(
    new CreateSecretCommand({
      Name: name,
      SecretString: serializeStoredCredentials({
        clientId: pair.id,
        clientSecret: pair.secret,
        region: kit.sandbox.region,
        gateway: { host: "127.0.0.1", port: String(kit.sandbox.genesys.port), protocol: "http" },
      }),
      Tags: [
        { Key: "managed-by", Value: "keyward" },
        { Key: "keyward:client-id", Value: pair.id },
      ],
    }),
  );
  return out.ARN!;
}

export function clientView(kit: SandboxKit, id: string) {
  return kit.sandbox.genesys.control.state().clients.find((c) => c.id === id);
}
