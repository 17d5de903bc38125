import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateSecretCommand, DescribeSecretCommand, PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { leakedSecrets, runKeyward, type CliRun } from "../helpers/keyward-cli.js";
import { useSandboxKit } from "../helpers/sandbox.js";
import { waitUntil } from "../helpers/wait.js";

/**
 * One client, one secret; one secret, one client — decided on resolved identities (ids and ARNs), over real
 * processes against the sandbox, judged by token grants with what Secrets Manager holds.
 */
const kit = useSandboxKit();
const outputs: string[] = [];
const keyward = async (args: string[], env: Record<string, string | undefined> = {}): Promise<CliRun> => {
  const run = await runKeyward(args, { ...kit.env, ...env });
  outputs.push(run.stdout, run.stderr);
  return run;
};
const live = (clientId: string, secret: string) => kit.check(clientId, secret);
const tagsOf = async (secretId: string) => Object.fromEntries(((await kit.sm.send(new DescribeSecretCommand({ SecretId: secretId }))).Tags ?? []).map((t) => [t.Key, t.Value]));
const exists = (name: string) => kit.sandbox.secretsManager.control.state().secrets.some((s) => s.name === name);

afterAll(() => {
  kit.collectStoredSecrets();
  expect(leakedSecrets(outputs, kit.minted)).toEqual([]);
});

describe("one client rotated into two secrets", () => {
  it.each([
    ["both by id", (id: string) => ["--client-id", id], (id: string) => ["--client-id", id]],
    ["once by id and once by name", (id: string) => ["--client-id", id], (_id: string, name: string) => ["--client-name", name]],
  ])("by two concurrent runs (%s): at most one succeeds, and every run that exits 0 leaves a secret that authenticates", async (_how, first, second) => {
    for (let trial = 0; trial < 3; trial++) {
      const name = `race-two-secrets-${first("x")[0]!.length}-${second("x", "y")[0]}-${trial}`.replace(/[^a-z0-9-]/gi, "");
      const client = await kit.createClient(name);
      // Slow regenerates widen the window in which the two runs overlap.
      kit.sandbox.genesys.control.addFault({ route: "POST /api/v2/oauth/clients/{clientId}/secret", latencyMs: 200 });
      const [a, b] = await Promise.all([
        keyward(["rotate", ...first(client.id), "--secret-id", `race/${name}/a`, "--create-secret"]),
        keyward(["rotate", ...second(client.id, name), "--secret-id", `race/${name}/b`, "--create-secret"]),
      ]);
      kit.sandbox.genesys.control.clearFaults();
      const runs = [
        { run: a, secretId: `race/${name}/a` },
        { run: b, secretId: `race/${name}/b` },
      ];
      const succeeded = runs.filter((r) => r.run.code === 0);
      expect(succeeded.length).toBeLessThanOrEqual(1);
      for (const r of runs.filter((x) => x.run.code !== 0)) {
        expect(r.run.code).toBe(2);
        expect(r.run.stderr).toMatch(/already rotated into .*keyward:client-id/);
        // The loser leaves nothing behind: the container it created is gone again.
        expect(exists(r.secretId)).toBe(false);
      }
      for (const r of succeeded) {
        const value = await kit.stored(r.secretId);
        expect(await live(client.id, value.clientSecret)).toBe("live");
        expect((await tagsOf(r.secretId))["keyward:client-id"]).toBe(client.id);
      }
      if (succeeded.length === 0) expect(await live(client.id, client.secret)).toBe("live");
    }
  });

  it("one after the other: the second is refused (exit 2) until --take-over moves the client, untagging the first", async () => {
    const client = await kit.createClient("moves-secret");
    expect((await keyward(["rotate", "--client-id", client.id, "--secret-id", "move/old", "--create-secret"])).code).toBe(0);
    const refused = await keyward(["rotate", "--client-id", client.id, "--secret-id", "move/new", "--create-secret"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/fix: rotate it into .*move\/old.* only, or pass --take-over/);
    expect(exists("move/new")).toBe(false);
    expect(await live(client.id, (await kit.stored("move/old")).clientSecret)).toBe("live");

    const moved = await keyward(["rotate", "--client-id", client.id, "--secret-id", "move/new", "--create-secret", "--take-over"]);
    expect(moved.code).toBe(0);
    expect(moved.stdout).toMatch(/took the client over from .*move\/old/);
    expect(await live(client.id, (await kit.stored("move/new")).clientSecret)).toBe("live");
    expect((await tagsOf("move/old"))["keyward:client-id"]).toBeUndefined();
    expect((await tagsOf("move/new"))["keyward:client-id"]).toBe(client.id);
  });
});

describe("two clients sharing one secret", () => {
  it("refuses --client-id A into a secret holding client B's document (exit 2), leaving B's credentials working", async () => {
    const a = await kit.createClient("shared-a");
    const b = await kit.createClient("shared-b");
    expect((await keyward(["rotate", "--client-id", b.id, "--secret-id", "shared/one", "--create-secret"])).code).toBe(0);
    const bStored = await kit.stored("shared/one");
    const refused = await keyward(["rotate", "--client-id", a.id, "--secret-id", "shared/one"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`belongs to client ${b.id}`);
    expect(refused.stderr).toMatch(/fix: give each client its own secret; pass --take-over only if/);
    expect(await live(a.id, a.secret)).toBe("live");
    expect((await kit.stored("shared/one")).clientSecret).toBe(bStored.clientSecret);
    expect(await live(b.id, bStored.clientSecret)).toBe("live");
  });

  it("refuses a secret whose document names another client even when it carries no tag", async () => {
    const a = await kit.createClient("untagged-a");
    const b = await kit.createClient("untagged-b");
    await kit.sm.send(new CreateSecretCommand({ Name: "shared/untagged", SecretString: JSON.stringify({ clientId: b.id, clientSecret: b.secret, region: "us-east-1" }) }));
    const refused = await keyward(["rotate", "--client-id", a.id, "--secret-id", "shared/untagged"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/its current value/);
    expect(await live(b.id, b.secret)).toBe("live");
    const taken = await keyward(["rotate", "--client-id", a.id, "--secret-id", "shared/untagged", "--take-over"]);
    expect(taken.code).toBe(0);
    expect((await kit.stored("shared/untagged")).clientId).toBe(a.id);
  });

  it("refuses a secret holding something that is not a credential document", async () => {
    const a = await kit.createClient("other-value");
    await kit.sm.send(new CreateSecretCommand({ Name: "shared/db-password", SecretString: "hunter2-hunter2" }));
    const refused = await keyward(["rotate", "--client-id", a.id, "--secret-id", "shared/db-password"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/not a keyward credential document/);
    expect(await live(a.id, a.secret)).toBe("live");
  });

  it("treats another client's document appearing at AWSCURRENT mid-rotation as a conflict (exit 5), never as 'dead, re-store'", async () => {
    const a = await kit.createClient("mid-a");
    const b = await kit.createClient("mid-b");
    expect((await keyward(["rotate", "--client-id", a.id, "--secret-id", "mid/one", "--create-secret"])).code).toBe(0);
    // The admin's token grant goes through; the check of the new secret (stored at AWSPENDING, not yet promoted) hangs
    // until keyward gives up on that attempt. While it hangs, someone writes client B's credentials into the secret:
    // the promote's compare-and-set must find them, and leave them.
    const hangs = () => kit.sandbox.genesys.control.state().requests["POST /oauth/token"]?.hang ?? 0;
    const hangsBefore = hangs();
    kit.sandbox.genesys.control.setFaults([{ route: "POST /oauth/token", hang: true, skip: 1, times: 1 }]);
    const pending = keyward(["rotate", "--client-id", a.id, "--secret-id", "mid/one"], { KEYWARD_HTTP_TIMEOUT_SECONDS: "5" });
    await waitUntil(() => hangs() > hangsBefore, "keyward's check of the new secret to reach the token endpoint");
    expect(
      kit.sandbox.secretsManager.control
        .state()
        .secrets.find((s) => s.name === "mid/one")!
        .versions.some((v) => v.stages.includes("AWSPENDING") && !v.stages.includes("AWSCURRENT")),
    ).toBe(true);
    await kit.sm.send(new PutSecretValueCommand({ SecretId: "mid/one", SecretString: JSON.stringify({ clientId: b.id, clientSecret: b.secret, region: "us-east-1" }) }));
    const run = await pending;
    kit.sandbox.genesys.control.clearFaults();
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(/now holds client .* credentials/);
    // B's live credentials were not overwritten after they appeared.
    expect((await kit.stored("mid/one")).clientId).toBe(b.id);
    expect(await live(b.id, b.secret)).toBe("live");
  }, 120_000);
});

describe("a manifest naming one client or one secret twice", () => {
  it("exits 2 before anything changes when the same client is listed by id and by name", async () => {
    const client = await kit.createClient("twice-named");
    const dir = await mkdtemp(join(tmpdir(), "keyward-manifest-"));
    const file = join(dir, "fleet.json");
    await writeFile(
      file,
      JSON.stringify([
        { clientId: client.id, secretId: "twice/a" },
        { clientName: "twice-named", secretId: "twice/b" },
      ]),
    );
    const run = await keyward(["rotate", "--manifest", file, "--create-secret"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/entry 2 .* and entry 1 .* are the same client/);
    expect(await live(client.id, client.secret)).toBe("live");
    expect(exists("twice/a") || exists("twice/b")).toBe(false);
  });

  it("exits 2 when two entries write one secret, once by name and once by ARN", async () => {
    const one = await kit.createClient("arn-one");
    const two = await kit.createClient("arn-two");
    const arn = (await kit.sm.send(new CreateSecretCommand({ Name: "twice/shared" }))).ARN!;
    const dir = await mkdtemp(join(tmpdir(), "keyward-manifest-"));
    const file = join(dir, "fleet.yaml");
    await writeFile(file, `- {clientId: ${one.id}, secretId: twice/shared}\n- {clientId: ${two.id}, secretId: "${arn}"}\n`);
    const run = await keyward(["rotate", "--manifest", file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/write the same secret/);
    expect(await live(one.id, one.secret)).toBe("live");
    expect(await live(two.id, two.secret)).toBe("live");
  });
});

describe("a secret's own tag", () => {
  it("is written by keyward rotate (keyward:client-id = the client id), so the janitor can find it", async () => {
    const client = await kit.createClient("tagged");
    await kit.sm.send(new CreateSecretCommand({ Name: "tag/existing" }));
    expect((await keyward(["rotate", "--client-id", client.id, "--secret-id", "tag/existing"])).code).toBe(0);
    expect(await tagsOf("tag/existing")).toMatchObject({ "keyward:client-id": client.id });
  });
});

describe("rotating the admin client itself", () => {
  it("is refused (exit 2) unless --rotate-self; then the new secret is verified and the output says where it lives", async () => {
    const adminId = kit.env.GENESYSCLOUD_OAUTHCLIENT_ID!;
    const refused = await keyward(["rotate", "--client-id", adminId, "--secret-id", "self/admin", "--create-secret"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/is the admin client this run authenticates as/);
    expect(refused.stderr).toMatch(/--rotate-self/);
    expect(exists("self/admin")).toBe(false);

    const rotated = await keyward(["rotate", "--client-id", adminId, "--secret-id", "self/admin", "--create-secret", "--rotate-self"]);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toMatch(/GENESYSCLOUD_OAUTHCLIENT_SECRET is now invalid; its new secret lives only in arn:aws:secretsmanager:.*self\/admin/);
    const stored = await kit.stored("self/admin");
    expect(await live(adminId, stored.clientSecret)).toBe("live");
    expect(await live(adminId, kit.env.GENESYSCLOUD_OAUTHCLIENT_SECRET!)).toBe("dead");
    // Later tests of this file act as the admin again: hand them the new secret.
    kit.env.GENESYSCLOUD_OAUTHCLIENT_SECRET = stored.clientSecret;
  });
});
