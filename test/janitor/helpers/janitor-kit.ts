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
  post(event: string, payload: unknown, options?: { deliveryId?: string; secret?: string; signature?: string | null; contentType?: string; method?: string }): Promise<{ status: number; body: string; deliveryId: string }>;
  close(): Promise<void>;
}

/** The janitor wired to the sandbox (credentials from KEYWARD_JANITOR_CREDENTIALS_ARN) and the stubs, serving on loopback. */
export async function startJanitor(kit: SandboxKit, stubs: Stubs, options: { policy?: unknown; env?: Record<string, string> } = {}): Promise<Janitor> {
  const janitorArn = (await kit.sm.send(new DescribeSecretCommand({ SecretId: kit.sandbox.secretNames.janitor }))).ARN!;
  const env: Record<string, string> = {
    KEYWARD_WEBHOOK_SECRET: stubs.webhookSecret,
    GITHUB_TOKEN: stubs.github.token,
    GITHUB_API_URL: stubs.github.url,
    SLACK_BOT_TOKEN: stubs.slack.token,
    SLACK_API_URL: stubs.slack.url,
    KEYWARD_SLACK_FALLBACK_CHANNEL: SOC_CHANNEL,
    KEYWARD_JANITOR_CREDENTIALS_ARN: janitorArn,
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
    sleep: async () => undefined,
    verify: { attempts: 2, backoffMs: 1 },
    now: () => clock.now,
  });
  const queue = new InProcessQueue({ process: (item) => processWorkItem(item, runtime.processorDeps), logger, now: () => clock.now });
  const server = await startJanitorServer({ webhookSecrets: runtime.webhookSecrets, enqueue: queue.enqueue, logger });
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
    },
  };
}

/** A leak as GitHub would report it: the secret in a committed file, the client id on the line above. */
export function addLeakAlert(stubs: Stubs, n: number, pair: { id: string; secret: string }, options: { idInFile?: boolean; email?: string | null; otherFileId?: string } = {}): void {
  const blobSha = `blob${n}${randomUUID().slice(0, 8)}`;
  const commitSha = `c0ffee${n}${randomUUID().replace(/-/g, "").slice(0, 20)}`;
  const lines = ["# Genesys Cloud", ...(options.idInFile === false ? [] : [`GENESYS_CLIENT_ID=${pair.id}`]), `GENESYS_CLIENT_SECRET=${pair.secret}`, "DECOY_REQUEST_ID=00000000-0000-4000-8000-00000000dead"];
  stubs.github.blobs.set(blobSha, lines.join("\n") + "\n");
  stubs.github.commits.set(commitSha, {
    ...(options.email === null ? {} : { email: options.email ?? DEV_EMAIL }),
    files: [
      { filename: "config/genesys.env", patch: "+..." },
      ...(options.otherFileId ? [{ filename: "src/app.ts", patch: `+const clientId = "${options.otherFileId}";` }] : []),
    ],
  });
  const line = lines.findIndex((l) => l.startsWith("GENESYS_CLIENT_SECRET")) + 1;
  stubs.github.addAlert(REPO, {
    number: n,
    secret: pair.secret,
    locations: [
      { type: "commit", details: { path: "config/genesys.env", start_line: line, end_line: line, start_column: 23, end_column: 66, blob_sha: blobSha, commit_sha: commitSha, blob_url: "x", commit_url: "y" } },
      { type: "issue_comment", details: { issue_comment_url: `${stubs.github.url}/repos/${REPO}/issues/999` } },
    ],
  });
}

export const alertPayload = (n: number, action = "created") => ({ action, alert: { number: n, secret_type: "keyward_genesys_client_secret" }, repository: { full_name: REPO } });

/** A Secrets Manager container tagged `keyward:client-id`, holding the client's current credential document. */
export async function createTaggedSecret(kit: SandboxKit, name: string, pair: { id: string; secret: string }): Promise<string> {
  const out = await kit.sm.send(
    new CreateSecretCommand({
      Name: name,
      SecretString: serializeStoredCredentials({ clientId: pair.id, clientSecret: pair.secret, region: kit.sandbox.region, gateway: { host: "127.0.0.1", port: String(kit.sandbox.genesys.port), protocol: "http" } }),
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
