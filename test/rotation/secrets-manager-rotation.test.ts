import { CreateSecretCommand, DescribeSecretCommand, RotateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { createRotationHandler } from "../../src/rotation/lambda.js";
import type { RotationEvent } from "../../src/sandbox/secretsmanager/index.js";
import { leakedSecrets, runKeyward, startKeyward } from "../helpers/keyward-cli.js";
import { useSandboxKit } from "../helpers/sandbox.js";

/**
 * Secrets Manager's own rotation protocol through keyward's handler: `RotateSecretCommand` (the official SDK) against
 * the sandbox, whose Secrets Manager emulator invokes keyward's rotation function for each step.
 */
const kit = useSandboxKit();
const outputs: string[] = [];
const logs: string[] = [];
const regenerates = () => Object.values(kit.sandbox.genesys.control.state().requests["POST /api/v2/oauth/clients/{clientId}/secret"] ?? {}).reduce((a, b) => a + b, 0);
const stagesOf = async (secretId: string) => (await kit.sm.send(new DescribeSecretCommand({ SecretId: secretId }))).VersionIdsToStages ?? {};

afterAll(() => {
  kit.collectStoredSecrets();
  expect(leakedSecrets([...outputs, ...logs], kit.minted)).toEqual([]);
});

async function pairInSecret(name: string, secretId: string) {
  const a = await kit.createClient(name);
  const b = await kit.createClient(`${name}-standby`);
  const run = await runKeyward(["rotate", "--client-id", a.id, "--standby-client-id", b.id, "--secret-id", secretId, "--create-secret"], kit.env);
  outputs.push(run.stdout, run.stderr);
  expect(run.code).toBe(0);
  return { a, b, first: await kit.stored(secretId) };
}

describe("RotateSecret through keyward's handler", () => {
  it("rotates an alternating pair: the standby becomes current, labels and LastRotatedDate are right, and the previous current still works", async () => {
    const { a, b, first } = await pairInSecret("sm-rotated", "smrot/pair");
    const out = await kit.sm.send(
      new RotateSecretCommand({ SecretId: "smrot/pair", RotationLambdaARN: kit.sandbox.rotationFunctionArn, RotationRules: { AutomaticallyAfterDays: 30 } }),
    );
    await kit.sandbox.secretsManager.control.rotationsIdle();
    expect(kit.sandbox.secretsManager.control.state().rotations.at(-1)).toMatchObject({ token: out.VersionId, status: "succeeded" });
    const meta = await kit.sm.send(new DescribeSecretCommand({ SecretId: "smrot/pair" }));
    expect(meta).toMatchObject({ RotationEnabled: true, RotationLambdaARN: kit.sandbox.rotationFunctionArn, RotationRules: { AutomaticallyAfterDays: 30 } });
    expect(meta.LastRotatedDate).toBeInstanceOf(Date);
    expect(meta.NextRotationDate!.getTime() - meta.LastRotatedDate!.getTime()).toBe(30 * 86_400_000);
    expect(meta.VersionIdsToStages![out.VersionId!]).toEqual(["AWSCURRENT"]);
    expect(
      Object.values(meta.VersionIdsToStages!)
        .flat()
        .filter((s) => s === "AWSPENDING"),
    ).toEqual([]);
    expect(Object.entries(meta.VersionIdsToStages!).find(([, s]) => s.includes("AWSPREVIOUS"))?.[0]).toBe(first.versionId);
    const now = await kit.stored("smrot/pair");
    expect(now).toMatchObject({ clientId: b.id, pairedClientId: a.id, versionId: out.VersionId });
    expect(await kit.check(b.id, now.clientSecret)).toBe("live");
    expect(await kit.check(a.id, first.clientSecret)).toBe("live");

    // And again: back to the first client, whose previous secret is now the one that dies.
    const again = await kit.sm.send(new RotateSecretCommand({ SecretId: "smrot/pair" }));
    await kit.sandbox.secretsManager.control.rotationsIdle();
    const third = await kit.stored("smrot/pair");
    expect(third).toMatchObject({ clientId: a.id, versionId: again.VersionId });
    expect(await kit.check(a.id, third.clientSecret)).toBe("live");
    expect(await kit.check(a.id, first.clientSecret)).toBe("dead");
    expect(await kit.check(b.id, now.clientSecret)).toBe("live");
  });

  it("rotates a single client: its new secret works at AWSCURRENT and the old one is dead", async () => {
    const c = await kit.createClient("sm-single");
    const run = await runKeyward(["rotate", "--client-id", c.id, "--secret-id", "smrot/single", "--create-secret"], kit.env);
    outputs.push(run.stdout, run.stderr);
    const before = await kit.stored("smrot/single");
    const out = await kit.sm.send(new RotateSecretCommand({ SecretId: "smrot/single", RotationLambdaARN: kit.sandbox.rotationFunctionArn }));
    await kit.sandbox.secretsManager.control.rotationsIdle();
    const after = await kit.stored("smrot/single");
    expect(after).toMatchObject({ clientId: c.id, versionId: out.VersionId });
    expect(await kit.check(c.id, after.clientSecret)).toBe("live");
    expect(await kit.check(c.id, before.clientSecret)).toBe("dead");
  });

  it("re-invoking any step is harmless: each step twice, in order, regenerates once and ends with the right labels", async () => {
    const { b } = await pairInSecret("sm-steps", "smrot/steps");
    const manual = "arn:aws:lambda:us-east-1:000000000000:function:driven-by-the-test";
    const events: RotationEvent[] = [];
    kit.sandbox.secretsManager.control.setRotationFunction(manual, async (event) => {
      events.push(event);
      throw new Error("steps are driven by the test");
    });
    const out = await kit.sm.send(new RotateSecretCommand({ SecretId: "smrot/steps", RotationLambdaARN: manual }));
    await kit.sandbox.secretsManager.control.rotationsIdle();
    const arn = events[0]!.SecretId;
    const handler = createRotationHandler(
      {
        KEYWARD_ADMIN_SECRET_ARN: kit.sandbox.secretNames.admin,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: kit.sandbox.secretsManager.url,
        AWS_REGION: kit.sandbox.region,
        AWS_ACCESS_KEY_ID: kit.sandbox.awsCredentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: kit.sandbox.awsCredentials.secretAccessKey,
      },
      { write: (line) => logs.push(line) },
    );
    const before = regenerates();
    const results: unknown[] = [];
    for (const step of [
      "createSecret",
      "createSecret",
      "setSecret",
      "setSecret",
      "testSecret",
      "testSecret",
      "finishSecret",
      "finishSecret",
      "createSecret",
      "testSecret",
    ] as const) {
      results.push(await handler({ Step: step, SecretId: arn, ClientRequestToken: out.VersionId!, RotationToken: "t" }));
    }
    expect(results.map((r) => (r as { result: string }).result)).toEqual([
      "done",
      "already-done",
      "nothing",
      "nothing",
      "done",
      "done",
      "done",
      "already-done",
      "already-done",
      "already-done",
    ]);
    expect(regenerates() - before).toBe(1);
    expect((await stagesOf("smrot/steps"))[out.VersionId!]).toEqual(["AWSCURRENT"]);
    const now = await kit.stored("smrot/steps");
    expect(now.clientId).toBe(b.id);
    expect(await kit.check(b.id, now.clientSecret)).toBe("live");
  });

  it("Secrets Manager refuses to start a rotation while a keyward run holds the secret's lock", async () => {
    const { a, b } = await pairInSecret("sm-locked", "smrot/locked");
    // The keyward run's store is slow: it holds AWSPENDING (its lock) meanwhile.
    kit.sandbox.secretsManager.control.faults.set([{ route: "PutSecretValue", latencyMs: 1500, skip: 1, times: 1 }]);
    const running = startKeyward(["rotate", "--client-id", a.id, "--standby-client-id", b.id, "--secret-id", "smrot/locked"], { ...kit.env, KEYWARD_LOG_LEVEL: "info" });
    await running.waitForStderr(/regenerated client secret/);
    const err = await kit.sm.send(new RotateSecretCommand({ SecretId: "smrot/locked", RotationLambdaARN: kit.sandbox.rotationFunctionArn })).catch((e: Error) => e);
    const done = await running.done;
    outputs.push(done.stdout, done.stderr);
    expect((err as Error).name).toBe("InvalidRequestException");
    expect((err as Error).message).toMatch(/previous rotation isn't complete/);
    expect(done.code).toBe(0);
  });

  it("a secret without a keyward document at AWSCURRENT fails createSecret and changes nothing in Genesys", async () => {
    await kit.sm.send(new CreateSecretCommand({ Name: "smrot/foreign", SecretString: "not a credential document" }));
    const before = regenerates();
    await kit.sm.send(new RotateSecretCommand({ SecretId: "smrot/foreign", RotationLambdaARN: kit.sandbox.rotationFunctionArn }));
    await kit.sandbox.secretsManager.control.rotationsIdle();
    const last = kit.sandbox.secretsManager.control.state().rotations.at(-1)!;
    expect(last).toMatchObject({ status: "failed", steps: [{ step: "createSecret", ok: false }] });
    expect(last.steps[0]!.error).toMatch(/no keyward credential document/);
    expect(regenerates()).toBe(before);
  });
});
