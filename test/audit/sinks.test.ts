import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { AUDIT_SCHEMA, datadogSink, secretFingerprint, serialize, splunkHecSink, stdoutSink, writeAudit, type AuditEvent } from "../../src/audit/index.js";
import { fingerprintOf } from "../../src/contracts/fingerprint.js";
import { createLogger } from "../../src/core/log.js";
import { registerSecret, resetSecretRegistry } from "../../src/core/redact.js";

const event = (): AuditEvent => ({
  schema: AUDIT_SCHEMA,
  time: "2030-01-15T12:00:00.000Z",
  deliveryId: "d-1",
  event: "secret_scanning_alert",
  action: "created",
  repository: "acme/repo",
  alertNumber: 3,
  location: { type: "commit", path: "a.env", line: 2, commit: "abc" },
  clientId: "0a1b2c3d-0000-4000-8000-000000000001",
  secretFingerprint: "kwf1_0123456789abcdef",
  candidates: 1,
  verdict: "live",
  containment: "revoke",
  outcome: "contained",
  dryRun: false,
  alertResolution: "resolved",
  notified: "dm",
  ownClient: false,
  timings: { fetchMs: 1, verifyMs: 2, containMs: 3, resolveMs: 4, notifyMs: 5, totalMs: 15 },
  errors: [],
  attempt: 1,
  retryInMs: null,
  secretType: "keyward_genesys_client_secret",
  repaired: [],
});

async function intake(status = 200, headers: Record<string, string> = {}) {
  const seen: Array<{ headers: Record<string, unknown>; body: string }> = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    seen.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
    res.writeHead(status, headers).end("{}");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/collector/event`,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

afterEach(() => resetSecretRegistry());

describe("audit fingerprints", () => {
  it("are keyward's one scheme (kwf1_): the scanner's fingerprint under the same key, different across keys, never the value", () => {
    const fp = secretFingerprint("org-fingerprint-key", "the-leaked-secret-value");
    expect(fp).toMatch(/^kwf1_[0-9a-f]{16}$/);
    expect(fp).toBe(fingerprintOf("the-leaked-secret-value", "org-fingerprint-key"));
    expect(secretFingerprint("another-key", "the-leaked-secret-value")).not.toBe(fp);
    expect(fp).not.toContain("the-leaked");
  });
});

describe("audit sinks", () => {
  it("stdout writes one JSON line of the versioned schema, scrubbed of registered secrets", async () => {
    const lines: string[] = [];
    registerSecret("planted-secret-value");
    await stdoutSink((l) => lines.push(l)).write({ ...event(), errors: ["x:planted-secret-value"] });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ schema: "keyward.janitor.audit/v2", outcome: "contained", errors: ["x:[REDACTED]"] });
  });

  it("Splunk HEC and Datadog get the event with their own auth headers", async () => {
    const splunk = await intake();
    const dd = await intake(202);
    try {
      await splunkHecSink(splunk.url, "hec-token-value").write(event());
      await datadogSink("dd-api-key-value", dd.url).write(event());
      expect(splunk.seen[0]!.headers.authorization).toBe("Splunk hec-token-value");
      expect(JSON.parse(splunk.seen[0]!.body)).toMatchObject({ sourcetype: "keyward:janitor:audit", event: { deliveryId: "d-1" } });
      expect(dd.seen[0]!.headers["dd-api-key"]).toBe("dd-api-key-value");
      const [entry] = JSON.parse(dd.seen[0]!.body) as Array<{ message: string; service: string }>;
      expect(entry!.service).toBe("keyward-janitor");
      expect(JSON.parse(entry!.message)).toMatchObject({ deliveryId: "d-1" });
    } finally {
      await splunk.close();
      await dd.close();
    }
  });

  it("a sink never follows a redirect: a cross-origin 307 does not carry the Datadog key or the HEC token elsewhere", async () => {
    const elsewhere = await intake(200);
    const origin = new URL(elsewhere.url).origin.replace("127.0.0.1", "localhost");
    const dd = await intake(307, { location: `${origin}/steal` });
    const hec = await intake(307, { location: `${origin}/steal` });
    const logs: string[] = [];
    try {
      const failed = await writeAudit(
        [datadogSink("dd-api-key-value", dd.url), splunkHecSink(hec.url, "hec-token-value")],
        event(),
        createLogger({ level: "warn", write: (l) => logs.push(l) }),
      );
      expect(failed.sort()).toEqual(["datadog", "splunk"]);
      expect(dd.seen).toHaveLength(1);
      expect(hec.seen).toHaveLength(1);
      expect(elsewhere.seen).toEqual([]);
    } finally {
      await Promise.all([elsewhere.close(), dd.close(), hec.close()]);
    }
  });

  it("a failing sink is reported, never thrown, and the other sinks still get the event", async () => {
    const down = await intake(503);
    const lines: string[] = [];
    const logs: string[] = [];
    try {
      const failed = await writeAudit(
        [splunkHecSink(down.url, "tok-value"), datadogSink("k-value", "http://127.0.0.1:9/unreachable"), stdoutSink((l) => lines.push(l))],
        event(),
        createLogger({ level: "warn", write: (l) => logs.push(l) }),
      );
      expect(failed.sort()).toEqual(["datadog", "splunk"]);
      expect(lines).toHaveLength(1);
      expect(logs.join("\n")).toMatch(/audit sink failed/);
      expect(serialize(event())).toBe(lines[0]);
    } finally {
      await down.close();
    }
  });
});
