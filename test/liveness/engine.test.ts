import { randomBytes, randomUUID } from "node:crypto";
import { createGenesysClient } from "../../src/genesys/index.js";
import { createLivenessEngine, type LivenessEngineOptions } from "../../src/liveness/engine.js";
import type { LivenessVerdict } from "../../src/liveness/verdict.js";
import { startOrgKit, type OrgKit } from "./helpers/org-kit.js";

/**
 * The liveness engine against emulated orgs. Every expectation about a secret is first established with the
 * emulator's own secret check (`POST /secret-check`), then keyward's verdict is compared with it.
 */
let kits: OrgKit[] = [];
async function orgKit(options?: Parameters<typeof startOrgKit>[0]): Promise<OrgKit> {
  const kit = await startOrgKit(options);
  kits.push(kit);
  return kit;
}
afterEach(async () => {
  await Promise.all(kits.map((k) => k.close()));
  kits = [];
});

const decoy = () => randomUUID();
const engineFor = (orgs: LivenessEngineOptions["orgs"], o: Partial<LivenessEngineOptions> = {}) => createLivenessEngine({ orgs, ...o });
const label = (v: LivenessVerdict) => v.verdict;

describe("the liveness engine", () => {
  it("finds a live pair among decoy candidates and names the client, the org and how it was paired", async () => {
    const kit = await orgKit();
    const client = kit.client("billing");
    expect(await kit.truth(client.id, client.secret)).toMatchObject({ valid: true });
    const engine = engineFor([kit.org("prod")]);
    const verdict = await engine.verify({
      secret: client.secret,
      candidates: [
        { clientId: decoy(), provenance: "nearby" },
        { clientId: client.id.toUpperCase(), provenance: "key-named" },
      ],
    });
    expect(verdict).toEqual({ verdict: "live", clientId: client.id, org: "prod", provenance: "key-named" });
    // The key-named candidate is tried first (strongest provenance); its token was revoked at once.
    expect(engine.stats()).toMatchObject({ grants: 1, live: 1 });
    expect(kit.emulator.control.state().liveTokens).toBe(0);
  });

  it("with deferRevoke, hands the live grant's revocation to the caller instead of waiting for it; running it revokes the token", async () => {
    const kit = await orgKit();
    const client = kit.client("deferred");
    const deferred: Array<() => Promise<void>> = [];
    const engine = engineFor([kit.org("prod")], { deferRevoke: (revoke) => deferred.push(revoke) });
    expect(await engine.verify({ secret: client.secret, candidates: [{ clientId: client.id, provenance: "key-named" }] })).toMatchObject({ verdict: "live" });
    expect(deferred).toHaveLength(1);
    expect(kit.emulator.control.state().liveTokens).toBe(1);
    await Promise.all(deferred.map((revoke) => revoke()));
    expect(kit.emulator.control.state().liveTokens).toBe(0);
  });

  it("calls a regenerated secret paired with its own active client dead (structural proof), after one re-check", async () => {
    const kit = await orgKit();
    const client = kit.client("billing");
    const admin = createGenesysClient(kit.org("prod").settings);
    kit.minted.add((await admin.oauthClients.regenerateSecret(client.id)).secret);
    expect(await kit.truth(client.id, client.secret)).toEqual({ valid: false, matches: false, state: "active" });
    const engine = engineFor([kit.org("prod")]);
    expect(await engine.verify({ secret: client.secret, candidates: [{ clientId: client.id, provenance: "structural" }] })).toMatchObject({
      verdict: "dead",
      proof: "structural-refused-active",
      clientId: client.id,
      orgs: ["prod"],
    });
    expect(engine.stats()).toMatchObject({ grants: 2, rechecks: 1, lookups: 1, listings: 0 });
  });

  it("never calls the secret of an inactive client dead: it works again once the client is re-activated", async () => {
    const kit = await orgKit();
    const client = kit.client("dormant", { state: "inactive" });
    expect(await kit.truth(client.id, client.secret)).toEqual({ valid: false, matches: true, state: "inactive" });
    const verdict = await engineFor([kit.org("prod")]).verify({ secret: client.secret, candidates: [{ clientId: client.id, provenance: "structural" }] });
    expect(verdict).toMatchObject({ verdict: "unknown", reason: "client-not-active", clientId: client.id });
    const admin = createGenesysClient(kit.org("prod").settings);
    await admin.oauthClients.setState(client.id, "active");
    expect(await kit.truth(client.id, client.secret)).toMatchObject({ valid: true });
    expect(await engineFor([kit.org("prod")]).verify({ secret: client.secret, candidates: [{ clientId: client.id, provenance: "structural" }] })).toMatchObject({
      verdict: "live",
      clientId: client.id,
    });
  });

  it("without org credentials, a refusal proves nothing: not even a structural one (the client's state cannot be read)", async () => {
    const kit = await orgKit();
    const client = kit.client("billing");
    const wrong = randomBytes(32).toString("base64url");
    expect(await kit.truth(client.id, wrong)).toMatchObject({ valid: false, matches: false });
    const engine = engineFor([kit.org("prod", { credentials: false })]);
    for (const provenance of ["structural", "nearby"] as const) {
      expect(await engine.verify({ secret: wrong, candidates: [{ clientId: client.id, provenance }] })).toMatchObject({ verdict: "unknown", reason: "not-proven-dead" });
    }
    expect(label(await engine.verify({ secret: wrong, candidates: [] }))).toBe("unpaired");
  });

  it("sweeps every active client-credentials client of the org when the candidates are decoys, and finds the live one", async () => {
    const kit = await orgKit();
    for (let i = 0; i < 5; i++) kit.client(`noise-${i}`);
    const real = kit.client("crm-sync");
    const engine = engineFor([kit.org("prod")]);
    const verdict = await engine.verify({
      secret: real.secret,
      candidates: [
        { clientId: decoy(), provenance: "nearby" },
        { clientId: decoy(), provenance: "same-file" },
      ],
    });
    expect(await kit.truth(real.id, real.secret)).toMatchObject({ valid: true });
    expect(verdict).toEqual({ verdict: "live", clientId: real.id, org: "prod", provenance: "org" });
    expect(engine.stats().listings).toBe(1);
  });

  it("calls a secret dead when every active client-credentials client refuses it (twice), and counts the grants", async () => {
    const kit = await orgKit();
    const clients = Array.from({ length: 6 }, (_, i) => kit.client(`c${i}`));
    const wrong = randomBytes(32).toString("base64url");
    for (const c of clients) expect(await kit.truth(c.id, wrong)).toMatchObject({ matches: false });
    const engine = engineFor([kit.org("prod")]);
    const before = kit.tokenRequests();
    expect(await engine.verify({ secret: wrong, candidates: [{ clientId: decoy(), provenance: "nearby" }] })).toMatchObject({
      verdict: "dead",
      proof: "org-sweep",
      orgs: ["prod"],
    });
    // 7 active clients (6 + the admin) and the decoy, each refused twice.
    expect(engine.stats().grants).toBe(16);
    // The emulator saw those, plus the one token the org's own credentials took to list its clients.
    expect(kit.tokenRequests() - before).toBe(17);
    // The same secret again costs nothing: every pair and the listing are cached for the run.
    expect(label(await engine.verify({ secret: wrong, candidates: [] }))).toBe("dead");
    expect(engine.stats()).toMatchObject({ grants: 16, listings: 1 });
  });

  it("does not prove a secret dead when a candidate, however it was paired, is a disabled client: it may be its secret", async () => {
    const kit = await orgKit();
    const dormant = kit.client("dormant", { state: "disabled" });
    expect(await kit.truth(dormant.id, dormant.secret)).toEqual({ valid: false, matches: true, state: "disabled" });
    expect(await engineFor([kit.org("prod")]).verify({ secret: dormant.secret, candidates: [{ clientId: dormant.id, provenance: "same-file" }] })).toMatchObject({
      verdict: "unknown",
      reason: "client-not-active",
      clientId: dormant.id,
    });
  });

  it("calls a structural pair dead when its client no longer exists", async () => {
    const kit = await orgKit();
    const client = kit.client("gone");
    const admin = createGenesysClient(kit.org("prod").settings);
    expect(await admin.oauthClients.delete(client.id)).toBe("deleted");
    expect(await kit.truth(client.id, client.secret)).toMatchObject({ valid: false, state: "absent" });
    expect(await engineFor([kit.org("prod")]).verify({ secret: client.secret, candidates: [{ clientId: client.id, provenance: "structural" }] })).toMatchObject({
      verdict: "dead",
      proof: "client-absent",
    });
  });

  it("re-checks an invalid_client once before it counts", async () => {
    const kit = await orgKit();
    const client = kit.client("flaky");
    kit.emulator.control.addFault({ route: "POST /oauth/token", errorRate: 1, errorStatus: 401, times: 1 });
    const engine = engineFor([kit.org("prod")]);
    expect(await engine.verify({ secret: client.secret, candidates: [{ clientId: client.id, provenance: "structural" }] })).toMatchObject({ verdict: "live" });
    expect(engine.stats()).toMatchObject({ grants: 2, rechecks: 1 });
  });

  it("waits out the token endpoint's own rate limit (400 invalid_request) and 429 + Retry-After, then answers", async () => {
    const kit = await orgKit({ tokenRequestsPerWindow: 3 });
    kit.emulator.control.setLimits({ tokenWindowSeconds: 1 });
    const clients = Array.from({ length: 4 }, (_, i) => kit.client(`rl-${i}`));
    const engine = engineFor([kit.org("prod", { credentials: false })], { concurrency: 2 });
    const verdicts = await Promise.all(clients.map((c) => engine.verify({ secret: c.secret, candidates: [{ clientId: c.id, provenance: "structural" }] })));
    expect(verdicts.map(label)).toEqual(["live", "live", "live", "live"]);
    expect(kit.emulator.control.state().tokenRateLimited).toBeGreaterThan(0);
    kit.emulator.control.setLimits({ tokenRequestsPerWindow: 1000 });
    kit.emulator.control.addFault({ route: "POST /oauth/token", errorRate: 1, errorStatus: 429, times: 4 });
    const late = kit.client("after-429");
    expect(await engine.verify({ secret: late.secret, candidates: [{ clientId: late.id, provenance: "structural" }] })).toMatchObject({ verdict: "live" });
    expect(engine.stats().rateLimitPauses + engine.stats().waitedMs).toBeGreaterThan(0);
  });

  it("says unknown, never dead, when the token endpoint keeps failing or the grant budget runs out", async () => {
    const kit = await orgKit();
    const client = kit.client("billing");
    kit.emulator.control.addFault({ route: "POST /oauth/token", errorRate: 1, errorStatus: 503 });
    expect(
      await engineFor([kit.org("prod")], { sleep: async () => undefined }).verify({
        secret: randomBytes(32).toString("base64url"),
        candidates: [{ clientId: client.id, provenance: "structural" }],
      }),
    ).toMatchObject({ verdict: "unknown", reason: "verification-failed" });
    kit.emulator.control.clearFaults();
    const wrong = randomBytes(32).toString("base64url");
    expect(await engineFor([kit.org("prod")], { maxGrants: 3 }).verify({ secret: wrong, candidates: [] })).toMatchObject({
      verdict: "unknown",
      reason: "verification-failed",
      detail: expect.stringContaining("grant-budget-exhausted"),
    });
  });

  it("proves a verdict across several orgs: live names the org it is live in; dead needs every org", async () => {
    const prod = await orgKit();
    const dev = await orgKit();
    const devClient = dev.client("dev-billing");
    const orgs = [prod.org("prod"), dev.org("dev", { region: "eu-west-1" })];
    expect(await createLivenessEngine({ orgs }).verify({ secret: devClient.secret, candidates: [{ clientId: devClient.id, provenance: "structural" }] })).toEqual({
      verdict: "live",
      clientId: devClient.id,
      org: "dev",
      provenance: "structural",
    });
    // Unpaired, it is found by dev's sweep after prod's found nothing.
    expect(await createLivenessEngine({ orgs }).verify({ secret: devClient.secret, candidates: [] })).toMatchObject({ verdict: "live", org: "dev", provenance: "org" });
    const wrong = randomBytes(32).toString("base64url");
    expect(await createLivenessEngine({ orgs }).verify({ secret: wrong, candidates: [] })).toMatchObject({ verdict: "dead", proof: "org-sweep", orgs: ["prod", "dev"] });
    expect(await createLivenessEngine({ orgs: [prod.org("prod"), dev.org("dev", { credentials: false })] }).verify({ secret: wrong, candidates: [] })).toMatchObject({
      verdict: "unknown",
      reason: "not-proven-dead",
    });
  });

  it("only an org in the region the input names can prove a secret dead", async () => {
    const prod = await orgKit();
    const client = prod.client("billing");
    const wrong = randomBytes(32).toString("base64url");
    const engine = createLivenessEngine({ orgs: [prod.org("prod")] });
    expect(await engine.verify({ secret: wrong, candidates: [{ clientId: client.id, provenance: "structural" }], region: "eu-west-1" })).toMatchObject({
      verdict: "unknown",
      reason: "region-mismatch",
      detail: expect.stringContaining("eu-west-1"),
    });
    // A live pair is live wherever it is found.
    expect(await engine.verify({ secret: client.secret, candidates: [{ clientId: client.id, provenance: "nearby" }], region: "eu-west-1" })).toMatchObject({
      verdict: "live",
      org: "prod",
    });
    expect(await engine.verify({ secret: wrong, candidates: [{ clientId: client.id, provenance: "structural" }], region: "US-EAST-1" })).toMatchObject({ verdict: "dead" });
  });
});
