import { buildAuditEvent, outcomeOf } from "../../src/janitor/index.js";
import type { StepOutcomes } from "../../src/janitor/steps/audit.js";
import { verdictCache } from "../../src/janitor/verdict-cache.js";

const ID = "0a1b2c3d-0000-4000-8000-000000000001";
const base = (o: Partial<StepOutcomes> = {}): StepOutcomes => ({
  item: { v: 1, deliveryId: "d-1", event: "secret_scanning_alert", action: "created", repository: "acme/repo", alertNumber: 4 },
  dryRun: false,
  attempt: 1,
  collect: {
    kind: "collected",
    secret: "a-leaked-secret-value",
    alert: { state: "open" },
    secretType: "keyward_genesys_client_secret",
    named: [],
    facts: { repository: "acme/repo" },
    location: null,
  },
  secretFingerprint: "hmac-sha256:0123456789abcdef",
  disposition: { kind: "done" },
  timings: { fetchMs: 1, verifyMs: 2, containMs: 3, resolveMs: 4, notifyMs: 5, totalMs: 15 },
  errors: [],
  time: "2030-01-15T12:00:00.000Z",
  ...o,
});

describe("the audit event is built from the steps' outcomes by one pure function", () => {
  it("a contained leak", () => {
    const e = buildAuditEvent(
      base({
        verify: { kind: "live", clientId: ID, org: "default", tried: 1 },
        contain: { kind: "contained", decision: { action: "rotate" }, performed: "rotate", secretId: "arn:x", ownClient: false },
        resolve: { alertResolution: "resolved" },
        tell: { notified: "dm" },
      }),
    );
    expect(e).toMatchObject({
      schema: "keyward.janitor.audit/v2",
      outcome: "contained",
      verdict: "live",
      clientId: ID,
      containment: "rotate",
      secretId: "arn:x",
      alertResolution: "resolved",
      notified: "dm",
      candidates: 1,
      attempt: 1,
      retryInMs: null,
      secretType: "keyward_genesys_client_secret",
      repaired: [],
    });
  });

  it("a try that will be retried says when", () => {
    const e = buildAuditEvent(
      base({
        collect: { kind: "failed", reason: "github-rate-limited", retryable: true, retryAfterMs: 30_000 },
        secretFingerprint: null,
        disposition: { kind: "retry", afterMs: 30_000 },
        attempt: 2,
      }),
    );
    expect(e).toMatchObject({ outcome: "error", attempt: 2, retryInMs: 30_000, errors: ["fetch:github-rate-limited"], alertResolution: "not-applicable" });
  });

  it("each outcome word", () => {
    const live = { kind: "live" as const, clientId: ID, org: "default", tried: 1 };
    const decision = { action: "revoke" as const };
    expect(outcomeOf(base({ collect: { kind: "ignored", secretType: "aws" } }))).toBe("ignored");
    expect(outcomeOf(base({ verify: { kind: "unpaired" } }))).toBe("unpaired");
    expect(outcomeOf(base({ verify: { kind: "unknown", clientId: ID, tried: 1 } }))).toBe("unverified");
    expect(outcomeOf(base({ verify: { kind: "dead", alreadyContained: false, clientIds: [], tried: 1 } }))).toBe("not-live");
    expect(outcomeOf(base({ verify: { kind: "dead", alreadyContained: true, clientIds: [], tried: 1 } }))).toBe("already-contained");
    expect(outcomeOf(base({ verify: { kind: "dead", alreadyContained: false, clientIds: [], tried: 1 }, health: [{ kind: "repaired", clientId: ID, secretId: "s" }] }))).toBe(
      "repaired",
    );
    expect(
      outcomeOf(
        base({ verify: { kind: "dead", alreadyContained: false, clientIds: [], tried: 1 }, health: [{ kind: "repair-failed", clientId: ID, secretId: "s", reason: "x" }] }),
      ),
    ).toBe("failed");
    expect(outcomeOf(base({ verify: live, triaged: true }))).toBe("triaged");
    expect(outcomeOf(base({ verify: live, contain: { kind: "unconfirmed", decision, performed: "revoke", ownClient: false } }))).toBe("unconfirmed");
    expect(outcomeOf(base({ verify: live, contain: { kind: "refused", decision: { action: "none" }, ownClient: true } }))).toBe("failed");
    expect(outcomeOf(base({ verify: live, contain: { kind: "dry-run", decision, ownClient: false } }))).toBe("dry-run");
  });
});

describe("the replay cache", () => {
  it("remembers dead pairs for its window, shares one check among concurrent asks, and reuses live only for health checks", async () => {
    let now = 0;
    const cache = verdictCache({ windowMs: 1_000, now: () => now });
    let grants = 0;
    const grant = (v: "live" | "dead" | "unknown") => async () => {
      grants++;
      return v;
    };
    expect(await Promise.all([cache.check(ID, "s1", grant("dead")), cache.check(ID, "s1", grant("dead"))])).toEqual(["dead", "dead"]);
    expect(grants).toBe(1);
    expect(await cache.check(ID, "s1", grant("live"))).toBe("dead");
    expect(grants).toBe(1);
    now = 1_000;
    expect(await cache.check(ID, "s1", grant("live"))).toBe("live");
    expect(await cache.check(ID, "s1", grant("live"))).toBe("live");
    expect(grants).toBe(3);
    expect(await cache.checkHealth(ID, "s2", grant("live"))).toBe("live");
    expect(await cache.checkHealth(ID, "s2", grant("dead"))).toBe("live");
    expect(grants).toBe(4);
    expect(await cache.check(ID, "s3", grant("unknown"))).toBe("unknown");
    expect(await cache.check(ID, "s3", grant("unknown"))).toBe("unknown");
    expect(grants).toBe(6);
  });
});
