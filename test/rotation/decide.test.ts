import { chooseTarget, decideAfterCheck, decideLock, decidePreflight, isSecretArn, type CheckObservation, type Liveness, type PendingHolder } from "../../src/rotation/decide.js";

const LIVENESS: Liveness[] = ["live", "dead", "unknown"];
const BOOLS = [true, false];

/** Every combination of a check's observations. */
function* observations(): Generator<CheckObservation> {
  for (const pending of LIVENESS)
    for (const checksLeft of [0, 2])
      for (const reRotationsLeft of [0, 1])
        for (const alternating of BOOLS)
          for (const budgetAllowsCheck of BOOLS)
            for (const budgetAllowsReRotation of BOOLS) yield { pending, checksLeft, reRotationsLeft, alternating, budgetAllowsCheck, budgetAllowsReRotation };
}

describe("deciding after the new secret's token grant", () => {
  it("promotes whenever the new secret authenticates", () => {
    for (const o of observations()) if (o.pending === "live") expect(decideAfterCheck(o)).toEqual({ kind: "promote" });
  });

  it("asks again on an inconclusive answer only while checks are left and the budget fits one", () => {
    for (const o of observations()) {
      if (o.pending !== "unknown") continue;
      const again = o.checksLeft > 0 && o.budgetAllowsCheck;
      expect(decideAfterCheck(o).kind === "check-again").toBe(again);
    }
  });

  it("regenerates again only for a dead secret, with re-rotations left and budget for a whole round", () => {
    for (const o of observations()) {
      const action = decideAfterCheck(o);
      expect(action.kind === "re-rotate").toBe(o.pending === "dead" && o.reRotationsLeft > 0 && o.budgetAllowsReRotation);
    }
  });

  it("never regenerates because of an inconclusive answer", () => {
    for (const o of observations()) if (o.pending === "unknown") expect(decideAfterCheck(o).kind).not.toBe("re-rotate");
  });

  it("makes an unconfirmed secret current only in single-client rotation, where the old one is dead anyway", () => {
    const spent = { checksLeft: 0, reRotationsLeft: 0, budgetAllowsCheck: false, budgetAllowsReRotation: false };
    expect(decideAfterCheck({ pending: "unknown", alternating: false, ...spent })).toEqual({ kind: "promote-unverified" });
    expect(decideAfterCheck({ pending: "unknown", alternating: true, ...spent })).toEqual({ kind: "fail", why: "unknown" });
  });

  it("never makes a dead secret current", () => {
    for (const o of observations()) if (o.pending === "dead") expect(["re-rotate", "fail"]).toContain(decideAfterCheck(o).kind);
  });
});

describe("deciding whether a run may take AWSPENDING (the lock)", () => {
  const NOW = 1_000_000;
  const TTL = 60_000;
  const SKEW = 5_000;

  it("never takes a live keyward intent, even on a fresh container's first version (also AWSCURRENT)", () => {
    for (const isCurrent of BOOLS) {
      expect(decideLock({ isCurrent, content: "intent", expiresAtMs: NOW + 1 }, NOW, TTL, SKEW)).toBe("held");
      expect(decideLock({ isCurrent, content: "intent", expiresAtMs: NOW - SKEW }, NOW, TTL, SKEW)).toBe("held");
      expect(decideLock({ isCurrent, content: "intent", expiresAtMs: NOW - SKEW - 1 }, NOW, TTL, SKEW)).toBe("free");
    }
  });

  it("takes an unexpired intent whose process is proven gone", () => {
    for (const isCurrent of BOOLS) expect(decideLock({ isCurrent, content: "intent", expiresAtMs: NOW + TTL, holderGone: true }, NOW, TTL, SKEW)).toBe("free");
  });

  it("takes a leftover: any other holder that is also AWSCURRENT's version", () => {
    for (const content of ["credentials", "empty", "other"] as const) expect(decideLock({ isCurrent: true, content, createdMs: NOW }, NOW, TTL, SKEW)).toBe("free");
  });

  it("waits for a pending value of a rotation in progress until it is older than the lock's lifetime", () => {
    for (const content of ["credentials", "empty", "other"] as const) {
      const holder = (createdMs: number | undefined): PendingHolder => ({ isCurrent: false, content, ...(createdMs !== undefined ? { createdMs } : {}) });
      expect(decideLock(holder(NOW - TTL - SKEW), NOW, TTL, SKEW)).toBe("held");
      expect(decideLock(holder(NOW - TTL - SKEW - 1), NOW, TTL, SKEW)).toBe("free");
      expect(decideLock(holder(undefined), NOW, TTL, SKEW)).toBe("held");
    }
  });

  it("judges a keyward run's pending credentials by that run's lock: its expiry, or its process proven gone", () => {
    expect(decideLock({ isCurrent: false, content: "credentials", expiresAtMs: NOW + 1, createdMs: NOW - 10 * TTL }, NOW, TTL, SKEW)).toBe("held");
    expect(decideLock({ isCurrent: false, content: "credentials", expiresAtMs: NOW - SKEW - 1 }, NOW, TTL, SKEW)).toBe("free");
    expect(decideLock({ isCurrent: false, content: "credentials", expiresAtMs: NOW + TTL, holderGone: true }, NOW, TTL, SKEW)).toBe("free");
  });
});

describe("choosing the client to regenerate", () => {
  it("is the client itself without a standby", () => {
    for (const current of ["a", "b", undefined]) expect(chooseTarget({ primary: "a" }, current)).toBe("a");
  });

  it("is the pair's member that is not current, the first client when neither is", () => {
    expect(chooseTarget({ primary: "a", standby: "b" }, "a")).toBe("b");
    expect(chooseTarget({ primary: "a", standby: "b" }, "b")).toBe("a");
    expect(chooseTarget({ primary: "a", standby: "b" }, undefined)).toBe("a");
    expect(chooseTarget({ primary: "a", standby: "b" }, "c")).toBe("a");
  });
});

describe("the preflight guards", () => {
  const exists = { exists: true as const };
  const missing = { exists: false as const };

  it("lets an active client with an existing secret through", () => {
    expect(decidePreflight({ clientState: "active", secret: exists, createSecret: false, secretIdIsArn: false })).toEqual({ ok: true, createSecret: false });
  });

  it("treats a client without a state as active (the API default)", () => {
    expect(decidePreflight({ clientState: undefined, secret: exists, createSecret: false, secretIdIsArn: true })).toEqual({ ok: true, createSecret: false });
  });

  it.each(["disabled", "inactive", "deleted"])("refuses a %s client", (state) => {
    expect(decidePreflight({ clientState: state, secret: exists, createSecret: true, secretIdIsArn: false })).toEqual({ ok: false, problem: { kind: "client-not-active", state } });
  });

  it("refuses a secret scheduled for deletion even with --create-secret", () => {
    const deletedDate = new Date("2026-12-01T00:00:00Z");
    expect(decidePreflight({ clientState: "active", secret: { exists: true, deletedDate }, createSecret: true, secretIdIsArn: false })).toEqual({
      ok: false,
      problem: { kind: "secret-scheduled-for-deletion", deletedDate },
    });
  });

  it("refuses a missing secret unless --create-secret is given", () => {
    expect(decidePreflight({ clientState: "active", secret: missing, createSecret: false, secretIdIsArn: false })).toEqual({ ok: false, problem: { kind: "secret-missing" } });
    expect(decidePreflight({ clientState: "active", secret: missing, createSecret: true, secretIdIsArn: false })).toEqual({ ok: true, createSecret: true });
  });

  it("cannot create a missing secret that was named by ARN", () => {
    expect(decidePreflight({ clientState: "active", secret: missing, createSecret: true, secretIdIsArn: true })).toEqual({
      ok: false,
      problem: { kind: "secret-arn-not-creatable" },
    });
  });

  it("recognises Secrets Manager ARNs in every partition", () => {
    expect(isSecretArn("arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbCdEf")).toBe(true);
    expect(isSecretArn("arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:x-AbCdEf")).toBe(true);
    expect(isSecretArn("keyward/clients/x")).toBe(false);
  });
});
