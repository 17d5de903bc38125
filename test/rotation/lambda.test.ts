import { CreateSecretCommand, GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { handler } from "../../src/rotation/lambda.js";
import { leakedSecrets } from "../helpers/keyward-cli.js";
import { useSandboxKit } from "../helpers/sandbox.js";

const kit = useSandboxKit();
let stdout: string[];
let restore: () => void;
beforeEach(() => {
  stdout = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  restore = () => {
    process.stdout.write = write;
  };
});
afterEach(() => restore());

/**
 * The Lambda's environment: only the admin secret's ARN and the AWS SDK's own settings, no Genesys credentials. The
 * sandbox's own admin is not rotated here (other tests use it); "rotates the admin client last" seeds its own.
 */
function lambdaEnv(adminSecretArn: string, rotateAdmin = false): NodeJS.ProcessEnv {
  return {
    KEYWARD_ADMIN_SECRET_ARN: adminSecretArn,
    KEYWARD_ROTATE_ADMIN: String(rotateAdmin),
    AWS_ENDPOINT_URL_SECRETS_MANAGER: kit.sandbox.secretsManager.url,
    AWS_REGION: kit.sandbox.region,
    AWS_ACCESS_KEY_ID: kit.sandbox.awsCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: kit.sandbox.awsCredentials.secretAccessKey,
  };
}

/** Runs `fn` with exactly the Lambda's environment: no GENESYSCLOUD_* and no other AWS_* variables. */
async function inLambda<T>(env: NodeJS.ProcessEnv, fn: () => Promise<T>): Promise<T> {
  const saved = process.env;
  process.env = { ...Object.fromEntries(Object.entries(saved).filter(([k]) => !k.startsWith("GENESYSCLOUD_") && !k.startsWith("AWS_"))), ...env };
  try {
    return await fn();
  } finally {
    process.env = saved;
  }
}

describe("the scheduled-rotation Lambda", () => {
  it("reads the admin credentials from Secrets Manager and rotates the schedule's manifest", async () => {
    const a = await kit.createClient("scheduled-a");
    const b = await kit.createClient("scheduled-b");
    await kit.sm.send(new CreateSecretCommand({ Name: "scheduled/a" }));
    await kit.sm.send(new CreateSecretCommand({ Name: "scheduled/b" }));
    const adminArn = (await kit.sm.send(new GetSecretValueCommand({ SecretId: kit.sandbox.secretNames.admin }))).ARN!;

    const report = await inLambda(lambdaEnv(adminArn), () =>
      handler({
        clients: [
          { clientId: a.id, secretId: "scheduled/a" },
          { clientName: "scheduled-b", secretId: "scheduled/b" },
        ],
      }),
    );
    expect(report).toMatchObject({ ok: 2, failed: 0, exitCode: 0 });
    for (const [client, id] of [
      [a, "scheduled/a"],
      [b, "scheduled/b"],
    ] as const) {
      const value = JSON.parse((await kit.sm.send(new GetSecretValueCommand({ SecretId: id }))).SecretString!) as { clientSecret: string };
      kit.minted.add(value.clientSecret);
      expect(await kit.check(client.id, value.clientSecret)).toBe("live");
      expect(await kit.check(client.id, client.secret)).toBe("dead");
    }
    kit.collectStoredSecrets();
    expect(leakedSecrets([...stdout, JSON.stringify(report)], kit.minted)).toEqual([]);
    expect(stdout.join("")).toContain('"msg":"scheduled rotation finished"');
  });

  it("fails the invocation when a client fails, after rotating the others", async () => {
    const ok = await kit.createClient("scheduled-ok");
    await kit.sm.send(new CreateSecretCommand({ Name: "scheduled/ok" }));
    const adminArn = (await kit.sm.send(new GetSecretValueCommand({ SecretId: kit.sandbox.secretNames.admin }))).ARN!;
    const manifest = JSON.stringify({
      clients: [
        { clientId: ok.id, secretId: "scheduled/ok" },
        { clientName: "nobody", secretId: "scheduled/nobody" },
      ],
    });
    await expect(inLambda(lambdaEnv(adminArn), () => handler(manifest))).rejects.toThrow(/1 of 2 clients failed/);
    const value = JSON.parse((await kit.sm.send(new GetSecretValueCommand({ SecretId: "scheduled/ok" }))).SecretString!) as { clientSecret: string };
    kit.minted.add(value.clientSecret);
    expect(leakedSecrets(stdout, kit.minted)).toEqual([]);
  });

  it("rotates the admin client last, into its own document, verified; the next invocation works with the new secret", async () => {
    const { BUILTIN_ROLES } = await import("../../src/sandbox/genesys/index.js");
    const [admin] = kit.sandbox.genesys.control.seed({ clients: [{ name: "scheduled-admin", roleIds: [BUILTIN_ROLES.admin, BUILTIN_ROLES.readonly] }] }).clients;
    kit.minted.add(admin!.secret);
    const gateway = { host: "127.0.0.1", port: String(new URL(kit.sandbox.genesys.url).port), protocol: "http" };
    const adminArn = (
      await kit.sm.send(
        new CreateSecretCommand({
          Name: "scheduled-admin/genesys",
          SecretString: JSON.stringify({ clientId: admin!.id, clientSecret: admin!.secret, region: "us-east-1", gateway }),
        }),
      )
    ).ARN!;
    const c = await kit.createClient("scheduled-with-admin");
    await kit.sm.send(new CreateSecretCommand({ Name: "scheduled/with-admin" }));
    const manifest = { clients: [{ clientId: c.id, secretId: "scheduled/with-admin" }] };

    const report = (await inLambda(lambdaEnv(adminArn, true), () => handler(manifest))) as { results: Array<{ clientId: string; status: string; selfRotated?: boolean }> };
    expect(report.results.map((r) => [r.clientId, r.status])).toEqual([
      [c.id, "rotated"],
      [admin!.id, "rotated"],
    ]);
    expect(report.results[1]!.selfRotated).toBe(true);
    const newAdmin = JSON.parse((await kit.sm.send(new GetSecretValueCommand({ SecretId: adminArn }))).SecretString!) as { clientId: string; clientSecret: string };
    kit.minted.add(newAdmin.clientSecret);
    expect(newAdmin.clientId).toBe(admin!.id);
    expect(await kit.check(admin!.id, admin!.secret)).toBe("dead");
    expect(await kit.check(admin!.id, newAdmin.clientSecret)).toBe("live");

    // The next invocation reads the new admin secret from the same document: it just works (and rotates it again).
    const next = (await inLambda(lambdaEnv(adminArn, true), () => handler(manifest))) as { ok: number; failed: number };
    expect(next).toMatchObject({ ok: 2, failed: 0 });
    kit.collectStoredSecrets();
    expect(leakedSecrets(stdout, kit.minted)).toEqual([]);
  });

  it("refuses to run without the admin secret's ARN", async () => {
    await expect(inLambda({}, () => handler({ clients: [{ clientName: "x", secretId: "y" }] }))).rejects.toThrow(/KEYWARD_ADMIN_SECRET_ARN/);
  });
});
