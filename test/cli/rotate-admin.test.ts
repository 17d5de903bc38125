import { CreateSecretCommand, GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { BUILTIN_ROLES } from "../../src/sandbox/genesys/index.js";
import { leakedSecrets, runKeyward, type CliRun } from "../helpers/keyward-cli.js";
import { useSandboxKit } from "../helpers/sandbox.js";

/**
 * Admin credentials kept in Secrets Manager (README "Admin credentials in Secrets Manager"): `KEYWARD_ADMIN_SECRET_ARN`
 * is read at run time by `keyward rotate`; `--rotate-self` writes the new admin secret back into that document, and
 * the next command just works.
 */
const kit = useSandboxKit();
const outputs: string[] = [];
const keyward = async (args: string[], env: Record<string, string | undefined>): Promise<CliRun> => {
  const run = await runKeyward(args, env);
  outputs.push(run.stdout, run.stderr);
  return run;
};

afterAll(() => {
  kit.collectStoredSecrets();
  expect(leakedSecrets(outputs, kit.minted)).toEqual([]);
});

/** A fresh admin client whose credential document lives in its own secret; the environment names only that secret. */
async function adminInSecretsManager(name: string) {
  const [admin] = kit.sandbox.genesys.control.seed({ clients: [{ name, roleIds: [BUILTIN_ROLES.admin, BUILTIN_ROLES.readonly] }] }).clients;
  kit.minted.add(admin!.secret);
  const gateway = { host: "127.0.0.1", port: String(new URL(kit.sandbox.genesys.url).port), protocol: "http" };
  const arn = (
    await kit.sm.send(
      new CreateSecretCommand({ Name: `${name}/genesys`, SecretString: JSON.stringify({ clientId: admin!.id, clientSecret: admin!.secret, region: "us-east-1", gateway }) }),
    )
  ).ARN!;
  const env = { ...kit.env, GENESYSCLOUD_OAUTHCLIENT_ID: undefined, GENESYSCLOUD_OAUTHCLIENT_SECRET: undefined, KEYWARD_ADMIN_SECRET_ARN: arn };
  return { admin: admin!, arn, env };
}

const documentIn = async (arn: string) => {
  const doc = JSON.parse((await kit.sm.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString!) as { clientId: string; clientSecret: string };
  kit.minted.add(doc.clientSecret);
  return doc;
};

describe("KEYWARD_ADMIN_SECRET_ARN", () => {
  it("is read at run time: rotate works with no GENESYSCLOUD_OAUTHCLIENT_* in the environment", async () => {
    const { env } = await adminInSecretsManager("arn-admin");
    const client = await kit.createClient("rotated-by-arn-admin");
    const run = await keyward(["rotate", "--client-id", client.id, "--secret-id", "arn-admin/client", "--create-secret"], env);
    expect(run.code).toBe(0);
    expect(await kit.check(client.id, (await kit.stored("arn-admin/client")).clientSecret)).toBe("live");
  });

  it("wins over GENESYSCLOUD_OAUTHCLIENT_* (even wrong ones), and the deprecated name still works with one line", async () => {
    const { arn } = await adminInSecretsManager("arn-wins");
    const client = await kit.createClient("rotated-by-arn-wins");
    const env = { ...kit.env, GENESYSCLOUD_OAUTHCLIENT_SECRET: "definitely-not-the-admin-secret", KEYWARD_JANITOR_CREDENTIALS_ARN: arn };
    const run = await keyward(["rotate", "--client-id", client.id, "--secret-id", "arn-wins/client", "--create-secret"], env);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/KEYWARD_JANITOR_CREDENTIALS_ARN is deprecated: use KEYWARD_ADMIN_SECRET_ARN/);
  });

  it("naming a secret that holds no credential document is exit 2, before anything changes", async () => {
    await kit.sm.send(new CreateSecretCommand({ Name: "arn-admin/not-a-document", SecretString: "hunter2" }));
    const client = await kit.createClient("not-rotated-bad-admin");
    const run = await keyward(["rotate", "--client-id", client.id, "--secret-id", "arn-admin/none", "--create-secret"], {
      ...kit.env,
      KEYWARD_ADMIN_SECRET_ARN: "arn-admin/not-a-document",
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/does not hold a keyward credential document/);
    expect(await kit.check(client.id, client.secret)).toBe("live");
  });
});

describe("rotate --rotate-self with the admin in Secrets Manager", () => {
  it("writes the new admin secret back into its document, and the next command just works", async () => {
    const { admin, arn, env } = await adminInSecretsManager("self-admin");
    const run = await keyward(["rotate", "--client-id", admin.id, "--secret-id", arn, "--rotate-self"], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/where KEYWARD_ADMIN_SECRET_ARN reads it; the next command uses it/);
    const doc = await documentIn(arn);
    expect(doc.clientId).toBe(admin.id);
    expect(await kit.check(admin.id, admin.secret)).toBe("dead");
    expect(await kit.check(admin.id, doc.clientSecret)).toBe("live");

    const client = await kit.createClient("after-self-rotation");
    const next = await keyward(["rotate", "--client-id", client.id, "--secret-id", "self-admin/next", "--create-secret"], env);
    expect(next.code).toBe(0);
    // And it can rotate itself again, from the document it wrote.
    expect((await keyward(["rotate", "--client-id", admin.id, "--secret-id", arn, "--rotate-self"], env)).code).toBe(0);
  });

  it("refuses to rotate the admin into any other secret than its document (exit 2), changing nothing", async () => {
    const { admin, env } = await adminInSecretsManager("self-elsewhere");
    const run = await keyward(["rotate", "--client-id", admin.id, "--secret-id", "self-elsewhere/other", "--create-secret", "--rotate-self"], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/rotate the admin client into its own document/);
    expect(await kit.check(admin.id, admin.secret)).toBe("live");
  });

  it("an admin pair in its document rotates without ever invalidating the credentials the run uses", async () => {
    const { admin, arn, env } = await adminInSecretsManager("self-pair");
    const [standby] = kit.sandbox.genesys.control.seed({ clients: [{ name: "self-pair-standby", roleIds: [BUILTIN_ROLES.admin, BUILTIN_ROLES.readonly] }] }).clients;
    kit.minted.add(standby!.secret);
    for (let k = 0; k < 3; k++) {
      const run = await keyward(["rotate", "--client-id", admin.id, "--standby-client-id", standby!.id, "--secret-id", arn, "--rotate-self"], env);
      expect(run.code).toBe(0);
    }
    const doc = await documentIn(arn);
    expect(doc.clientId).toBe(standby!.id);
    expect(await kit.check(doc.clientId, doc.clientSecret)).toBe("live");
  });
});
