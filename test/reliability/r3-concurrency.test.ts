import { CreateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { rotateClient } from "../../src/rotation/rotate-client.js";
import { useSandboxKit } from "../helpers/sandbox.js";
import { canary, report } from "./report.js";

/** R3: 10 simultaneous rotations of one client × 20 trials, into one secret and into ten different secrets. */
const kit = useSandboxKit();
const TRIALS = 20;
const RUNS = 10;

afterAll(() => {
  kit.collectStoredSecrets();
  const c = canary([...kit.logs], kit.minted);
  report("R1", `canary over R3's logs: ${c.searched} secrets × forms (${c.forms}): ${c.hits.length} hits`);
  expect(c.hits).toEqual([]);
});

describe("R3 concurrency", () => {
  it("into the same secret: every run that exits 0 leaves a secret that authenticates", async () => {
    kit.sandbox.genesys.control.setLimits({ apiRequestsPerWindow: 1_000_000, tokenRequestsPerWindow: 1_000_000 });
    let ok = 0;
    let failed = 0;
    let regenerations = 0;
    for (let t = 0; t < TRIALS; t++) {
      const client = await kit.createClient(`r3-same-${t}`);
      await kit.sm.send(new CreateSecretCommand({ Name: `r3/same/${t}` }));
      const results = await Promise.all(Array.from({ length: RUNS }, () => rotateClient({ clientId: client.id, secretId: `r3/same/${t}` }, kit.deps(), { policy: { verifyBackoffMs: 20, storeBackoffMs: 20 } })));
      ok += results.filter((r) => r.exitCode === 0).length;
      failed += results.filter((r) => r.exitCode !== 0).length;
      regenerations += results.reduce((n, r) => n + r.regenerations, 0);
      if (results.some((r) => r.exitCode === 0)) expect(await kit.check(client.id, (await kit.stored(`r3/same/${t}`)).clientSecret)).toBe("live");
    }
    report("R3", `same secret: ${TRIALS} trials × ${RUNS} runs = ${TRIALS * RUNS} rotations: ${ok} exit 0, ${failed} failed, ${regenerations} regenerations; the stored secret authenticated after every trial with a success`);
    expect(ok).toBeGreaterThan(0);
  });

  it("into ten different secrets: at most one run succeeds per trial, and its secret authenticates", async () => {
    let winners = 0;
    let refused = 0;
    let other = 0;
    for (let t = 0; t < TRIALS; t++) {
      const client = await kit.createClient(`r3-diff-${t}`);
      const results = await Promise.all(Array.from({ length: RUNS }, (_, i) => rotateClient({ clientId: client.id, secretId: `r3/diff/${t}/${i}` }, kit.deps(), { createSecret: true })));
      const won = results.filter((r) => r.exitCode === 0);
      expect(won.length).toBeLessThanOrEqual(1);
      winners += won.length;
      refused += results.filter((r) => r.reason === "client-claimed-by-other-secret").length;
      other += results.filter((r) => r.exitCode !== 0 && r.reason !== "client-claimed-by-other-secret").length;
      for (const w of won) expect(await kit.check(client.id, (await kit.stored(w.secretId)).clientSecret)).toBe("live");
      if (won.length === 0) expect(await kit.check(client.id, client.secret)).toBe("live");
    }
    report("R3", `different secrets: ${TRIALS} trials × ${RUNS} runs: ${winners} winners (≤ 1 per trial), ${refused} refused as claimed elsewhere (exit 2), ${other} other failures; every winner's secret authenticated, and trials without a winner left the old secret working`);
    expect(other).toBe(0);
  });
});
