import { CreateSecretCommand, DescribeSecretCommand } from "@aws-sdk/client-secrets-manager";
import { SecretConsumer } from "../../src/sandbox/consumer.js";
import { leakedSecrets, runKeyward, type CliRun } from "../helpers/keyward-cli.js";
import { useSandboxKit } from "../helpers/sandbox.js";

/**
 * Alternating clients (README "Alternating clients"): a pair of clients with the same roles behind one secret; each
 * rotation regenerates the one that is not current and makes it current, so a consumer holding the current one keeps
 * working until it re-reads. Driven by conditions, never by wall-clock timing: the consumer is parked while a
 * rotation runs (the stretch between two of its reads) and then takes a token with what it held.
 */
const kit = useSandboxKit();
const outputs: string[] = [];
const keyward = async (args: string[], env: Record<string, string | undefined> = {}): Promise<CliRun> => {
  const run = await runKeyward(args, { ...kit.env, ...env });
  outputs.push(run.stdout, run.stderr);
  return run;
};
const target = () => ({ loginBaseUrl: kit.sandbox.genesys.url, apiBaseUrl: kit.sandbox.genesys.url });

afterAll(() => {
  kit.collectStoredSecrets();
  expect(leakedSecrets(outputs, kit.minted)).toEqual([]);
});

/** Runs `rotations` rotations while a consumer reads the secret between them; returns the consumer's refused grants. */
async function consumerThrough(secretId: string, rotations: number, rotate: () => Promise<CliRun>): Promise<{ refused: number; currents: string[] }> {
  const consumer = new SecretConsumer(kit.sm, secretId, target(), 20);
  consumer.start();
  const currents: string[] = [];
  try {
    for (let k = 0; k < rotations; k++) {
      await consumer.pause(); // it holds what it read last, and will use it after the rotation
      const run = await rotate();
      expect(run.code).toBe(0);
      currents.push((await kit.stored(secretId)).clientId);
      const done = consumer.iterations.length;
      consumer.resume();
      await consumer.waitForIterations(done + 1);
    }
  } finally {
    await consumer.stop();
  }
  for (const i of consumer.iterations) if (i.fresh === "unreadable") throw new Error("the consumer could not read the secret");
  return { refused: consumer.refused, currents };
}

describe("alternating clients", () => {
  it("20 rotations in the sandbox, and a consumer that re-reads between them never sees a refused grant", async () => {
    kit.sandbox.genesys.control.setLimits({ tokenRequestsPerWindow: 100_000, apiRequestsPerWindow: 100_000 });
    const a = await kit.createClient("alt-app");
    const b = await kit.createClient("alt-app-standby");
    const args = ["rotate", "--client-id", a.id, "--standby-client-id", b.id, "--secret-id", "alt/app"];
    expect((await keyward([...args, "--create-secret"])).code).toBe(0);
    expect((await kit.stored("alt/app")).clientId).toBe(a.id);

    const { refused, currents } = await consumerThrough("alt/app", 20, () => keyward(args));
    expect(refused).toBe(0);
    // The pair takes turns: B, A, B, ...
    expect(currents).toEqual(Array.from({ length: 20 }, (_, k) => (k % 2 === 0 ? b.id : a.id)));
    // Both members still work after the last rotation: the current one and the one before it.
    const current = await kit.stored("alt/app");
    expect(await kit.check(current.clientId, current.clientSecret)).toBe("live");
  }, 240_000);

  it("in single-client mode the same consumer sees the cutover: its held secret is refused once per rotation", async () => {
    const c = await kit.createClient("single-app");
    const args = ["rotate", "--client-id", c.id, "--secret-id", "single/app"];
    expect((await keyward([...args, "--create-secret"])).code).toBe(0);
    const { refused } = await consumerThrough("single/app", 3, () => keyward(args));
    expect(refused).toBe(3);
  }, 120_000);

  it("writes the pair into the document and the tags, in canonical case", async () => {
    const a = await kit.createClient("alt-doc");
    const b = await kit.createClient("alt-doc-standby");
    const run = await keyward(["rotate", "--client-id", a.id, "--standby-client-id", b.id, "--secret-id", "alt/doc", "--create-secret", "--format", "json"]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { results: Array<Record<string, unknown>> };
    expect(report.results[0]).toMatchObject({ rotation: "alternating", regeneratedClientId: a.id, currentClientId: a.id });
    const doc = (await kit.stored("alt/doc")) as unknown as { clientId: string; pairedClientId: string };
    expect(doc).toMatchObject({ clientId: a.id, pairedClientId: b.id });
    const tags = (await kit.sm.send(new DescribeSecretCommand({ SecretId: "alt/doc" }))).Tags;
    expect(tags).toEqual(
      expect.arrayContaining([
        { Key: "keyward:client-id", Value: a.id.toLowerCase() },
        { Key: "keyward:standby-client-id", Value: b.id.toLowerCase() },
      ]),
    );
  });

  it("a pair's first rotation regenerates away the other member's creation-time secret, which no document holds", async () => {
    const a = await kit.createClient("alt-seal");
    const b = await kit.createClient("alt-seal-standby");
    const run = await keyward(["rotate", "--client-id", a.id, "--standby-client-id", b.id, "--secret-id", "alt/seal", "--create-secret", "--format", "json"]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { results: Array<Record<string, unknown>> };
    expect(report.results[0]).toMatchObject({ currentClientId: a.id, pairMember: { clientId: b.id, outcome: "sealed" } });
    expect(await kit.check(b.id, b.secret)).toBe("dead");
    const current = await kit.stored("alt/seal");
    expect(await kit.check(current.clientId, current.clientSecret)).toBe("live");
    // Later rotations store the standby's new secret as usual (no second seal).
    const next = await keyward(["rotate", "--client-id", a.id, "--standby-client-id", b.id, "--secret-id", "alt/seal", "--format", "json"]);
    expect(next.code).toBe(0);
    const later = (JSON.parse(next.stdout) as { results: Array<Record<string, unknown>> }).results[0]!;
    expect(later).toMatchObject({ currentClientId: b.id });
    expect(later).not.toHaveProperty("pairMember");
    expect(await kit.check(current.clientId, current.clientSecret)).toBe("live");
  });

  it("turns a single-client secret into a pair, and refuses a single-client rotation of a pair's secret (exit 2)", async () => {
    const a = await kit.createClient("convert");
    const b = await kit.createClient("convert-standby");
    expect((await keyward(["rotate", "--client-id", a.id, "--secret-id", "alt/convert", "--create-secret"])).code).toBe(0);
    const single = await kit.stored("alt/convert");
    expect((await keyward(["rotate", "--client-id", a.id, "--standby-client-id", b.id, "--secret-id", "alt/convert"])).code).toBe(0);
    // The first alternating rotation regenerated the standby: the single client's secret still works.
    expect((await kit.stored("alt/convert")).clientId).toBe(b.id);
    expect(await kit.check(a.id, single.clientSecret)).toBe("live");
    const refused = await keyward(["rotate", "--client-id", a.id, "--secret-id", "alt/convert"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/holds an alternating pair/);
    expect(refused.stderr).toMatch(/--standby-client-id/);
  });

  it("refuses a standby that another secret already holds (exit 2), before anything changes", async () => {
    const a = await kit.createClient("claimed");
    const b = await kit.createClient("claimed-standby");
    expect((await keyward(["rotate", "--client-id", b.id, "--secret-id", "alt/claimed-elsewhere", "--create-secret"])).code).toBe(0);
    const before = await kit.stored("alt/claimed-elsewhere");
    await kit.sm.send(new CreateSecretCommand({ Name: "alt/claimed" }));
    const run = await keyward(["rotate", "--client-id", a.id, "--standby-client-id", b.id, "--secret-id", "alt/claimed"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/already rotated into/);
    expect(await kit.check(b.id, before.clientSecret)).toBe("live");
  });
});
