import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  RotateSecretCommand,
  TagResourceCommand,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { startSecretsManagerEmulator, type RotationEvent, type SecretsManagerEmulator } from "../../../src/sandbox/secretsmanager/index.js";
import { rejectionOf, sdkClient, token, uniqueName } from "./sm-test-kit.js";

let emulator: SecretsManagerEmulator;
let client: SecretsManagerClient;
const FUNCTION = "arn:aws:lambda:us-east-1:000000000000:function:template-rotation";
const events: RotationEvent[] = [];

/**
 * A rotation function written after AWS's template (aws-samples SecretsManagerRotationTemplate, reference §5.1), with
 * the official SDK: it knows nothing of the emulator.
 */
async function templateRotation(event: RotationEvent): Promise<void> {
  events.push(event);
  const { SecretId: arn, ClientRequestToken: token, Step: step } = event;
  const meta = await client.send(new DescribeSecretCommand({ SecretId: arn }));
  if (!meta.RotationEnabled) throw new Error("rotation is not enabled");
  const versions = meta.VersionIdsToStages ?? {};
  if (!versions[token]) throw new Error(`version ${token} has no stage for rotation`);
  if (versions[token]!.includes("AWSCURRENT")) return;
  if (!versions[token]!.includes("AWSPENDING")) throw new Error(`version ${token} is not AWSPENDING`);
  if (step === "createSecret") {
    await client.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: "AWSCURRENT" }));
    try {
      await client.send(new GetSecretValueCommand({ SecretId: arn, VersionId: token, VersionStage: "AWSPENDING" }));
    } catch (err) {
      if (!(err instanceof ResourceNotFoundException)) throw err;
      await client.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: token, SecretString: `rotated-${token.slice(0, 8)}`, VersionStages: ["AWSPENDING"] }));
    }
  } else if (step === "finishSecret") {
    const current = Object.entries(versions).find(([, stages]) => stages.includes("AWSCURRENT"))?.[0];
    await client.send(new UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: "AWSCURRENT", MoveToVersionId: token, RemoveFromVersionId: current }));
    await client.send(new UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: "AWSPENDING", RemoveFromVersionId: token }));
  }
}

beforeAll(async () => {
  emulator = await startSecretsManagerEmulator({ rotationFunctions: { [FUNCTION]: templateRotation } });
  client = sdkClient(emulator);
});

afterEach(() => {
  emulator.control.clearFaults();
  emulator.control.clearPermissions();
  emulator.control.setSettings({ createSecretRetry: "idempotent" });
});

afterAll(async () => {
  client.destroy();
  await emulator.close();
});

describe("permissions", () => {
  it("an explicit deny on one operation refuses only that operation, as AccessDeniedException", async () => {
    const name = uniqueName();
    await client.send(new CreateSecretCommand({ Name: name, SecretString: "v1" }));
    emulator.control.setPermissions({ deny: [{ operation: "PutSecretValue" }] });
    const err = await rejectionOf(client.send(new PutSecretValueCommand({ SecretId: name, SecretString: "v2" })));
    expect(err.name).toBe("AccessDeniedException");
    expect(err.message).toMatch(/not authorized to perform: secretsmanager:PutSecretValue/);
    expect((await client.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe("v1");
  });

  it("a deny may be limited to names under a prefix", async () => {
    const inside = uniqueName("denied/zone");
    const outside = uniqueName("open/zone");
    for (const name of [inside, outside]) await client.send(new CreateSecretCommand({ Name: name, SecretString: "v1" }));
    emulator.control.setPermissions({ deny: [{ operation: "PutSecretValue", secretPrefix: "denied/" }] });
    expect((await rejectionOf(client.send(new PutSecretValueCommand({ SecretId: inside, SecretString: "v2" })))).name).toBe("AccessDeniedException");
    await client.send(new PutSecretValueCommand({ SecretId: outside, SecretString: "v2" }));
  });

  it.each([
    ["AccessDeniedException", undefined, "AccessDeniedException", /Access to KMS is not allowed/],
    ["KmsFailure", "KmsFailure", "EncryptionFailure", /can't encrypt/],
  ] as const)("a KMS key without GenerateDataKey refuses every write of a value (%s)", async (_label, error, expected, message) => {
    const key = `arn:aws:kms:us-east-1:000000000000:key/${token()}`;
    const name = uniqueName();
    await client.send(new CreateSecretCommand({ Name: name, KmsKeyId: key }));
    emulator.control.setPermissions({ kmsKeys: { [key]: { deny: ["GenerateDataKey"], ...(error ? { error } : {}) } } });
    const put = await rejectionOf(client.send(new PutSecretValueCommand({ SecretId: name, SecretString: "v1" })));
    expect(put.name).toBe(expected);
    expect(put.message).toMatch(message);
    const create = await rejectionOf(client.send(new CreateSecretCommand({ Name: uniqueName(), KmsKeyId: key, SecretString: "x" })));
    expect(create.name).toBe(expected);
    // A container without a value needs no data key; a key without Decrypt refuses reads.
    await client.send(new CreateSecretCommand({ Name: uniqueName(), KmsKeyId: key }));
    emulator.control.setPermissions({});
    await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: "v1" }));
    emulator.control.setPermissions({ kmsKeys: { [key]: { deny: ["Decrypt"] } } });
    expect((await rejectionOf(client.send(new GetSecretValueCommand({ SecretId: name })))).name).toBe("AccessDeniedException");
  });

  it("the default key is named aws/secretsmanager", async () => {
    const name = uniqueName();
    await client.send(new CreateSecretCommand({ Name: name }));
    emulator.control.setPermissions({ kmsKeys: { "aws/secretsmanager": { deny: ["GenerateDataKey"] } } });
    expect((await rejectionOf(client.send(new PutSecretValueCommand({ SecretId: name, SecretString: "v1" })))).name).toBe("AccessDeniedException");
  });

  it("the control API sets, shows and clears them, and refuses a malformed value", async () => {
    const set = await emulator.handleControl("PUT", "/permissions", { deny: [{ operation: "TagResource" }] });
    expect(set).toEqual({ status: 200, body: { deny: [{ operation: "TagResource" }] } });
    expect((await emulator.handleControl("GET", "/permissions", undefined)).body).toEqual({ deny: [{ operation: "TagResource" }] });
    expect((await emulator.handleControl("PUT", "/permissions", { deny: [{ op: "x" }] })).status).toBe(400);
    expect((await emulator.handleControl("PUT", "/permissions", { kmsKeys: { k: { deny: ["Encrypt"] } } })).status).toBe(400);
    expect((await emulator.handleControl("DELETE", "/permissions", undefined)).status).toBe(204);
    expect(emulator.control.state().permissions).toEqual({});
  });
});

describe("a lost answer", () => {
  it("dropAnswer makes the change and destroys the connection; the SDK's retry with the same token is answered as the settings say", async () => {
    const retrying = sdkClient(emulator, { maxAttempts: 3 });
    try {
      const name = uniqueName();
      emulator.control.setFaults({ dropAnswer: { times: 1 }, operations: ["CreateSecret"] });
      const out = await retrying.send(new CreateSecretCommand({ Name: name, SecretString: "v1" }));
      expect(out.Name).toBe(name);
      expect(emulator.control.state().faults.injected.dropped).toBeGreaterThanOrEqual(1);
      expect(out.$metadata.attempts).toBe(2);

      emulator.control.setSettings({ createSecretRetry: "resource-exists" });
      emulator.control.setFaults({ dropAnswer: { times: 1 }, operations: ["CreateSecret"] });
      const other = uniqueName();
      const err = await rejectionOf(retrying.send(new CreateSecretCommand({ Name: other, SecretString: "v1" })));
      expect(err).toBeInstanceOf(ResourceExistsException);
      // ...although the secret was created by that very call.
      expect(emulator.control.peek(other)).toBe("v1");
      expect((await emulator.handleControl("GET", "/settings", undefined)).body).toEqual({ createSecretRetry: "resource-exists" });
      expect((await emulator.handleControl("PUT", "/settings", { createSecretRetry: "sometimes" })).status).toBe(400);
    } finally {
      retrying.destroy();
    }
  });

  it("latency on TagResource delays only TagResource", async () => {
    const name = uniqueName();
    await client.send(new CreateSecretCommand({ Name: name }));
    emulator.control.faults.set([{ route: "TagResource", latencyMs: 300 }]);
    const t0 = performance.now();
    await client.send(new TagResourceCommand({ SecretId: name, Tags: [{ Key: "k", Value: "v" }] }));
    expect(emulator.control.state().faults.injected.latency).toBe(1);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
  });
});

describe("RotateSecret", () => {
  it("attaches AWSPENDING to a new version, answers, then runs the four steps; labels, LastRotatedDate and NextRotationDate follow", async () => {
    const name = uniqueName();
    const v1 = token();
    await client.send(new CreateSecretCommand({ Name: name, SecretString: "v1", ClientRequestToken: v1 }));
    events.length = 0;
    const rotation = token();
    const out = await client.send(
      new RotateSecretCommand({ SecretId: name, ClientRequestToken: rotation, RotationLambdaARN: FUNCTION, RotationRules: { AutomaticallyAfterDays: 30 } }),
    );
    expect(out.VersionId).toBe(rotation);
    await emulator.control.rotationsIdle();
    expect(events.map((e) => e.Step)).toEqual(["createSecret", "setSecret", "testSecret", "finishSecret"]);
    expect(new Set(events.map((e) => e.ClientRequestToken))).toEqual(new Set([rotation]));
    expect(events[0]!.SecretId).toBe(out.ARN);
    const meta = await client.send(new DescribeSecretCommand({ SecretId: name }));
    expect(meta).toMatchObject({ RotationEnabled: true, RotationLambdaARN: FUNCTION, RotationRules: { AutomaticallyAfterDays: 30 } });
    expect(meta.VersionIdsToStages).toEqual({ [v1]: ["AWSPREVIOUS"], [rotation]: ["AWSCURRENT"] });
    expect(meta.LastRotatedDate).toBeInstanceOf(Date);
    expect(meta.NextRotationDate!.getTime() - meta.LastRotatedDate!.getTime()).toBe(30 * 86_400_000);
    expect(emulator.control.state().rotations.at(-1)).toMatchObject({ secretName: name, token: rotation, status: "succeeded" });
  });

  it("a failed step leaves AWSPENDING in place, and the next RotateSecret is refused until it is gone", async () => {
    const name = uniqueName();
    await client.send(new CreateSecretCommand({ Name: name, SecretString: "v1" }));
    const failing = "arn:aws:lambda:us-east-1:000000000000:function:failing";
    emulator.control.setRotationFunction(failing, async (event) => {
      if (event.Step === "testSecret") throw new Error("the new secret does not work");
    });
    await client.send(new RotateSecretCommand({ SecretId: name, RotationLambdaARN: failing }));
    await emulator.control.rotationsIdle();
    expect(emulator.control.state().rotations.at(-1)).toMatchObject({
      status: "failed",
      steps: [
        { step: "createSecret", ok: true },
        { step: "setSecret", ok: true },
        { step: "testSecret", ok: false },
      ],
    });
    const meta = await client.send(new DescribeSecretCommand({ SecretId: name }));
    expect(meta.LastRotatedDate).toBeUndefined();
    const err = await rejectionOf(client.send(new RotateSecretCommand({ SecretId: name })));
    expect(err.name).toBe("InvalidRequestException");
    expect(err.message).toMatch(/previous rotation isn't complete/);
  });

  it("the version a rotation starts with has no value until createSecret gives it one", async () => {
    const name = uniqueName();
    await client.send(new CreateSecretCommand({ Name: name, SecretString: "v1" }));
    const idle = "arn:aws:lambda:us-east-1:000000000000:function:idle";
    const seen: string[] = [];
    emulator.control.setRotationFunction(idle, async (event) => {
      if (event.Step !== "createSecret") throw new Error("stop here");
      const err = await rejectionOf(client.send(new GetSecretValueCommand({ SecretId: event.SecretId, VersionId: event.ClientRequestToken, VersionStage: "AWSPENDING" })));
      seen.push(err.name);
    });
    await client.send(new RotateSecretCommand({ SecretId: name, RotationLambdaARN: idle }));
    await emulator.control.rotationsIdle();
    expect(seen).toEqual(["ResourceNotFoundException"]);
  });

  it("refuses a function Secrets Manager may not invoke, and a secret without a rotation function, changing nothing", async () => {
    const name = uniqueName();
    await client.send(new CreateSecretCommand({ Name: name, SecretString: "v1" }));
    const denied = await rejectionOf(client.send(new RotateSecretCommand({ SecretId: name, RotationLambdaARN: "arn:aws:lambda:us-east-1:000000000000:function:unknown" })));
    expect(denied.name).toBe("AccessDeniedException");
    const none = await rejectionOf(client.send(new RotateSecretCommand({ SecretId: name })));
    expect(none.name).toBe("InvalidRequestException");
    expect((await client.send(new DescribeSecretCommand({ SecretId: name }))).RotationEnabled).toBe(false);
  });

  it("RotateImmediately false only configures the rotation", async () => {
    const name = uniqueName();
    await client.send(new CreateSecretCommand({ Name: name, SecretString: "v1" }));
    events.length = 0;
    await client.send(new RotateSecretCommand({ SecretId: name, RotationLambdaARN: FUNCTION, RotationRules: { ScheduleExpression: "rate(7 days)" }, RotateImmediately: false }));
    await emulator.control.rotationsIdle();
    expect(events).toEqual([]);
    const meta = await client.send(new DescribeSecretCommand({ SecretId: name }));
    expect(meta).toMatchObject({ RotationEnabled: true, RotationRules: { ScheduleExpression: "rate(7 days)" } });
    expect(meta.NextRotationDate).toBeInstanceOf(Date);
    expect(meta.LastRotatedDate).toBeUndefined();
  });
});
