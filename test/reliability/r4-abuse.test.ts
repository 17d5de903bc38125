import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { signPayload } from "../../src/janitor/index.js";
import { useSandboxKit } from "../helpers/sandbox.js";
import { addLeakAlert, alertPayload, createTaggedSecret, startJanitor, startStubs, type Janitor, type Stubs } from "../janitor/helpers/janitor-kit.js";
import { canary, report } from "./report.js";

/**
 * R4: at least 10,000 generated requests against the janitor (property-based): forged, truncated, oversized,
 * replayed, wrong content types, random JSON, valid signatures over hostile JSON. No crash, no 5xx, and zero writes
 * to Genesys Cloud or GitHub for anything that is not a valid live-leak alert.
 */
const kit = useSandboxKit();
let stubs: Stubs;
let janitor: Janitor;
beforeAll(async () => {
  stubs = await startStubs();
  janitor = await startJanitor(kit, stubs);
});
afterAll(async () => {
  await janitor.close();
  await stubs.close();
  const c = canary(
    [...janitor.responses, ...kit.logs, ...stubs.slack.raw, ...stubs.github.calls.map((x) => x.body)],
    [...kit.minted, stubs.webhookSecret, stubs.github.token, stubs.slack.token],
  );
  report("R1", `canary over R4's responses, logs, Slack and GitHub traffic: ${c.searched} secrets, ${c.forms} forms: ${c.hits.length} hits`);
  expect(c.hits).toEqual([]);
});

const GENESYS_WRITES =
  /^(POST \/api\/v2\/oauth\/clients\/\{clientId\}\/secret|PUT \/api\/v2\/oauth\/clients\/\{clientId\}|DELETE \/api\/v2\/oauth\/clients\/\{clientId\}|POST \/api\/v2\/oauth\/clients)$/;
const genesysWrites = () =>
  Object.entries(kit.sandbox.genesys.control.state().requests)
    .filter(([k]) => GENESYS_WRITES.test(k))
    .reduce((n, [, s]) => n + Object.values(s).reduce((a, b) => a + b, 0), 0);
const githubWrites = () => stubs.github.calls.filter((c) => c.method !== "GET").length;

type Shape = { kind: string; body: string; event: string; contentType: string; method: string; signature: (body: string) => string | null; deliveryId?: string };
const hostileJson = fc.oneof(
  fc.json(),
  fc
    .record({ action: fc.constantFrom("created", "reopened", "publicly_leaked", "validated", "resolved", "x"), alert: fc.anything(), repository: fc.anything() })
    .map((o) => JSON.stringify(o)),
  fc
    .record({ action: fc.constant("created"), alert: fc.record({ number: fc.oneof(fc.integer(), fc.string(), fc.double()) }), repository: fc.record({ full_name: fc.string() }) })
    .map((o) => JSON.stringify(o)),
  fc.record({ action: fc.constant("detected"), repository: fc.anything(), finding: fc.anything() }).map((o) => JSON.stringify(o)),
);
const shape: fc.Arbitrary<Shape> = fc.oneof(
  hostileJson.map((body) => ({
    kind: "forged",
    body,
    event: "secret_scanning_alert",
    contentType: "application/json",
    method: "POST",
    signature: () => "sha256=" + "ab".repeat(32),
  })),
  hostileJson.map((body) => ({ kind: "unsigned", body, event: "secret_scanning_alert", contentType: "application/json", method: "POST", signature: () => null })),
  hostileJson.map((body) => ({
    kind: "truncated",
    body,
    event: "secret_scanning_alert",
    contentType: "application/json",
    method: "POST",
    signature: (b: string) => signPayload(stubs.webhookSecret, b + "x"),
  })),
  fc.tuple(hostileJson, fc.constantFrom("text/plain", "application/x-www-form-urlencoded", "", "multipart/form-data")).map(([body, contentType]) => ({
    kind: "content-type",
    body,
    event: "secret_scanning_alert",
    contentType,
    method: "POST",
    signature: (b: string) => signPayload(stubs.webhookSecret, b),
  })),
  fc.constantFrom("PUT", "GET", "DELETE", "PATCH").map((method) => ({
    kind: "method",
    body: "{}",
    event: "secret_scanning_alert",
    contentType: "application/json",
    method,
    signature: (b: string) => signPayload(stubs.webhookSecret, b),
  })),
  fc.tuple(hostileJson, fc.constantFrom("secret_scanning_alert", "keyward_finding", "ping", "push", "", "issues")).map(([body, event]) => ({
    kind: "signed hostile JSON",
    body,
    event,
    contentType: "application/json",
    method: "POST",
    signature: (b: string) => signPayload(stubs.webhookSecret, b),
  })),
  fc.string({ maxLength: 200 }).map((body) => ({
    kind: "signed non-JSON",
    body,
    event: "secret_scanning_alert",
    contentType: "application/json",
    method: "POST",
    signature: (b: string) => signPayload(stubs.webhookSecret, b),
  })),
  fc.constant({
    kind: "oversized",
    body: JSON.stringify({ action: "created", pad: "x".repeat(1024 * 1024 + 10) }),
    event: "secret_scanning_alert",
    contentType: "application/json",
    method: "POST",
    signature: (b: string) => signPayload(stubs.webhookSecret, b),
  }),
  fc.constant({
    kind: "replayed",
    body: JSON.stringify({ action: "created", alert: { number: 777777 }, repository: { full_name: "acme/none" } }),
    event: "secret_scanning_alert",
    contentType: "application/json",
    method: "POST",
    signature: (b: string) => signPayload(stubs.webhookSecret, b),
    deliveryId: "replayed-delivery-id",
  }),
);

describe("R4 abuse", () => {
  it("10,000 generated requests: no crash, no 5xx, zero Genesys or GitHub writes", async () => {
    const before = { genesys: genesysWrites(), github: githubWrites() };
    const statuses = new Map<number, number>();
    const kinds = new Map<string, number>();
    let sent = 0;
    const samples = fc.sample(shape, { numRuns: 10_000, seed: 20261202 });
    for (let i = 0; i < samples.length; i += 50) {
      await Promise.all(
        samples.slice(i, i + 50).map(async (s) => {
          const signature = s.signature(s.body);
          const res = await fetch(`${janitor.server.url}/api/github/webhooks`, {
            method: s.method,
            headers: {
              ...(s.contentType ? { "content-type": s.contentType } : {}),
              "x-github-event": s.event,
              "x-github-delivery": s.deliveryId ?? randomUUID(),
              ...(signature ? { "x-hub-signature-256": signature } : {}),
            },
            ...(s.method === "GET" ? {} : { body: s.body }),
          });
          await res.text();
          sent++;
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          kinds.set(s.kind, (kinds.get(s.kind) ?? 0) + 1);
        }),
      );
    }
    await janitor.queue.idle();
    const health = await fetch(`${janitor.server.url}/healthz`);
    expect(health.status).toBe(200);
    const fiveHundreds = [...statuses].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0);
    report(
      "R4",
      `${sent} requests (${[...kinds].map(([k, n]) => `${k} ${n}`).join(", ")}); statuses ${[...statuses]
        .sort((a, b) => a[0] - b[0])
        .map(([s, n]) => `${s}×${n}`)
        .join(" ")}; 5xx ${fiveHundreds}; Genesys writes ${genesysWrites() - before.genesys}; GitHub writes ${githubWrites() - before.github}; healthz after: ${health.status}`,
    );
    expect(sent).toBeGreaterThanOrEqual(10_000);
    expect(fiveHundreds).toBe(0);
    expect(genesysWrites() - before.genesys).toBe(0);
    expect(githubWrites() - before.github).toBe(0);
  }, 300_000);

  it("live leaks under rate limits (primary, secondary, 429), replays and stores failing mid-containment: 0 left live, 0 dead managed secrets", async () => {
    const LEAKS = 18;
    kit.sandbox.genesys.control.setLimits({ apiRequestsPerWindow: 1_000_000, tokenRequestsPerWindow: 1_000_000 });
    const local = await startJanitor(kit, stubs, { env: { KEYWARD_JANITOR_DELIVERY_BUDGET_SECONDS: "5" } });
    try {
      const leaks: Array<{ id: string; secret: string; n: number; managed: string | null }> = [];
      for (let i = 0; i < LEAKS; i++) {
        const c = await kit.createClient(`r4-live-${i}`);
        const managed = i % 2 === 0 ? `keyward/clients/r4-live-${i}` : null;
        if (managed) await createTaggedSecret(kit, managed, c);
        addLeakAlert(stubs, 8000 + i, c);
        leaks.push({ ...c, n: 8000 + i, managed });
      }
      const kinds = [
        { kind: "primary" as const, resetInSeconds: 1 },
        { kind: "secondary-429" as const, retryAfterSeconds: 30 },
        { kind: "bare-429" as const, retryAfterSeconds: 30 },
        { kind: "secondary" as const },
      ];
      leaks.forEach((l, i) => {
        if (i % 2 === 1 || i % 4 === 0) stubs.github.rateLimits.push({ ...kinds[i % 4]!, times: 1, match: (m, p) => m === "GET" && p.endsWith(`/secret-scanning/alerts/${l.n}`) });
      });
      // Two managed leaks' stores fail while they are contained (the state a crash between regenerate and store leaves).
      let failing = 0;
      const post = (n: number) => local.post("secret_scanning_alert", alertPayload(n));
      for (const l of leaks) {
        if (l.managed && failing < 2) {
          failing++;
          kit.sandbox.secretsManager.control.setFaults({ unavailable: true, operations: ["PutSecretValue"] });
          await post(l.n);
          await local.queue.idle();
          kit.sandbox.secretsManager.control.clearFaults();
        } else await post(l.n);
      }
      await local.queue.idle();
      // Replays of every leak under new delivery ids.
      for (let r = 0; r < 3; r++) await Promise.all(leaks.map((l) => post(l.n)));
      await local.queue.idle();
      let live = 0;
      let deadManaged = 0;
      for (const l of leaks) if ((await kit.check(l.id, l.secret)) !== "dead") live++;
      for (const l of leaks) if (l.managed && (await kit.check(l.id, (await kit.stored(l.managed)).clientSecret)) !== "live") deadManaged++;
      const outcomes = new Map<string, number>();
      for (const a of local.audits.filter((e) => e.alertNumber !== null && e.alertNumber >= 8000)) outcomes.set(a.outcome, (outcomes.get(a.outcome) ?? 0) + 1);
      report(
        "R4",
        `live leaks: ${LEAKS} (${LEAKS / 2} managed), rate limits on ${stubs.github.rateLimits.filter((r) => r.times === 0).length} alerts, ${LEAKS * 3} replays, ${failing} stores failing mid-containment; outcomes ${[...outcomes].map(([k, v]) => `${k}×${v}`).join(" ")}; live leaks left ${live}; dead managed secrets ${deadManaged}`,
      );
      expect(live).toBe(0);
      expect(deadManaged).toBe(0);
    } finally {
      await local.close();
      stubs.github.rateLimits.length = 0;
    }
  }, 300_000);
});
