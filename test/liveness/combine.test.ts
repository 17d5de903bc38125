import type { CandidateProvenance } from "../../src/contracts/verdict.js";
import { combine, PROVENANCE_RANK, type ClientState, type CombineInput, type OrgFact, type PairFact } from "../../src/liveness/verdict.js";

const A = "11111111-0000-4000-8000-00000000000a";
const B = "22222222-0000-4000-8000-00000000000b";

const org = (name: string, o: Partial<OrgFact> = {}): OrgFact => ({ org: name, applicable: true, credentials: true, ...o });
const pair = (p: Partial<PairFact> & Pick<PairFact, "grant">): PairFact => ({ org: "prod", clientId: A, provenance: "structural", ...p });

describe("what proves a secret dead (README), case by case", () => {
  it("a structural pair refused while its client is active is dead", () => {
    expect(combine({ pairs: [pair({ grant: "refused", state: "active" })], orgs: [org("prod")] })).toMatchObject({
      verdict: "dead",
      proof: "structural-refused-active",
      clientId: A,
      orgs: ["prod"],
    });
  });

  it("a structural pair refused while its client is inactive or disabled is unknown: the secret may work again", () => {
    for (const state of ["inactive", "disabled", "deleted"] as const) {
      expect(combine({ pairs: [pair({ grant: "refused", state })], orgs: [org("prod", { sweep: "refused-all", swept: 3 })] })).toMatchObject({
        verdict: "unknown",
        reason: "client-not-active",
        clientId: A,
      });
    }
  });

  it("a structural pair refused whose client no longer exists in any applicable org is dead", () => {
    const input: CombineInput = { pairs: [pair({ grant: "refused", state: "absent" }), pair({ org: "dev", grant: "refused", state: "absent" })], orgs: [org("prod"), org("dev")] };
    expect(combine(input)).toMatchObject({ verdict: "dead", proof: "client-absent", orgs: ["prod", "dev"] });
    expect(combine({ ...input, pairs: input.pairs.slice(0, 1) })).toMatchObject({ verdict: "unknown" });
  });

  it("a structural pair refused without org credentials is not proven dead: the client's state cannot be read", () => {
    expect(combine({ pairs: [pair({ grant: "refused", state: "unreadable" })], orgs: [org("prod", { credentials: false })] })).toMatchObject({
      verdict: "unknown",
      reason: "not-proven-dead",
    });
  });

  it("heuristic candidates refused without org credentials prove nothing", () => {
    const verdict = combine({
      pairs: [pair({ provenance: "nearby", grant: "refused" }), pair({ provenance: "key-named", clientId: B, grant: "refused" })],
      orgs: [org("prod", { credentials: false })],
    });
    expect(verdict).toMatchObject({ verdict: "unknown", reason: "not-proven-dead" });
    expect(verdict.verdict === "unknown" && verdict.detail).toMatch(/not proven dead/);
  });

  it("refused by every active client-credentials client of every applicable org is dead", () => {
    expect(
      combine({
        pairs: [pair({ provenance: "nearby", grant: "refused" })],
        orgs: [org("prod", { sweep: "refused-all", swept: 12 }), org("dev", { sweep: "refused-all", swept: 3 })],
      }),
    ).toMatchObject({ verdict: "dead", proof: "org-sweep", orgs: ["prod", "dev"] });
  });

  it("a sweep does not prove dead a secret whose candidate client is inactive or disabled: it may be that client's", () => {
    expect(combine({ pairs: [pair({ provenance: "nearby", grant: "refused", state: "disabled" })], orgs: [org("prod", { sweep: "refused-all", swept: 12 })] })).toMatchObject({
      verdict: "unknown",
      reason: "client-not-active",
      clientId: A,
    });
  });

  it("one org not swept keeps the verdict unknown, whatever the others say", () => {
    expect(combine({ pairs: [], orgs: [org("prod", { sweep: "refused-all", swept: 12 }), org("dev", { credentials: false })] })).toMatchObject({
      verdict: "unknown",
      reason: "not-proven-dead",
    });
    expect(combine({ pairs: [], orgs: [org("prod", { sweep: "refused-all", swept: 12 }), org("dev", { sweep: "incomplete", sweepError: "token-rate-limited" })] })).toMatchObject({
      verdict: "unknown",
      reason: "verification-failed",
    });
  });

  it("an org outside the region the input names does not count, and no org there is unknown", () => {
    expect(combine({ pairs: [pair({ grant: "refused", state: "active" })], orgs: [org("prod", { applicable: false })], namedRegion: "eu-west-1" })).toMatchObject({
      verdict: "unknown",
      reason: "region-mismatch",
    });
    expect(
      combine({ pairs: [], orgs: [org("prod", { applicable: false, sweep: "refused-all" }), org("eu", { sweep: "refused-all", swept: 1 })], namedRegion: "eu-west-1" }),
    ).toMatchObject({ verdict: "dead", orgs: ["eu"] });
  });

  it("live beats everything, and names the client and org of the strongest candidate", () => {
    const verdict = combine({
      pairs: [pair({ provenance: "org", clientId: B, org: "dev", grant: "live" }), pair({ provenance: "nearby", grant: "live" }), pair({ grant: "refused", state: "active" })],
      orgs: [org("prod", { applicable: false }), org("dev")],
      namedRegion: "x",
    });
    expect(verdict).toEqual({ verdict: "live", clientId: A, org: "prod", provenance: "nearby" });
  });

  it("no candidate and no org credentials is unpaired", () => {
    expect(combine({ pairs: [], orgs: [org("prod", { credentials: false })] })).toMatchObject({ verdict: "unpaired" });
  });
});

describe("combine over every combination of up to two pairs (provenance × org × client × answer × state) and two orgs (applicable × credentials × sweep)", () => {
  const provenances: CandidateProvenance[] = ["structural", "nearby"];
  const states: Array<ClientState | undefined> = [undefined, "active", "inactive", "disabled", "deleted", "absent", "unreadable"];
  const pairVariants: PairFact[] = [];
  for (const provenance of provenances)
    for (const o of ["A", "B"])
      for (const clientId of [A, B]) {
        pairVariants.push({ org: o, clientId, provenance, grant: "live" }, { org: o, clientId, provenance, grant: "error", error: "server-error" });
        for (const state of states) pairVariants.push({ org: o, clientId, provenance, grant: "refused", ...(state ? { state } : {}) });
      }
  const orgVariants = (name: string): OrgFact[] => {
    const out: OrgFact[] = [];
    for (const applicable of [true, false]) {
      out.push({ org: name, applicable, credentials: false });
      for (const sweep of [undefined, "refused-all", "incomplete"] as const) out.push({ org: name, applicable, credentials: true, ...(sweep ? { sweep, swept: 2 } : {}) });
    }
    return out;
  };
  const pairSets: PairFact[][] = [[], ...pairVariants.map((p) => [p])];
  for (let i = 0; i < pairVariants.length; i++) for (let j = i; j < pairVariants.length; j++) pairSets.push([pairVariants[i]!, pairVariants[j]!]);

  /** The rule restated independently: what the verdict must be. */
  function oracle(input: CombineInput): string {
    if (input.pairs.some((p) => p.grant === "live")) return "live";
    const applicable = input.orgs.filter((o) => o.applicable);
    if (applicable.length === 0) return "unknown";
    const names = new Set(applicable.map((o) => o.org));
    const refusedStructural = input.pairs.filter((p) => p.provenance === "structural" && p.grant === "refused" && names.has(p.org));
    if (refusedStructural.some((p) => p.state === "active")) return "dead";
    for (const p of refusedStructural)
      if (applicable.every((o) => o.credentials && refusedStructural.some((q) => q.clientId === p.clientId && q.org === o.org && q.state === "absent"))) return "dead";
    const dormantCandidate = input.pairs.some((p) => names.has(p.org) && p.grant === "refused" && (p.state === "inactive" || p.state === "disabled" || p.state === "deleted"));
    if (!dormantCandidate && applicable.every((o) => o.credentials && o.sweep === "refused-all")) return "dead";
    if (input.pairs.length === 0 && applicable.every((o) => !o.credentials)) return "unpaired";
    return "unknown";
  }

  let checked = 0;
  it("agrees with the rule restated, and never says dead without a proof", () => {
    for (const pairs of pairSets)
      for (const a of orgVariants("A"))
        for (const b of orgVariants("B")) {
          const input: CombineInput = { pairs, orgs: [a, b], namedRegion: "us-east-1" };
          const verdict = combine(input);
          checked++;
          const expected = oracle(input);
          if (verdict.verdict !== expected) throw new Error(`combine(${JSON.stringify(input)}) = ${JSON.stringify(verdict)}, expected ${expected}`);
          const fail = (why: string) => {
            throw new Error(`combine(${JSON.stringify(input)}) = ${JSON.stringify(verdict)}: ${why}`);
          };
          if (verdict.verdict === "live") {
            const best = Math.min(...pairs.filter((p) => p.grant === "live").map((p) => PROVENANCE_RANK[p.provenance]));
            if (PROVENANCE_RANK[verdict.provenance] !== best) fail("not the strongest live provenance");
            if (!pairs.some((p) => p.grant === "live" && p.clientId === verdict.clientId && p.org === verdict.org)) fail("names a pair that was not live");
          }
          if (verdict.verdict === "dead" && !verdict.orgs.every((o) => input.orgs.find((x) => x.org === o)?.applicable)) fail("proof from an org outside the named region");
          if (verdict.verdict !== "live" && !verdict.detail) fail("no detail");
        }
    expect(checked).toBe(pairSets.length * 8 * 8);
    expect(checked).toBeGreaterThan(150_000);
  });
});
