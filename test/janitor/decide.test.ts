import {
  alreadyContained,
  CONTAIN_ACTIONS,
  decideAction,
  decideDisposition,
  decideNotify,
  decideResolve,
  parsePolicy,
  triagedByHuman,
  TRIAGE_RESOLUTIONS,
  type ContainAction,
  type JanitorPolicy,
} from "../../src/janitor/index.js";
import { classifyRateLimit } from "../../src/github/index.js";
import { decideRateLimitWait } from "../../src/core/rate-limit-wait.js";
import { mergeCandidates, uuidsNear } from "../../src/janitor/candidates.js";

const ID = "0a1b2c3d-0000-4000-8000-000000000001";
const policy = (p: Partial<JanitorPolicy> = {}): JanitorPolicy => ({ dryRun: false, protectedClients: new Set(), clients: {}, ...p });

describe("alreadyContained: a dead secret whose alert is resolved as revoked is a redelivery", () => {
  it.each([
    [{ state: "resolved", resolution: "revoked" }, true],
    [{ state: "resolved", resolution: "false_positive" }, false],
    [{ state: "resolved", resolution: null }, false],
    [{ state: "open", resolution: null }, false],
    [{ state: "open", resolution: "revoked" }, false],
    [undefined, false],
  ] as const)("alert %j → %s", (alert, expected) => {
    expect(alreadyContained(alert)).toBe(expected);
  });
});

describe("decideAction: every requested action × protected × own client × secret known", () => {
  const requests: Array<ContainAction | undefined> = [undefined, ...CONTAIN_ACTIONS];
  const cases: Array<[ContainAction | undefined, "default" | "client", boolean, boolean, boolean]> = [];
  for (const r of requests)
    for (const where of ["default", "client"] as const)
      for (const prot of [false, true]) for (const own of [false, true]) for (const known of [false, true]) cases.push([r, where, prot, own, known]);
  it.each(cases)("requested %s via %s, protected %s, own %s, secret known %s", (requested, where, prot, own, known) => {
    const p = policy({
      ...(requested && where === "default" ? { defaultAction: requested } : {}),
      ...(requested && where === "client" ? { clients: { [ID]: { action: requested } } } : {}),
      protectedClients: new Set(prot ? [ID] : []),
    });
    const d = decideAction({ clientId: ID, policy: p, secretKnown: known, ownClient: own });
    const keep = known ? "rotate" : "revoke";
    // Invariants first: a protected client is never deleted; the janitor never disables, deletes or revokes itself
    // (with nowhere to store a new secret it does nothing: a human is alerted).
    if (prot) expect(d.action).not.toBe("delete");
    if (own) expect(d.action).toBe(known ? "rotate" : "none");
    if (!known) expect(d.action).not.toBe("rotate");
    // Then the exact answer.
    const asked = requested ?? keep;
    let expected: ContainAction | "none" = asked;
    if (own) expected = known ? "rotate" : "none";
    else if (asked === "delete" && prot) expected = keep;
    else if (asked === "rotate" && !known) expected = "revoke";
    expect(d.action).toBe(expected);
    if (expected !== asked || (own && !known)) expect(d.requested).toBe(asked);
    else expect(d.requested).toBeUndefined();
  });
  it("a client entry beats the default", () => {
    expect(decideAction({ clientId: ID, policy: policy({ defaultAction: "delete", clients: { [ID]: { action: "disable" } } }), secretKnown: true, ownClient: false }).action).toBe(
      "disable",
    );
  });
});

describe("decideResolve", () => {
  it.each([
    [undefined, true, false, "not-applicable"],
    [undefined, false, true, "not-applicable"],
    ["resolved", true, false, "already-resolved"],
    ["resolved", false, true, "already-resolved"],
    ["open", true, false, "patch"],
    ["open", true, true, "leave-open"],
    ["open", false, false, "leave-open"],
    ["open", false, true, "leave-open"],
  ] as const)("alert %s, contained %s, dryRun %s → %s", (state, contained, dryRun, expected) => {
    expect(decideResolve({ ...(state ? { alert: { state } } : {}), contained, dryRun })).toBe(expected);
  });
});

describe("decideNotify", () => {
  it.each([
    ["contained", false, { developer: true, humanAlert: false }],
    ["contained", true, { developer: true, humanAlert: "own-client" }],
    ["failed", false, { developer: false, humanAlert: "failed" }],
    ["unverified", false, { developer: false, humanAlert: "unverified" }],
    ["unpaired", false, { developer: false, humanAlert: "unpaired" }],
    ["dry-run", false, { developer: false, humanAlert: false }],
    ["not-live", false, { developer: false, humanAlert: false }],
    ["already-contained", true, { developer: false, humanAlert: false }],
  ] as const)("%s (own %s)", (outcome, ownClient, expected) => {
    expect(decideNotify({ outcome, ownClient })).toEqual(expected);
  });
});

describe("parsePolicy", () => {
  it("accepts the documented shape", () => {
    const { policy: p, problems } = parsePolicy({
      defaultAction: "disable",
      dryRun: true,
      protectedClients: [ID],
      clients: { [ID]: { action: "rotate", secretId: "keyward/prod/a" } },
    });
    expect(problems).toEqual([]);
    expect(p).toMatchObject({ defaultAction: "disable", dryRun: true, clients: { [ID]: { action: "rotate", secretId: "keyward/prod/a" } } });
    expect(p.protectedClients.has(ID)).toBe(true);
  });
  it("lists every problem at once", () => {
    const { problems } = parsePolicy({
      defaultAction: "nuke",
      dryRun: "yes",
      protectedClients: ["x", ID],
      clients: { "not-a-uuid": { action: "rotate" }, [ID]: { action: "delete", secretId: "bad name!", extra: 1 } },
      surprise: true,
    });
    expect(problems).toHaveLength(8);
    expect(problems.join("\n")).toMatch(/defaultAction/);
    expect(problems.join("\n")).toMatch(/protected clients are never deleted/);
  });
  it("refuses a non-object", () => {
    expect(parsePolicy([]).problems).toEqual(["policy: must be a JSON object"]);
  });
});

describe("client-id candidates", () => {
  const a = "aaaaaaaa-0000-4000-8000-000000000001";
  const b = "bbbbbbbb-0000-4000-8000-000000000002";
  const c = "cccccccc-0000-4000-8000-000000000003";
  const d = "dddddddd-0000-4000-8000-000000000004";
  it("orders UUIDs by distance from the secret, nearest first, bounded", () => {
    const text = `${a}\n\n\n\n${b}\nSECRET=s3cr3tvalue\n${c}\n\n\n\n\n\n\n\n${d}`;
    expect(uuidsNear(text, "s3cr3tvalue", undefined)).toEqual([c, b, d]);
    expect(uuidsNear(text, "s3cr3tvalue", undefined, 2)).toEqual([c, b]);
  });
  it("falls back to the reported line when the secret is not in the text, and lowercases", () => {
    expect(uuidsNear(`${a}\nx\ny\n${b.toUpperCase()}`, "absent", 4)[0]).toBe(b);
  });
  it("merges lists without duplicates under the total bound", () => {
    expect(mergeCandidates([[a, b], [b, c], [d]], 3)).toEqual([a, b, c]);
  });
});
describe("decideResolve: a disabled client's alert stays open (enabling it brings the leaked secret back)", () => {
  it.each(["rotate", "revoke", "delete"] as const)("%s resolves an open alert", (performed) => {
    expect(decideResolve({ alert: { state: "open" }, contained: true, dryRun: false, performed })).toBe("patch");
  });
  it("disable leaves it open", () => {
    expect(decideResolve({ alert: { state: "open" }, contained: true, dryRun: false, performed: "disable" })).toBe("leave-open");
  });
});

describe("triagedByHuman: only a human's false_positive, used_in_tests or wont_fix, unless the policy overrides", () => {
  const resolutions = [null, "false_positive", "used_in_tests", "wont_fix", "revoked", "pattern_deleted", "pattern_edited"];
  const cases = resolutions.flatMap((r) => (["open", "resolved"] as const).flatMap((state) => [false, true].map((override) => [r, state, override] as const)));
  it.each(cases)("resolution %s, state %s, overrideTriage %s", (resolution, state, override) => {
    const expected = state === "resolved" && TRIAGE_RESOLUTIONS.includes(resolution ?? "") && !override;
    expect(triagedByHuman({ state, resolution }, { overrideTriage: override })).toBe(expected);
  });
  it("no alert (a scanner finding) is never triaged", () => {
    expect(triagedByHuman(undefined, {})).toBe(false);
  });
});

describe("decideNotify: the outcomes added for retries, repairs and triage", () => {
  it.each([
    ["unconfirmed", false, { developer: true, humanAlert: false }],
    ["unconfirmed", true, { developer: true, humanAlert: "gave-up" }],
    ["repaired", false, { developer: false, humanAlert: "repaired" }],
    ["triaged", false, { developer: false, humanAlert: "triaged" }],
    ["error", false, { developer: false, humanAlert: false }],
    ["error", true, { developer: false, humanAlert: "gave-up" }],
    ["ignored", true, { developer: false, humanAlert: false }],
    ["deferred", true, { developer: false, humanAlert: false }],
  ] as const)("%s (last attempt %s)", (outcome, lastAttempt, expected) => {
    expect(decideNotify({ outcome, ownClient: false, lastAttempt })).toEqual(expected);
  });
  it("a dry run tells nobody, whatever happened", () => {
    for (const outcome of ["contained", "failed", "unverified", "unpaired", "repaired", "triaged", "error"] as const)
      expect(decideNotify({ outcome, ownClient: true, lastAttempt: true, dryRun: true })).toEqual({ developer: false, humanAlert: false });
  });
  it("the janitor's own leak with nowhere to store a new secret asks a human to rotate it", () => {
    expect(decideNotify({ outcome: "failed", ownClient: true, ownClientStored: false })).toEqual({ developer: false, humanAlert: "own-client-manual" });
  });
});

describe("decideDisposition: retried while the work is not done and tries remain, never dropped", () => {
  it("settled or not retryable: done", () => {
    expect(decideDisposition({ settled: true, retryable: true, attempt: 1, maxAttempts: 5 })).toEqual({ kind: "done" });
    expect(decideDisposition({ settled: false, retryable: false, attempt: 1, maxAttempts: 5 })).toEqual({ kind: "done" });
  });
  it("the last try is done (a human is told by decideNotify)", () => {
    expect(decideDisposition({ settled: false, retryable: true, attempt: 5, maxAttempts: 5 })).toEqual({ kind: "done" });
  });
  it.each([
    [1, undefined, 30_000],
    [2, undefined, 60_000],
    [3, undefined, 120_000],
    [6, undefined, 900_000],
    [1, 90_000, 90_000],
    [1, 3_600_000, 900_000],
  ])("attempt %s with a rate limit asking %s ms: retry in %s ms", (attempt, retryAfterMs, afterMs) => {
    expect(decideDisposition({ settled: false, retryable: true, attempt, maxAttempts: 10, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) })).toEqual({
      kind: "retry",
      afterMs,
    });
  });
});

describe("GitHub's rate limits as data", () => {
  const now = Date.parse("2030-01-15T12:00:00Z");
  it.each([
    [403, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(now / 1000 + 2) }, "API rate limit exceeded", { kind: "primary", retryAfterMs: 3_000 }],
    [429, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(now / 1000 + 60) }, "API rate limit exceeded", { kind: "primary", retryAfterMs: 61_000 }],
    [403, { "retry-after": "30" }, "You have exceeded a secondary rate limit", { kind: "secondary", retryAfterMs: 30_000 }],
    [403, {}, "You have exceeded a secondary rate limit", { kind: "secondary", retryAfterMs: 60_000 }],
    [429, { "retry-after": "30" }, "Too Many Requests", { kind: "too-many-requests", retryAfterMs: 30_000 }],
    [403, { "x-ratelimit-remaining": "12" }, "Resource not accessible by integration", undefined],
    [404, { "retry-after": "30" }, "Not Found", undefined],
  ] as const)("%s %j %s → %j", (status, headers, message, expected) => {
    expect(classifyRateLimit(status, headers, message, now)).toEqual(expected);
  });
  it("a wait is taken only when it ends before the deadline, a bounded number of times, never longer than the cap", () => {
    const at = (retryAfterMs: number, waitsSoFar = 0, deadlineMs = now + 10_000) => decideRateLimitWait({ retryAfterMs, waitsSoFar, nowMs: now, deadlineMs });
    expect(at(2_000)).toBe(true);
    expect(at(30_000)).toBe(false);
    expect(at(2_000, 3)).toBe(false);
    expect(at(16 * 60_000, 0, now + 3_600_000)).toBe(false);
  });
});
