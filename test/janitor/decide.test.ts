import { alreadyContained, CONTAIN_ACTIONS, decideAction, decideNotify, decideResolve, parsePolicy, type ContainAction, type JanitorPolicy } from "../../src/janitor/index.js";
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
  for (const r of requests) for (const where of ["default", "client"] as const) for (const prot of [false, true]) for (const own of [false, true]) for (const known of [false, true]) cases.push([r, where, prot, own, known]);
  it.each(cases)("requested %s via %s, protected %s, own %s, secret known %s", (requested, where, prot, own, known) => {
    const p = policy({
      ...(requested && where === "default" ? { defaultAction: requested } : {}),
      ...(requested && where === "client" ? { clients: { [ID]: { action: requested } } } : {}),
      protectedClients: new Set(prot ? [ID] : []),
    });
    const d = decideAction({ clientId: ID, policy: p, secretKnown: known, ownClient: own });
    const keep = known ? "rotate" : "revoke";
    // Invariants first: a protected client is never deleted; the janitor never disables or deletes itself.
    if (prot) expect(d.action).not.toBe("delete");
    if (own) expect(d.action).toBe(keep);
    if (!known) expect(d.action).not.toBe("rotate");
    // Then the exact answer.
    const asked = requested ?? keep;
    let expected: ContainAction = asked;
    if (own) expected = keep;
    else if (asked === "delete" && prot) expected = keep;
    else if (asked === "rotate" && !known) expected = "revoke";
    expect(d.action).toBe(expected);
    if (expected !== asked) expect(d.requested).toBe(asked);
    else expect(d.requested).toBeUndefined();
  });
  it("a client entry beats the default", () => {
    expect(decideAction({ clientId: ID, policy: policy({ defaultAction: "delete", clients: { [ID]: { action: "disable" } } }), secretKnown: true, ownClient: false }).action).toBe("disable");
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
    const { policy: p, problems } = parsePolicy({ defaultAction: "disable", dryRun: true, protectedClients: [ID], clients: { [ID]: { action: "rotate", secretId: "keyward/prod/a" } } });
    expect(problems).toEqual([]);
    expect(p).toMatchObject({ defaultAction: "disable", dryRun: true, clients: { [ID]: { action: "rotate", secretId: "keyward/prod/a" } } });
    expect(p.protectedClients.has(ID)).toBe(true);
  });
  it("lists every problem at once", () => {
    const { problems } = parsePolicy({ defaultAction: "nuke", dryRun: "yes", protectedClients: ["x", ID], clients: { "not-a-uuid": { action: "rotate" }, [ID]: { action: "delete", secretId: "bad name!", extra: 1 } }, surprise: true });
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
