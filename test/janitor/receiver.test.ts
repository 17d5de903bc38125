import { leakedSecrets } from "../helpers/keyward-cli.js";
import { useSandboxKit } from "../helpers/sandbox.js";
import { signPayload, verifySignature } from "../../src/janitor/index.js";
import { addLeakAlert, alertPayload, startJanitor, startStubs, type Janitor, type Stubs } from "./helpers/janitor-kit.js";

const kit = useSandboxKit();
let stubs: Stubs;
let janitor: Janitor;

beforeAll(async () => {
  stubs = await startStubs();
  janitor = await startJanitor(kit, stubs, { env: { KEYWARD_WEBHOOK_SECRET_PREVIOUS: "the-previous-webhook-secret-123" } });
});
afterAll(async () => {
  await janitor.close();
  await stubs.close();
});

/** Calls to GitHub, Slack and Genesys so far. */
function outsideCalls() {
  const requests = kit.sandbox.genesys.control.state().requests;
  const genesys = Object.values(requests).reduce((n, byStatus) => n + Object.values(byStatus).reduce((a, b) => a + b, 0), 0);
  return { github: stubs.github.calls.length, slack: stubs.slack.calls, genesys };
}

describe("signature verification (pure)", () => {
  it("matches GitHub's documented test vector", () => {
    expect(signPayload("It's a Secret to Everybody", "Hello, World!")).toBe("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
    expect(verifySignature(["It's a Secret to Everybody"], Buffer.from("Hello, World!"), "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")).toBe(true);
  });
  it.each([
    ["missing", undefined],
    ["empty", ""],
    ["sha1", "sha1=0123"],
    ["uppercase hex", signPayload("k", "body").toUpperCase()],
    ["short", "sha256=abcd"],
    ["other secret", signPayload("other", "body")],
  ])("refuses a %s signature", (_label, header) => {
    expect(verifySignature(["k"], Buffer.from("body"), header)).toBe(false);
  });
  it("accepts any configured secret, current or previous", () => {
    expect(verifySignature(["new", "old"], Buffer.from("b"), signPayload("old", "b"))).toBe(true);
    expect(verifySignature(["new"], Buffer.from("b"), signPayload("old", "b"))).toBe(false);
  });
});

describe("HTTP rules of POST /api/github/webhooks: every rejection touches nothing outside", () => {
  const n = 4242;
  beforeAll(async () => {
    const client = await kit.createClient("receiver-rules");
    addLeakAlert(stubs, n, client);
  });

  it.each([
    ["a forged signature → 401", { signature: "sha256=" + "0".repeat(64) }, 401],
    ["a missing signature → 401", { signature: null }, 401],
    ["a signature with another secret → 401", { secret: "not-the-webhook-secret-at-all" }, 401],
    ["the wrong content type → 415", { contentType: "application/x-www-form-urlencoded" }, 415],
    ["the wrong method → 405", { method: "PUT" }, 405],
  ])("%s", async (_label, options, status) => {
    const before = outsideCalls();
    const res = await janitor.post("secret_scanning_alert", alertPayload(n), options as never);
    await janitor.queue.idle();
    expect(res.status).toBe(status);
    expect(outsideCalls()).toEqual(before);
  });

  it("a body over 1 MiB → 413, malformed JSON → 400, ping → 204, events and actions not acted on → 204", async () => {
    const before = outsideCalls();
    const big = JSON.stringify({ action: "created", pad: "x".repeat(1024 * 1024) });
    expect((await janitor.post("secret_scanning_alert", big)).status).toBe(413);
    expect((await janitor.post("secret_scanning_alert", "{not json")).status).toBe(400);
    expect((await janitor.post("ping", { zen: "Keep it logically awesome." })).status).toBe(204);
    expect((await janitor.post("secret_scanning_alert", alertPayload(n, "resolved"))).status).toBe(204);
    expect((await janitor.post("secret_scanning_alert", alertPayload(n, "assigned"))).status).toBe(204);
    expect((await janitor.post("push", { ref: "refs/heads/main" })).status).toBe(204);
    expect((await janitor.post("secret_scanning_alert", { action: "created", alert: {}, repository: { full_name: "acme/x" } })).status).toBe(400);
    expect((await janitor.post("keyward_finding", { action: "detected", repository: null, finding: { secret: "x" } })).status).toBe(400);
    await janitor.queue.idle();
    expect(outsideCalls()).toEqual(before);
    expect(janitor.audits).toHaveLength(0);
  });

  it("GET /healthz answers 200 and unknown paths 404, without any outside call", async () => {
    const before = outsideCalls();
    const health = await fetch(`${janitor.server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    expect((await fetch(`${janitor.server.url}/elsewhere`, { method: "POST" })).status).toBe(404);
    const get = await fetch(`${janitor.server.url}/api/github/webhooks`);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    expect(outsideCalls()).toEqual(before);
  });

  it("the previous secret is accepted while configured; the response never says what happened", async () => {
    const res = await janitor.post("secret_scanning_alert", alertPayload(n), { secret: "the-previous-webhook-secret-123" });
    expect(res).toMatchObject({ status: 202, body: "accepted\n" });
    await janitor.queue.idle();
    expect(janitor.audits.at(-1)).toMatchObject({ alertNumber: n, outcome: "contained" });
    // A second leak report of a dead secret gets exactly the same answer.
    const again = await janitor.post("secret_scanning_alert", alertPayload(n));
    expect(again).toMatchObject({ status: 202, body: "accepted\n" });
    await janitor.queue.idle();
  });

  it("without KEYWARD_WEBHOOK_SECRET_PREVIOUS the previous secret is refused", async () => {
    const strict = await startJanitor(kit, stubs);
    try {
      const before = outsideCalls();
      const res = await strict.post("secret_scanning_alert", alertPayload(n), { secret: "the-previous-webhook-secret-123" });
      expect(res.status).toBe(401);
      expect(outsideCalls()).toEqual(before);
    } finally {
      await strict.close();
    }
  });

  it("canary: nothing minted appears in responses or logs", () => {
    kit.collectStoredSecrets();
    const secrets = [...kit.minted, stubs.webhookSecret, "the-previous-webhook-secret-123", stubs.github.token, stubs.slack.token];
    expect(leakedSecrets([...janitor.responses, ...kit.logs, JSON.stringify(janitor.audits), ...stubs.slack.raw], secrets)).toEqual([]);
  });
});
