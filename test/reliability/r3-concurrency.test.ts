import { CreateSecretCommand, RotateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { rotateClient } from "../../src/rotation/rotate-client.js";
import { runKeyward } from "../helpers/keyward-cli.js";
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
      const results = await Promise.all(
        Array.from({ length: RUNS }, () => rotateClient({ clientId: client.id, secretId: `r3/same/${t}` }, kit.deps(), { policy: { verifyBackoffMs: 20, storeBackoffMs: 20 } })),
      );
      ok += results.filter((r) => r.exitCode === 0).length;
      failed += results.filter((r) => r.exitCode !== 0).length;
      regenerations += results.reduce((n, r) => n + r.regenerations, 0);
      if (results.some((r) => r.exitCode === 0)) expect(await kit.check(client.id, (await kit.stored(`r3/same/${t}`)).clientSecret)).toBe("live");
    }
    report(
      "R3",
      `same secret: ${TRIALS} trials × ${RUNS} runs = ${TRIALS * RUNS} rotations: ${ok} exit 0, ${failed} failed, ${regenerations} regenerations; the stored secret authenticated after every trial with a success`,
    );
    expect(ok).toBeGreaterThan(0);
  }, 900_000);

  it("into ten different secrets: at most one run succeeds per trial, and its secret authenticates", async () => {
    let winners = 0;
    let refused = 0;
    let other = 0;
    for (let t = 0; t < TRIALS; t++) {
      const client = await kit.createClient(`r3-diff-${t}`);
      const results = await Promise.all(
        Array.from({ length: RUNS }, (_, i) => rotateClient({ clientId: client.id, secretId: `r3/diff/${t}/${i}` }, kit.deps(), { createSecret: true })),
      );
      const won = results.filter((r) => r.exitCode === 0);
      expect(won.length).toBeLessThanOrEqual(1);
      winners += won.length;
      refused += results.filter((r) => r.reason === "client-claimed-by-other-secret").length;
      other += results.filter((r) => r.exitCode !== 0 && r.reason !== "client-claimed-by-other-secret").length;
      for (const w of won) expect(await kit.check(client.id, (await kit.stored(w.secretId)).clientSecret)).toBe("live");
      if (won.length === 0) expect(await kit.check(client.id, client.secret)).toBe("live");
    }
    report(
      "R3",
      `different secrets: ${TRIALS} trials × ${RUNS} runs: ${winners} winners (≤ 1 per trial), ${refused} refused as claimed elsewhere (exit 2), ${other} other failures; every winner's secret authenticated, and trials without a winner left the old secret working`,
    );
    expect(other).toBe(0);
  }, 900_000);

  it("ten different clients into one secret at once, with 300 ms on TagResource: exactly one exits 0, and its document is current and works after all have ended", async () => {
    kit.sandbox.secretsManager.control.faults.set([{ route: "TagResource", latencyMs: 300 }]);
    let winners = 0;
    let refused = 0;
    let other = 0;
    for (let t = 0; t < TRIALS; t++) {
      const clients = await Promise.all(Array.from({ length: RUNS }, (_, i) => kit.createClient(`r3-shared-${t}-${i}`)));
      await kit.sm.send(new CreateSecretCommand({ Name: `r3/shared/${t}` }));
      const results = await Promise.all(clients.map((c) => rotateClient({ clientId: c.id, secretId: `r3/shared/${t}` }, kit.deps())));
      const won = results.filter((r) => r.exitCode === 0);
      winners += won.length;
      refused += results.filter((r) => r.reason === "secret-belongs-to-other-client").length;
      other += results.filter((r) => r.exitCode !== 0 && r.reason !== "secret-belongs-to-other-client").length;
      expect(won).toHaveLength(1);
      const current = await kit.stored(`r3/shared/${t}`);
      expect(current.clientId).toBe(won[0]!.clientId);
      expect(await kit.check(current.clientId, current.clientSecret)).toBe("live");
      // The refused clients were never regenerated: their create-time secrets still work.
      for (const [i, r] of results.entries()) if (r.exitCode !== 0) expect(await kit.check(clients[i]!.id, clients[i]!.secret)).toBe("live");
    }
    kit.sandbox.secretsManager.control.clearFaults();
    report(
      "R3",
      `ten clients into one secret (300 ms TagResource): ${TRIALS} trials × ${RUNS} runs: ${winners} exit 0 (one per trial, its document current and working), ${refused} refused as another client's secret (exit 2), ${other} other failures; no refused client was regenerated`,
    );
    expect(other).toBe(0);
  }, 900_000);

  it("an alternating pair rotated ten times at once: every run takes its turn on the lock, and the pair's current document works", async () => {
    kit.sandbox.genesys.control.setLimits({ apiRequestsPerWindow: 1_000_000, tokenRequestsPerWindow: 1_000_000 });
    let ok = 0;
    let failed = 0;
    const ROUNDS = 5;
    for (let t = 0; t < ROUNDS; t++) {
      const a = await kit.createClient(`r3-pair-${t}`);
      const b = await kit.createClient(`r3-pair-${t}-standby`);
      const target = { clientId: a.id, standbyClientId: b.id, secretId: `r3/pair/${t}` };
      expect((await rotateClient(target, kit.deps(), { createSecret: true })).exitCode).toBe(0);
      const results = await Promise.all(Array.from({ length: RUNS }, () => rotateClient(target, kit.deps())));
      ok += results.filter((r) => r.exitCode === 0).length;
      failed += results.filter((r) => r.exitCode !== 0).length;
      const current = await kit.stored(`r3/pair/${t}`);
      expect(await kit.check(current.clientId, current.clientSecret)).toBe("live");
      // Eleven rotations in all (A, B, A, …): the pair alternated, ending on the first client.
      expect(current.clientId).toBe(a.id);
    }
    report("R3", `alternating pair, ${ROUNDS} trials × ${RUNS} simultaneous rotations: ${ok} exit 0, ${failed} failed; the current document worked after every trial`);
    expect(failed).toBe(0);
  });

  it("Secrets Manager's RotateSecret racing keyward runs on one secret: never both at once, and AWSCURRENT works after every trial", async () => {
    let refusedBySm = 0;
    let smRotations = 0;
    let cliOk = 0;
    const ROUNDS = 5;
    for (let t = 0; t < ROUNDS; t++) {
      const a = await kit.createClient(`r3-sm-${t}`);
      const b = await kit.createClient(`r3-sm-${t}-standby`);
      const args = ["rotate", "--client-id", a.id, "--standby-client-id", b.id, "--secret-id", `r3/sm/${t}`];
      expect((await runKeyward([...args, "--create-secret"], kit.env)).code).toBe(0);
      const [sm, ...cli] = await Promise.all([
        kit.sm.send(new RotateSecretCommand({ SecretId: `r3/sm/${t}`, RotationLambdaARN: kit.sandbox.rotationFunctionArn })).then(
          () => "started",
          (err: Error) => err.name,
        ),
        runKeyward(args, kit.env),
        runKeyward(args, kit.env),
      ]);
      await kit.sandbox.secretsManager.control.rotationsIdle();
      if (sm === "started") smRotations++;
      else refusedBySm++;
      expect(["started", "InvalidRequestException"]).toContain(sm);
      cliOk += cli.filter((r) => r.code === 0).length;
      for (const r of cli) expect([0, 5]).toContain(r.code);
      const current = await kit.stored(`r3/sm/${t}`);
      expect(await kit.check(current.clientId, current.clientSecret)).toBe("live");
    }
    report(
      "R3",
      `RotateSecret racing two keyward runs, ${ROUNDS} trials: ${smRotations} Secrets Manager rotations started, ${refusedBySm} refused while keyward held the lock; ${cliOk} of ${ROUNDS * 2} keyward runs exit 0 (the others exit 5: a rotation in progress); AWSCURRENT worked after every trial`,
    );
  });
});
