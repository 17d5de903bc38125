import { randomUUID } from "node:crypto";
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient, TagResourceCommand } from "@aws-sdk/client-secrets-manager";
import { CLIENT_ID_TAG } from "../../src/contracts/client-id-tag.js";
import { REPORT_SCHEMAS } from "../../src/contracts/report-schemas.js";
import { createLogger } from "../../src/core/log.js";
import { takeInventory } from "../../src/inventory/index.js";
import type { StatusReport } from "../../src/inventory/index.js";
import { startSecretsManagerEmulator } from "../../src/sandbox/secretsmanager/index.js";
import { createSecretStore } from "../../src/secrets/index.js";
import { leakedSecrets, runKeyward } from "../helpers/keyward-cli.js";
import { useSandboxKit } from "../helpers/sandbox.js";

/**
 * `keyward status` against the sandbox, through the built binary: every managed secret (a name under the prefix and
 * the keyward:client-id tag) is listed with its client, last rotation and age; `--verify` proves each document; stale,
 * broken and unproven secrets fail the run. Each scenario uses its own managed prefix, so they do not see each other.
 */
const kit = useSandboxKit();
const outputs: string[] = [];
afterAll(() => {
  kit.collectStoredSecrets();
  expect(leakedSecrets(outputs, kit.minted)).toEqual([]);
});

const prefixFor = (name: string) => `keyward/${name}-${randomUUID().slice(0, 8)}/`;

async function status(args: string[], env: Record<string, string | undefined>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = await runKeyward(["status", ...args], env, { timeoutMs: 120_000 });
  outputs.push(run.stdout, run.stderr);
  return run;
}
const json = async (args: string[], env: Record<string, string | undefined>) => {
  const run = await status([...args, "--format", "json"], env);
  return { code: run.code, report: JSON.parse(run.stdout) as StatusReport, stderr: run.stderr };
};

/** A client rotated into `<prefix><name>` by `keyward rotate` itself (the real claim tag, the real document). */
async function rotated(prefix: string, name: string): Promise<{ clientId: string; secretName: string }> {
  const client = await kit.createClient(`${name}-${randomUUID()}`);
  const secretName = `${prefix}${name}`;
  const run = await runKeyward(["rotate", "--client-id", client.id, "--secret-id", secretName, "--create-secret"], kit.env, { timeoutMs: 120_000 });
  outputs.push(run.stdout, run.stderr);
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
  return { clientId: client.id, secretName };
}

describe("keyward status in the sandbox (the acceptance)", () => {
  let prefix: string;
  let managed: Array<{ clientId: string; secretName: string }>;
  beforeAll(async () => {
    prefix = prefixFor("acceptance");
    managed = [await rotated(prefix, "billing"), await rotated(prefix, "wfm"), await rotated(prefix, "reporting")];
    // Not managed: the tag outside the prefix, and the prefix without the tag.
    const outside = await kit.createClient(`outside-${randomUUID()}`);
    await kit.sm.send(new CreateSecretCommand({ Name: `elsewhere/${randomUUID()}`, SecretString: "{}", Tags: [{ Key: CLIENT_ID_TAG, Value: outside.id }] }));
    await kit.sm.send(new CreateSecretCommand({ Name: `${prefix}untagged`, SecretString: "{}" }));
  }, 180_000);

  it("`--max-age 0 --verify` lists every managed secret, each with its client, last rotation and age, and exits 1", async () => {
    const env = { ...kit.env, KEYWARD_MANAGED_SECRET_PREFIX: prefix };
    const text = await status(["--max-age", "0", "--verify"], env);
    expect(text.code).toBe(1);
    for (const m of managed) expect(text.stdout).toContain(m.secretName);
    expect(text.stdout).not.toContain("untagged");
    expect(text.stdout).toMatch(/3 managed secret\(s\): 0 ok, 3 stale, 0 broken, 0 unknown \(--max-age 0\)/);

    const { code, report } = await json(["--max-age", "0", "--verify"], env);
    expect(code).toBe(1);
    expect(report).toMatchObject({
      schema: REPORT_SCHEMAS.status,
      managedPrefix: prefix,
      maxAgeDays: 0,
      verified: true,
      clientsChecked: true,
      exitCode: 1,
      summary: { total: 3, ok: 0, stale: 3, broken: 0, unknown: 0 },
    });
    expect(report.secrets.map((s) => s.secretName)).toEqual(managed.map((m) => m.secretName).sort());
    for (const s of report.secrets) {
      const m = managed.find((x) => x.secretName === s.secretName)!;
      expect(s).toMatchObject({
        clientId: m.clientId,
        clientName: expect.stringMatching(/^(billing|wfm|reporting)-/),
        clientState: "active",
        lastRotationSource: "current-version",
        document: "live",
        verdict: "stale",
      });
      expect(Date.now() - Date.parse(s.lastRotation!)).toBeLessThan(10 * 60_000);
      expect(s.ageDays).toBeGreaterThanOrEqual(0);
    }
  });

  it("with a fresh rotation and `--max-age 90 --verify`, exits 0", async () => {
    const { code, report } = await json(["--max-age", "90", "--verify"], { ...kit.env, KEYWARD_MANAGED_SECRET_PREFIX: prefix });
    expect(code).toBe(0);
    expect(report.summary).toEqual({ total: 3, ok: 3, stale: 0, broken: 0, unknown: 0 });
  });

  it("without --verify reads no secret value (ListSecrets and ListSecretVersionIds only)", async () => {
    const before = kit.sandbox.secretsManager.control.state().requests.GetSecretValue ?? 0;
    const { code, report } = await json(["--max-age", "90"], { ...kit.env, KEYWARD_MANAGED_SECRET_PREFIX: prefix });
    expect(code).toBe(0);
    expect(report.verified).toBe(false);
    expect(report.secrets.every((s) => s.document === "not-checked")).toBe(true);
    expect(kit.sandbox.secretsManager.control.state().requests.GetSecretValue ?? 0).toBe(before);
  });

  it("without admin credentials still lists, and says the clients were not looked up", async () => {
    const { GENESYSCLOUD_OAUTHCLIENT_ID: _id, GENESYSCLOUD_OAUTHCLIENT_SECRET: _secret, ...env } = kit.env;
    void _id;
    void _secret;
    const { code, report, stderr } = await json(["--verify"], { ...env, KEYWARD_MANAGED_SECRET_PREFIX: prefix });
    expect(code).toBe(0);
    expect(report.clientsChecked).toBe(false);
    expect(report.secrets.every((s) => s.clientName === null && s.clientState === "not-checked" && s.document === "live")).toBe(true);
    expect(stderr).toMatch(/client names and states are not looked up/);
  });

  it("reads the admin client from KEYWARD_ADMIN_SECRET_ARN at run time (the shared resolver), no GENESYSCLOUD_OAUTHCLIENT_* needed", async () => {
    const { GENESYSCLOUD_OAUTHCLIENT_ID: _id, GENESYSCLOUD_OAUTHCLIENT_SECRET: _secret, ...env } = kit.env;
    void _id;
    void _secret;
    const { code, report } = await json(["--verify"], { ...env, KEYWARD_MANAGED_SECRET_PREFIX: prefix, KEYWARD_ADMIN_SECRET_ARN: kit.sandbox.secretArns.admin });
    expect(code).toBe(0);
    expect(report.clientsChecked).toBe(true);
    expect(report.secrets.every((s) => s.clientState === "active")).toBe(true);
  });
});

describe("keyward status names what is broken", () => {
  let prefix: string;
  const cases: Record<string, { secretName: string; clientId: string }> = {};
  beforeAll(async () => {
    prefix = prefixFor("broken");
    const admin = kit.genesys();
    cases.fine = await rotated(prefix, "fine");
    // Regenerated out of band: the stored secret is dead.
    cases.dead = await rotated(prefix, "dead");
    await admin.oauthClients.regenerateSecret(cases.dead.clientId);
    // The client was deleted after its rotation.
    cases.gone = await rotated(prefix, "gone");
    await admin.oauthClients.delete(cases.gone.clientId);
    // Disabled: no token for it.
    cases.disabled = await rotated(prefix, "disabled");
    await admin.oauthClients.setState(cases.disabled.clientId, "disabled");
    // A tagged container that never received a value.
    const empty = await kit.createClient(`empty-${randomUUID()}`);
    cases.empty = { clientId: empty.id, secretName: `${prefix}empty` };
    await kit.sm.send(new CreateSecretCommand({ Name: cases.empty.secretName, Tags: [{ Key: CLIENT_ID_TAG, Value: empty.id }] }));
    // Another client's document under this client's tag.
    cases.swapped = await rotated(prefix, "swapped");
    const other = await kit.createClient(`other-${randomUUID()}`);
    await kit.sm.send(
      new PutSecretValueCommand({ SecretId: cases.swapped.secretName, SecretString: JSON.stringify({ clientId: other.id, clientSecret: other.secret, region: "us-east-1" }) }),
    );
    // Not a credential document at all.
    cases.garbage = await rotated(prefix, "garbage");
    await kit.sm.send(new PutSecretValueCommand({ SecretId: cases.garbage.secretName, SecretString: "hunter2" }));
    kit.minted.add("hunter2");
  }, 240_000);

  it("lists each problem with its reason, and exits 1", async () => {
    const { code, report } = await json(["--verify"], { ...kit.env, KEYWARD_MANAGED_SECRET_PREFIX: prefix });
    expect(code).toBe(1);
    const by = (name: string) => report.secrets.find((s) => s.secretName === `${prefix}${name}`)!;
    expect(by("fine")).toMatchObject({ verdict: "ok", document: "live", clientState: "active" });
    expect(by("dead")).toMatchObject({ verdict: "broken", document: "dead", problems: [expect.stringMatching(/refused by Genesys Cloud/)] });
    expect(by("gone")).toMatchObject({
      verdict: "broken",
      clientState: "missing",
      clientName: null,
      problems: expect.arrayContaining([expect.stringMatching(/no longer exists/)]),
    });
    expect(by("disabled")).toMatchObject({ verdict: "broken", clientState: "disabled" });
    expect(by("empty")).toMatchObject({ verdict: "broken", document: "no-value", lastRotation: null, lastRotationSource: "none", ageDays: null });
    expect(by("swapped")).toMatchObject({ verdict: "broken", document: "other-client" });
    expect(by("garbage")).toMatchObject({ verdict: "broken", document: "not-a-credential-document" });
    expect(report.summary).toMatchObject({ total: 7, ok: 1, broken: 6 });
  });

  it("calls a document unknown, never fine, when the token endpoint cannot answer, and exits 1", async () => {
    const { GENESYSCLOUD_OAUTHCLIENT_ID: _id, GENESYSCLOUD_OAUTHCLIENT_SECRET: _secret, ...env } = kit.env;
    void _id;
    void _secret;
    kit.sandbox.genesys.control.setFaults([{ route: "POST /oauth/token", errorRate: 1, errorStatus: 503 }]);
    const { code, report } = await json(["--verify"], { ...env, KEYWARD_MANAGED_SECRET_PREFIX: prefix });
    expect(code).toBe(1);
    const fine = report.secrets.find((s) => s.secretName === `${prefix}fine`)!;
    expect(fine).toMatchObject({ verdict: "unknown", document: "unknown", problems: [expect.stringMatching(/could not be checked/)] });
  });
});

describe("the inventory's age, from Secrets Manager's own dates", () => {
  it("calls a secret rotated 100 days ago stale under --max-age 90, and one rotated today fine", async () => {
    const DAY = 86_400_000;
    let offset = -100 * DAY;
    const sm = await startSecretsManagerEmulator({ clock: () => Date.now() + offset });
    try {
      // The emulator dates secrets and versions by its clock; signatures are checked against real time.
      const client = () => new SecretsManagerClient({ endpoint: sm.url, region: sm.region, credentials: sm.credentials, maxAttempts: 1 });
      const doc = (id: string) => JSON.stringify({ clientId: id, clientSecret: "x".repeat(43), region: "us-east-1" });
      const old = randomUUID();
      const fresh = randomUUID();
      await client().send(new CreateSecretCommand({ Name: "keyward/clients/old", SecretString: doc(old), Tags: [{ Key: CLIENT_ID_TAG, Value: old }] }));
      await client().send(new CreateSecretCommand({ Name: "keyward/clients/fresh", Tags: [{ Key: CLIENT_ID_TAG, Value: fresh }] }));
      offset = 0;
      // Today: a tag change (LastChangedDate moves) on the old one, a first value for the fresh one.
      await client().send(new TagResourceCommand({ SecretId: "keyward/clients/old", Tags: [{ Key: "team", Value: "billing" }] }));
      await client().send(new PutSecretValueCommand({ SecretId: "keyward/clients/fresh", SecretString: doc(fresh) }));
      const store = createSecretStore({ client: client() });
      const entries = await takeInventory(
        { store, check: async () => "live", now: () => Date.now(), logger: createLogger({ level: "silent" }) },
        { prefix: "keyward/", verify: false, maxAgeDays: 90, concurrency: 2 },
      );
      const by = (name: string) => entries.find((e) => e.secretName === `keyward/clients/${name}`)!;
      expect(by("old")).toMatchObject({
        lastRotationSource: "current-version",
        judgement: { verdict: "stale", problems: [expect.stringMatching(/^last rotated 100\.0 days ago, over --max-age 90$/)] },
      });
      expect(by("fresh")).toMatchObject({ lastRotationSource: "current-version", judgement: { verdict: "ok" } });
      expect(by("old").judgement.ageDays).toBeGreaterThanOrEqual(100);
    } finally {
      await sm.close();
    }
  });
});
