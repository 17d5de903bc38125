import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidParameterException,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";
import { startSecretsManagerEmulator, type SecretsManagerEmulator } from "../../../src/sandbox/secretsmanager/index.js";
import { rejectionOf, sdkClient, token, uniqueName } from "./sm-test-kit.js";

let emulator: SecretsManagerEmulator;
let client: SecretsManagerClient;

beforeAll(async () => {
  emulator = await startSecretsManagerEmulator();
  client = sdkClient(emulator);
});

afterAll(async () => {
  client.destroy();
  await emulator.close();
});

/** Creates a secret with `first` as AWSCURRENT and returns its name and version id. */
async function secretWith(first: string): Promise<{ name: string; v1: string }> {
  const name = uniqueName();
  const v1 = token();
  await client.send(new CreateSecretCommand({ Name: name, SecretString: first, ClientRequestToken: v1 }));
  return { name, v1 };
}

async function stagesOf(name: string): Promise<Record<string, string[]>> {
  const out = await client.send(new DescribeSecretCommand({ SecretId: name }));
  return out.VersionIdsToStages ?? {};
}

describe("CreateSecret and PutSecretValue", () => {
  it("create with a value makes version 1, named by the ClientRequestToken, AWSCURRENT", async () => {
    const name = uniqueName();
    const v1 = token();
    const out = await client.send(new CreateSecretCommand({ Name: name, SecretString: "first", ClientRequestToken: v1 }));
    expect(out.VersionId).toBe(v1);
    expect(out.Name).toBe(name);
    expect(out.ARN).toMatch(new RegExp(`^arn:aws:secretsmanager:us-east-1:000000000000:secret:${name}-[A-Za-z0-9]{6}$`));
    expect(await stagesOf(name)).toEqual({ [v1]: ["AWSCURRENT"] });
    expect(emulator.control.peek(name)).toBe("first");
  });

  it("create without a value returns no VersionId and has no versions until the first put", async () => {
    const name = uniqueName();
    const out = await client.send(new CreateSecretCommand({ Name: name, Description: "container only" }));
    expect(out.VersionId).toBeUndefined();
    expect(await stagesOf(name)).toEqual({});
    const err = await rejectionOf(client.send(new GetSecretValueCommand({ SecretId: name })));
    expect(err).toBeInstanceOf(ResourceNotFoundException);
    expect(err.message).toContain("staging label: AWSCURRENT");
  });

  it("the first put always gets AWSCURRENT, even when asked only for AWSPENDING", async () => {
    const name = uniqueName();
    await client.send(new CreateSecretCommand({ Name: name }));
    const out = await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: "v", VersionStages: ["AWSPENDING"] }));
    expect(out.VersionStages?.sort()).toEqual(["AWSCURRENT", "AWSPENDING"]);
  });

  it("a put without VersionStages moves AWSCURRENT and AWSPREVIOUS follows it", async () => {
    const { name, v1 } = await secretWith("one");
    const v2 = token();
    const out = await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: "two", ClientRequestToken: v2 }));
    expect(out).toMatchObject({ VersionId: v2, VersionStages: ["AWSCURRENT"] });
    expect(await stagesOf(name)).toEqual({ [v1]: ["AWSPREVIOUS"], [v2]: ["AWSCURRENT"] });

    const v3 = token();
    await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: "three", ClientRequestToken: v3 }));
    // v1 lost its last label, so it is deprecated: DescribeSecret no longer lists it.
    expect(await stagesOf(name)).toEqual({ [v2]: ["AWSPREVIOUS"], [v3]: ["AWSCURRENT"] });
    const previous = await client.send(new GetSecretValueCommand({ SecretId: name, VersionStage: "AWSPREVIOUS" }));
    expect(previous).toMatchObject({ SecretString: "two", VersionId: v2, VersionStages: ["AWSPREVIOUS"] });
  });

  it("a put with a repeated token and the same value is a no-op that returns the existing version", async () => {
    const { name } = await secretWith("one");
    const v2 = token();
    await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: "two", ClientRequestToken: v2 }));
    const again = await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: "two", ClientRequestToken: v2 }));
    expect(again).toMatchObject({ VersionId: v2, VersionStages: ["AWSCURRENT"] });
    const list = await client.send(new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true }));
    expect(list.Versions).toHaveLength(2);
  });

  it("a put with a repeated token and a different value fails with ResourceExistsException", async () => {
    const { name, v1 } = await secretWith("one");
    const err = await rejectionOf(client.send(new PutSecretValueCommand({ SecretId: name, SecretString: "other", ClientRequestToken: v1 })));
    expect(err).toBeInstanceOf(ResourceExistsException);
    expect(err.name).toBe("ResourceExistsException");
    expect(err.$fault).toBe("client");
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(emulator.control.peek(name)).toBe("one");
  });

  it("a repeated CreateSecret with the same token and value succeeds; another token is ResourceExistsException", async () => {
    const name = uniqueName();
    const t = token();
    const first = await client.send(new CreateSecretCommand({ Name: name, SecretString: "x", ClientRequestToken: t }));
    const retry = await client.send(new CreateSecretCommand({ Name: name, SecretString: "x", ClientRequestToken: t }));
    expect(retry).toMatchObject({ ARN: first.ARN, VersionId: t });
    const other = await rejectionOf(client.send(new CreateSecretCommand({ Name: name, SecretString: "x" })));
    expect(other).toBeInstanceOf(ResourceExistsException);
    const changed = await rejectionOf(client.send(new CreateSecretCommand({ Name: name, SecretString: "y", ClientRequestToken: t })));
    expect(changed).toBeInstanceOf(ResourceExistsException);
  });

  it("rejects a ClientRequestToken shorter than 32 characters", async () => {
    const { name } = await secretWith("one");
    const err = await rejectionOf(client.send(new PutSecretValueCommand({ SecretId: name, SecretString: "x", ClientRequestToken: "short" })));
    expect(err).toBeInstanceOf(InvalidParameterException);
  });

  it("rejects a put with both SecretString and SecretBinary, and one with neither", async () => {
    const { name } = await secretWith("one");
    const both = await rejectionOf(client.send(new PutSecretValueCommand({ SecretId: name, SecretString: "x", SecretBinary: new Uint8Array([1]) })));
    expect(both.name).toBe("InvalidParameterException");
    const neither = await rejectionOf(client.send(new PutSecretValueCommand({ SecretId: name })));
    expect(neither.name).toBe("InvalidRequestException");
  });

  it("round-trips SecretBinary as bytes", async () => {
    const name = uniqueName();
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    await client.send(new CreateSecretCommand({ Name: name, SecretBinary: bytes }));
    const out = await client.send(new GetSecretValueCommand({ SecretId: name }));
    expect(out.SecretString).toBeUndefined();
    expect(Buffer.from(out.SecretBinary!)).toEqual(Buffer.from(bytes));
  });

  it("keeps at most 100 versions by dropping the oldest unlabelled ones", async () => {
    const { name, v1 } = await secretWith("v0");
    const pending = token();
    await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: "pending", ClientRequestToken: pending, VersionStages: ["AWSPENDING"] }));
    for (let i = 1; i <= 105; i++) await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: `v${i}`, ClientRequestToken: token(), VersionStages: [] }));
    const versions = emulator.control.state().secrets.find((s) => s.name === name)!.versions;
    expect(versions).toHaveLength(100);
    expect(versions.map((v) => v.id)).toEqual(expect.arrayContaining([v1, pending]));
  });
});

describe("GetSecretValue", () => {
  it("returns the value, version, stages and a CreatedDate Date at AWSCURRENT by default", async () => {
    const { name, v1 } = await secretWith("hello");
    const out = await client.send(new GetSecretValueCommand({ SecretId: name }));
    expect(out).toMatchObject({ Name: name, VersionId: v1, SecretString: "hello", VersionStages: ["AWSCURRENT"] });
    expect(out.CreatedDate).toBeInstanceOf(Date);
    expect(Math.abs(out.CreatedDate!.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it("finds a version by VersionId, and by VersionId plus a matching stage", async () => {
    const { name, v1 } = await secretWith("one");
    await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: "two" }));
    expect((await client.send(new GetSecretValueCommand({ SecretId: name, VersionId: v1 }))).SecretString).toBe("one");
    const both = await client.send(new GetSecretValueCommand({ SecretId: name, VersionId: v1, VersionStage: "AWSPREVIOUS" }));
    expect(both.SecretString).toBe("one");
  });

  it("fails with ResourceNotFoundException when VersionId and VersionStage name different versions", async () => {
    const { name, v1 } = await secretWith("one");
    await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: "two" }));
    const err = await rejectionOf(client.send(new GetSecretValueCommand({ SecretId: name, VersionId: v1, VersionStage: "AWSCURRENT" })));
    expect(err).toBeInstanceOf(ResourceNotFoundException);
  });

  it("fails with ResourceNotFoundException for a stage no version has", async () => {
    const { name } = await secretWith("one");
    const err = await rejectionOf(client.send(new GetSecretValueCommand({ SecretId: name, VersionStage: "AWSPENDING" })));
    expect(err).toBeInstanceOf(ResourceNotFoundException);
    expect(err.message).toBe("Secrets Manager can't find the specified secret value for staging label: AWSPENDING");
  });
});

describe("UpdateSecretVersionStage", () => {
  /** The rotation template's createSecret + finishSecret, on the wire. */
  it("moves AWSCURRENT to the pending version with RemoveFromVersionId, and AWSPREVIOUS follows", async () => {
    const { name, v1 } = await secretWith("old");
    const v2 = token();
    await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: "new", ClientRequestToken: v2, VersionStages: ["AWSPENDING"] }));
    expect(await stagesOf(name)).toEqual({ [v1]: ["AWSCURRENT"], [v2]: ["AWSPENDING"] });

    await client.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: "AWSCURRENT", MoveToVersionId: v2, RemoveFromVersionId: v1 }));
    await client.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: "AWSPENDING", RemoveFromVersionId: v2 }));
    expect(await stagesOf(name)).toEqual({ [v1]: ["AWSPREVIOUS"], [v2]: ["AWSCURRENT"] });
    expect(emulator.control.peek(name)).toBe("new");
    expect(emulator.control.peek(name, "AWSPREVIOUS")).toBe("old");
  });

  it("is idempotent when a finishSecret step is retried", async () => {
    const { name, v1 } = await secretWith("old");
    const v2 = token();
    await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: "new", ClientRequestToken: v2, VersionStages: ["AWSPENDING"] }));
    const move = new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: "AWSCURRENT", MoveToVersionId: v2, RemoveFromVersionId: v1 });
    const drop = new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: "AWSPENDING", RemoveFromVersionId: v2 });
    await client.send(move);
    await client.send(move);
    await client.send(drop);
    await client.send(drop);
    expect(await stagesOf(name)).toEqual({ [v1]: ["AWSPREVIOUS"], [v2]: ["AWSCURRENT"] });
  });

  it("refuses to move a label without RemoveFromVersionId naming its current holder", async () => {
    const { name, v1 } = await secretWith("old");
    const v2 = token();
    await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: "new", ClientRequestToken: v2, VersionStages: ["AWSPENDING"] }));
    const missing = await rejectionOf(client.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: "AWSCURRENT", MoveToVersionId: v2 })));
    expect(missing).toBeInstanceOf(InvalidParameterException);
    expect(missing.message).toContain(v1);
    const wrong = await rejectionOf(client.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: "AWSCURRENT", MoveToVersionId: v2, RemoveFromVersionId: v2 })));
    expect(wrong).toBeInstanceOf(InvalidParameterException);
    expect(await stagesOf(name)).toEqual({ [v1]: ["AWSCURRENT"], [v2]: ["AWSPENDING"] });
  });

  it("refuses to remove AWSCURRENT without moving it", async () => {
    const { name, v1 } = await secretWith("old");
    const err = await rejectionOf(client.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: "AWSCURRENT", RemoveFromVersionId: v1 })));
    expect(err).toBeInstanceOf(InvalidParameterException);
    expect(emulator.control.peek(name)).toBe("old");
  });

  it("attaches a custom label to a version and moves it on with RemoveFromVersionId", async () => {
    const { name, v1 } = await secretWith("one");
    const v2 = token();
    await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: "two", ClientRequestToken: v2 }));
    await client.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: "pinned", MoveToVersionId: v1 }));
    expect((await stagesOf(name))[v1]?.sort()).toEqual(["AWSPREVIOUS", "pinned"]);
    await client.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: "pinned", MoveToVersionId: v2, RemoveFromVersionId: v1 }));
    expect((await stagesOf(name))[v2]?.sort()).toEqual(["AWSCURRENT", "pinned"]);
  });
});

describe("ListSecretVersionIds", () => {
  it("lists labelled versions only, unless IncludeDeprecated", async () => {
    const { name, v1 } = await secretWith("one");
    await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: "two" }));
    await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: "three" }));
    const labelled = await client.send(new ListSecretVersionIdsCommand({ SecretId: name }));
    expect(labelled.Versions).toHaveLength(2);
    expect(labelled.Name).toBe(name);
    expect(labelled.Versions!.map((v) => v.VersionId)).not.toContain(v1);
    expect(labelled.Versions![0]!.CreatedDate).toBeInstanceOf(Date);
    const all = await client.send(new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true }));
    expect(all.Versions!.map((v) => v.VersionId)).toContain(v1);
    expect(all.Versions!.find((v) => v.VersionId === v1)!.VersionStages).toEqual([]);
  });

  it("pages with MaxResults and NextToken", async () => {
    const { name } = await secretWith("one");
    for (let i = 0; i < 4; i++) await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: `v${i}`, VersionStages: [`L${i}`] }));
    const seen: string[] = [];
    let next: string | undefined;
    let pages = 0;
    do {
      const page = await client.send(new ListSecretVersionIdsCommand({ SecretId: name, MaxResults: 2, NextToken: next }));
      seen.push(...page.Versions!.map((v) => v.VersionId!));
      next = page.NextToken;
      pages++;
    } while (next);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(5);
    const bad = await rejectionOf(client.send(new ListSecretVersionIdsCommand({ SecretId: name, NextToken: "garbage" })));
    expect(bad.name).toBe("InvalidNextTokenException");
  });

  it("reports a version's LastAccessedDate at day resolution after a read", async () => {
    const { name, v1 } = await secretWith("one");
    await client.send(new GetSecretValueCommand({ SecretId: name }));
    const out = await client.send(new ListSecretVersionIdsCommand({ SecretId: name }));
    const accessed = out.Versions!.find((v) => v.VersionId === v1)!.LastAccessedDate!;
    expect(accessed).toBeInstanceOf(Date);
    expect(accessed.getTime() % 86_400_000).toBe(0);
  });
});
