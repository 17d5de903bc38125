import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadRules } from "../../src/scan/rules.js";
import { isSecretValue } from "../../src/scan/detect.js";
import { checkJanitorUrl, isLoopbackHost } from "../../src/scan/janitor.js";
import type { OAuthClientWithSecret } from "../../src/genesys/index.js";
import { runKeyward } from "../helpers/keyward-cli.js";
import { useSandboxKit } from "../helpers/sandbox.js";
import { leaks } from "./corpus.js";

const kit = useSandboxKit();
const rules = loadRules();

/** A client whose secret the rules accept (1 random secret in ~1,400 lacks a digit or a letter case). */
async function scannableClient(name: string): Promise<OAuthClientWithSecret> {
  let client = await kit.createClient(name);
  while (!isSecretValue(client.secret, rules)) {
    client = await kit.genesys().oauthClients.regenerateSecret(client.id);
    kit.minted.add(client.secret);
  }
  return client;
}

const envText = (id: string, secret: string) => `GENESYSCLOUD_OAUTHCLIENT_ID=${id}\nGENESYSCLOUD_OAUTHCLIENT_SECRET=${secret}\n`;

interface Report {
  findings: Array<{ path: string; verdict: string; clientId: string | null; org?: string }>;
}

function forms(clients: Array<{ id: string; secret: string }>): string[] {
  return clients.flatMap((c) => [c.secret, Buffer.from(`${c.id}:${c.secret}`).toString("base64")]);
}

describe("keyward scan --verify against the sandbox", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "keyward-verify-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("labels a live pair live and a regenerated pair dead", async () => {
    const live = await scannableClient("scan-live");
    const regenerated = await scannableClient("scan-regenerated");
    const fresh = await kit.genesys().oauthClients.regenerateSecret(regenerated.id);
    kit.minted.add(fresh.secret);
    writeFileSync(join(dir, "live.env"), envText(live.id, live.secret));
    writeFileSync(join(dir, "old.env"), envText(regenerated.id, regenerated.secret));
    writeFileSync(join(dir, "lonely.env"), `GENESYSCLOUD_OAUTHCLIENT_SECRET=${live.secret}\n`);
    const res = await runKeyward(["scan", dir, "--verify", "--format", "json"], kit.env);
    expect(res.code).toBe(1);
    const verdicts = Object.fromEntries((JSON.parse(res.stdout) as Report).findings.map((f) => [f.path.split("/").at(-1), f.verdict]));
    // With the org's credentials (the sandbox's admin), the lonely secret is found by trying every client of the org,
    // and the regenerated one is proven dead by every one of them refusing it.
    expect(verdicts).toEqual({ "live.env": "live", "old.env": "dead", "lonely.env": "live" });
    expect(kit.sandbox.genesys.control.isSecretValid(live.id, live.secret)).toBe(true);
    expect(leaks([res.stdout, res.stderr], forms([live, regenerated, fresh]))).toEqual([]);
  });

  it("reports live for the right client when an org_id, a division and a queue id sit nearer the secret than client_id", async () => {
    const live = await scannableClient("scan-org-id");
    const decoys = { org: randomUUID(), division: randomUUID(), queue: randomUUID() };
    const config = [
      "genesys:",
      `  client_id: ${live.id}`,
      "  region: us-east-1",
      "  environment: production",
      "  retries: 3",
      "  timeout_seconds: 30",
      "  log_level: info",
      "  routing:",
      `    org_id: ${decoys.org}`,
      `    division_id: ${decoys.division}`,
      `    queue_id: ${decoys.queue}`,
      `  client_secret: ${live.secret}`,
      "",
    ].join("\n");
    writeFileSync(join(dir, "genesys.yaml"), config);
    const truth = (await (
      await fetch(`${kit.env.KEYWARD_SANDBOX_CONTROL_URL}/genesys/secret-check`, { method: "POST", body: JSON.stringify({ clientId: live.id, secret: live.secret }) })
    ).json()) as { valid: boolean };
    expect(truth.valid).toBe(true);
    const res = await runKeyward(["scan", dir, "--verify", "--format", "json"], kit.env);
    expect((JSON.parse(res.stdout) as Report).findings).toEqual([expect.objectContaining({ verdict: "live", clientId: live.id, org: "default" })]);
    expect(leaks([res.stdout, res.stderr], forms([live]))).toEqual([]);
  });

  it.each([
    ["failing (503)", 503],
    ["rate-limited (429)", 429],
  ])("says unknown, never dead, when the token endpoint is %s", async (_name, status) => {
    const live = await scannableClient(`scan-fault-${status}`);
    writeFileSync(join(dir, "live.env"), envText(live.id, live.secret));
    kit.sandbox.genesys.control.addFault({ route: "POST /oauth/token", errorRate: 1, errorStatus: status });
    const res = await runKeyward(["scan", dir, "--verify", "--format", "json"], kit.env);
    expect((JSON.parse(res.stdout) as Report).findings.map((f) => f.verdict)).toEqual(["unknown"]);
    expect(leaks([res.stdout, res.stderr], forms([live]))).toEqual([]);
  });

  it("says unknown when the token endpoint's own rate limit is hit", async () => {
    const live = await scannableClient("scan-token-limit");
    writeFileSync(join(dir, "live.env"), envText(live.id, live.secret));
    kit.sandbox.genesys.control.setLimits({ tokenRequestsPerWindow: 1, tokenWindowSeconds: 600 });
    await expect(kit.check(live.id, live.secret)).resolves.toBe("live"); // uses up the window
    const res = await runKeyward(["scan", dir, "--verify", "--format", "json"], kit.env);
    expect((JSON.parse(res.stdout) as Report).findings.map((f) => f.verdict)).toEqual(["unknown"]);
  });

  it("posts verified-live findings to the janitor, signed with KEYWARD_WEBHOOK_SECRET", async () => {
    const live = await scannableClient("scan-janitor");
    const regenerated = await scannableClient("scan-janitor-dead");
    kit.minted.add((await kit.genesys().oauthClients.regenerateSecret(regenerated.id)).secret);
    writeFileSync(join(dir, "live.env"), envText(live.id, live.secret));
    writeFileSync(join(dir, "dead.env"), envText(regenerated.id, regenerated.secret));
    const webhookSecret = "janitor-webhook-secret-for-tests";
    const received: Array<{ headers: IncomingHttpHeaders; body: string; valid: boolean }> = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (d: Buffer) => (body += d.toString()));
      req.on("end", () => {
        const expected = Buffer.from(`sha256=${createHmac("sha256", webhookSecret).update(body).digest("hex")}`);
        const given = Buffer.from(String(req.headers["x-hub-signature-256"] ?? ""));
        const valid = given.length === expected.length && timingSafeEqual(given, expected);
        received.push({ headers: req.headers, body, valid });
        res.writeHead(valid ? 202 : 401).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
      const res = await runKeyward(["scan", dir, "--verify", "--post-to-janitor", url], {
        ...kit.env,
        KEYWARD_WEBHOOK_SECRET: webhookSecret,
        GITHUB_REPOSITORY: "acme/contact-center",
      });
      expect(res.code).toBe(1);
      expect(res.stderr).toContain("posted 1 live finding");
      expect(received).toHaveLength(1);
      const [event] = received;
      expect(event!.valid).toBe(true);
      expect(event!.headers["content-type"]).toBe("application/json");
      expect(event!.headers["x-github-event"]).toBe("keyward_finding");
      expect(event!.headers["x-github-delivery"]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const body = JSON.parse(event!.body) as { action: string; repository: unknown; finding: Record<string, unknown> };
      expect(body).toEqual({
        action: "detected",
        repository: { full_name: "acme/contact-center" },
        finding: {
          rule_id: "genesys-oauth-client-secret",
          path: expect.stringMatching(/live\.env$/),
          line: 2,
          column: 33,
          commit: null,
          author_email: null,
          client_id: live.id,
          secret: live.secret,
          fingerprint: expect.stringMatching(/^kwf1_/),
        },
      });
      expect(leaks([res.stdout, res.stderr], forms([live]))).toEqual([]);

      const unsigned = await runKeyward(["scan", dir, "--verify", "--post-to-janitor", url], kit.env);
      expect(unsigned.code).toBe(2);
      expect(unsigned.stderr).toContain("KEYWARD_WEBHOOK_SECRET");
      const wrong = await runKeyward(["scan", dir, "--verify", "--post-to-janitor", url], { ...kit.env, KEYWARD_WEBHOOK_SECRET: "wrong" });
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toContain("HTTP 401");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("verification decisions", () => {
  it.each([
    ["https://janitor.example.com/api/github/webhooks", true],
    ["HTTPS://janitor.example.com/x", true],
    ["http://127.0.0.1:8080/api/github/webhooks", true],
    ["http://127.9.9.9/x", true],
    ["http://[::1]:9000/x", true],
    ["http://localhost:3000/x", true],
    ["http://janitor.example.com/x", false],
    ["http://128.0.0.1/x", false],
    ["http://localhost.evil.com/x", false],
    ["ftp://127.0.0.1/x", false],
    ["javascript:alert(1)", false],
    ["not a url", false],
  ])("accepts %s as a janitor URL: %s", (url, ok) => {
    if (ok) expect(checkJanitorUrl(url)).toBeInstanceOf(URL);
    else expect(() => checkJanitorUrl(url)).toThrow(/--post-to-janitor/);
  });

  it("knows loopback hosts", () => {
    expect(["127.0.0.1", "::1", "[::1]", "localhost", "LOCALHOST"].map(isLoopbackHost)).toEqual([true, true, true, true, true]);
    expect(["10.0.0.1", "::2", "example.com"].map(isLoopbackHost)).toEqual([false, false, false]);
  });
});
