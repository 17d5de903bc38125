import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidParameterException,
  InvalidRequestException,
  ListSecretsCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  RestoreSecretCommand,
  type SecretsManagerClient,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";
import { startSecretsManagerEmulator, type SecretsManagerEmulator } from "../../../src/sandbox/secretsmanager/index.js";
import { ManualClock, rejectionOf, sdkClient, token, uniqueName } from "./sm-test-kit.js";

const DAY = 86_400_000;
let clock: ManualClock;
let emulator: SecretsManagerEmulator;
let client: SecretsManagerClient;

beforeAll(async () => {
  clock = new ManualClock();
  emulator = await startSecretsManagerEmulator({ clock: clock.read, region: "eu-west-1", accountId: "123456789012" });
  client = sdkClient(emulator, { region: "eu-west-1" });
});

afterAll(async () => {
  client.destroy();
  await emulator.close();
});

describe("CreateSecret names and ARNs", () => {
  it("builds the ARN from the emulator's region and account plus a 6-character suffix", async () => {
    const name = uniqueName("prod/genesys/client");
    const out = await client.send(new CreateSecretCommand({ Name: name, SecretString: "x" }));
    expect(out.ARN).toMatch(/^arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod\/genesys\/client-[^:]+-[A-Za-z0-9]{6}$/);
    expect(out.ARN!.startsWith(`arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}-`)).toBe(true);
  });

  it("accepts the name, the full ARN and the partial ARN as SecretId", async () => {
    const name = uniqueName();
    const { ARN } = await client.send(new CreateSecretCommand({ Name: name, SecretString: "by-any-id" }));
    const partial = ARN!.slice(0, -7);
    for (const id of [name, ARN!, partial]) {
      expect((await client.send(new GetSecretValueCommand({ SecretId: id }))).SecretString).toBe("by-any-id");
    }
    const foreign = ARN!.replace("eu-west-1", "us-east-1");
    expect(await rejectionOf(client.send(new GetSecretValueCommand({ SecretId: foreign })))).toBeInstanceOf(ResourceNotFoundException);
  });

  it("rejects names with characters outside [A-Za-z0-9/_+=.@-] or longer than 512", async () => {
    for (const Name of ["has space", "semi;colon", "x".repeat(513), ""]) {
      const err = await rejectionOf(client.send(new CreateSecretCommand({ Name })));
      expect(err).toBeInstanceOf(InvalidParameterException);
    }
    await client.send(new CreateSecretCommand({ Name: `ok/_+=.@-${uniqueName()}` }));
  });

  it("rejects a second secret with the same name as ResourceExistsException", async () => {
    const name = uniqueName();
    await client.send(new CreateSecretCommand({ Name: name }));
    const err = await rejectionOf(client.send(new CreateSecretCommand({ Name: name })));
    expect(err).toBeInstanceOf(ResourceExistsException);
  });
});

describe("DescribeSecret", () => {
  it("returns the metadata with Date objects, tags and only labelled versions, never a value", async () => {
    const name = uniqueName();
    const created = clock.now;
    const v1 = token();
    await client.send(
      new CreateSecretCommand({
        Name: name,
        Description: "d",
        KmsKeyId: "alias/keyward",
        SecretString: "one",
        ClientRequestToken: v1,
        Tags: [{ Key: "managed-by", Value: "keyward" }],
      }),
    );
    clock.now += 5_000;
    const v2 = token();
    await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: "two", ClientRequestToken: v2 }));
    await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: "three", ClientRequestToken: token(), VersionStages: [] }));
    const out = await client.send(new DescribeSecretCommand({ SecretId: name }));
    expect(out).toMatchObject({ Name: name, Description: "d", KmsKeyId: "alias/keyward", RotationEnabled: false, Tags: [{ Key: "managed-by", Value: "keyward" }] });
    expect(out.CreatedDate).toEqual(new Date(created));
    expect(out.LastChangedDate).toEqual(new Date(created + 5_000));
    expect(out.LastAccessedDate).toBeUndefined();
    expect(out.DeletedDate).toBeUndefined();
    expect(out.VersionIdsToStages).toEqual({ [v1]: ["AWSPREVIOUS"], [v2]: ["AWSCURRENT"] });
    expect(JSON.stringify(out)).not.toMatch(/one|two|three/);
  });

  it("sets LastAccessedDate to the day of the last GetSecretValue", async () => {
    const name = uniqueName();
    await client.send(new CreateSecretCommand({ Name: name, SecretString: "x" }));
    await client.send(new GetSecretValueCommand({ SecretId: name }));
    const out = await client.send(new DescribeSecretCommand({ SecretId: name }));
    expect(out.LastAccessedDate).toEqual(new Date(Math.floor(clock.now / DAY) * DAY));
  });

  it("fails with ResourceNotFoundException for an unknown secret", async () => {
    const err = await rejectionOf(client.send(new DescribeSecretCommand({ SecretId: "nope" })));
    expect(err).toBeInstanceOf(ResourceNotFoundException);
    expect(err.message).toBe("Secrets Manager can't find the specified secret.");
  });
});

describe("DeleteSecret and RestoreSecret", () => {
  it("schedules deletion with a recovery window; the secret is describable but otherwise inaccessible", async () => {
    const name = uniqueName();
    const v1 = token();
    await client.send(new CreateSecretCommand({ Name: name, SecretString: "x", ClientRequestToken: v1 }));
    const deleted = await client.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 }));
    expect(deleted.DeletionDate).toEqual(new Date(clock.now + 7 * DAY));
    expect(deleted.Name).toBe(name);

    const described = await client.send(new DescribeSecretCommand({ SecretId: name }));
    // AWS documents DescribeSecret's DeletedDate as "the date the secret is scheduled for deletion".
    expect(described.DeletedDate).toEqual(new Date(clock.now + 7 * DAY));
    const versions = await client.send(new ListSecretVersionIdsCommand({ SecretId: name }));
    expect(versions.Versions).toHaveLength(1);

    const calls = [
      client.send(new GetSecretValueCommand({ SecretId: name })),
      client.send(new PutSecretValueCommand({ SecretId: name, SecretString: "y" })),
      client.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: "L", MoveToVersionId: v1 })),
      client.send(new TagResourceCommand({ SecretId: name, Tags: [{ Key: "k", Value: "v" }] })),
      client.send(new CreateSecretCommand({ Name: name })),
      client.send(new DeleteSecretCommand({ SecretId: name })),
    ];
    for (const call of calls) {
      const err = await rejectionOf(call);
      expect(err).toBeInstanceOf(InvalidRequestException);
      expect(err.message).toMatch(/delet/);
    }
  });

  it("restores a scheduled secret, clearing DeletedDate and making it readable again", async () => {
    const name = uniqueName();
    await client.send(new CreateSecretCommand({ Name: name, SecretString: "back" }));
    await client.send(new DeleteSecretCommand({ SecretId: name }));
    const restored = await client.send(new RestoreSecretCommand({ SecretId: name }));
    expect(restored.Name).toBe(name);
    expect((await client.send(new DescribeSecretCommand({ SecretId: name }))).DeletedDate).toBeUndefined();
    expect((await client.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe("back");
  });

  it("purges the secret once the recovery window has passed on the clock, freeing the name", async () => {
    const name = uniqueName();
    const { ARN } = await client.send(new CreateSecretCommand({ Name: name, SecretString: "x" }));
    await client.send(new DeleteSecretCommand({ SecretId: name })); // default window: 30 days
    clock.advanceDays(29);
    expect((await client.send(new DescribeSecretCommand({ SecretId: name }))).DeletedDate).toBeInstanceOf(Date);
    clock.advanceDays(1);
    expect(await rejectionOf(client.send(new DescribeSecretCommand({ SecretId: name })))).toBeInstanceOf(ResourceNotFoundException);
    expect(await rejectionOf(client.send(new RestoreSecretCommand({ SecretId: name })))).toBeInstanceOf(ResourceNotFoundException);
    const again = await client.send(new CreateSecretCommand({ Name: name, SecretString: "new" }));
    expect(again.ARN).not.toBe(ARN);
  });

  it("force-deletes at once, and a forced delete of a missing secret still succeeds", async () => {
    const name = uniqueName();
    await client.send(new CreateSecretCommand({ Name: name, SecretString: "x" }));
    const out = await client.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
    expect(out.DeletionDate).toEqual(new Date(clock.now));
    expect(await rejectionOf(client.send(new DescribeSecretCommand({ SecretId: name })))).toBeInstanceOf(ResourceNotFoundException);
    expect(emulator.control.peek(name)).toBeUndefined();
    await client.send(new DeleteSecretCommand({ SecretId: "never-existed", ForceDeleteWithoutRecovery: true }));
  });

  it("force-deletes a secret already scheduled for deletion", async () => {
    const name = uniqueName();
    await client.send(new CreateSecretCommand({ Name: name }));
    await client.send(new DeleteSecretCommand({ SecretId: name }));
    await client.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
    await client.send(new CreateSecretCommand({ Name: name }));
  });

  it("rejects a recovery window outside 7-30 days and one combined with ForceDeleteWithoutRecovery", async () => {
    const name = uniqueName();
    await client.send(new CreateSecretCommand({ Name: name }));
    for (const input of [
      { SecretId: name, RecoveryWindowInDays: 6 },
      { SecretId: name, RecoveryWindowInDays: 31 },
      { SecretId: name, RecoveryWindowInDays: 7, ForceDeleteWithoutRecovery: true },
    ]) {
      expect(await rejectionOf(client.send(new DeleteSecretCommand(input)))).toBeInstanceOf(InvalidParameterException);
    }
    expect((await client.send(new DescribeSecretCommand({ SecretId: name }))).DeletedDate).toBeUndefined();
  });

  it("a plain delete of a missing secret is ResourceNotFoundException", async () => {
    expect(await rejectionOf(client.send(new DeleteSecretCommand({ SecretId: "missing" })))).toBeInstanceOf(ResourceNotFoundException);
  });
});

describe("TagResource and UntagResource", () => {
  it("merges tags by key and removes them by key", async () => {
    const name = uniqueName();
    await client.send(
      new CreateSecretCommand({
        Name: name,
        Tags: [
          { Key: "a", Value: "1" },
          { Key: "b", Value: "2" },
        ],
      }),
    );
    const out = await client.send(
      new TagResourceCommand({
        SecretId: name,
        Tags: [
          { Key: "b", Value: "20" },
          { Key: "c", Value: "3" },
        ],
      }),
    );
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect((await client.send(new DescribeSecretCommand({ SecretId: name }))).Tags).toEqual([
      { Key: "a", Value: "1" },
      { Key: "b", Value: "20" },
      { Key: "c", Value: "3" },
    ]);
    await client.send(new UntagResourceCommand({ SecretId: name, TagKeys: ["a", "c"] }));
    expect((await client.send(new DescribeSecretCommand({ SecretId: name }))).Tags).toEqual([{ Key: "b", Value: "20" }]);
  });

  it("fails with ResourceNotFoundException on a missing secret", async () => {
    const err = await rejectionOf(client.send(new TagResourceCommand({ SecretId: "missing", Tags: [{ Key: "a", Value: "1" }] })));
    expect(err).toBeInstanceOf(ResourceNotFoundException);
  });
});

describe("ListSecrets", () => {
  it("lists secrets without values, hides scheduled deletions unless IncludePlannedDeletion, and pages", async () => {
    const live = uniqueName("list");
    const doomed = uniqueName("list");
    await client.send(new CreateSecretCommand({ Name: live, SecretString: "v" }));
    await client.send(new CreateSecretCommand({ Name: doomed }));
    await client.send(new DeleteSecretCommand({ SecretId: doomed }));
    const names = async (input: { IncludePlannedDeletion?: boolean }) => {
      const all: string[] = [];
      let next: string | undefined;
      do {
        const page = await client.send(new ListSecretsCommand({ ...input, MaxResults: 3, NextToken: next }));
        all.push(...page.SecretList!.map((s) => s.Name!));
        next = page.NextToken;
      } while (next);
      return all;
    };
    expect(await names({})).toContain(live);
    expect(await names({})).not.toContain(doomed);
    expect(await names({ IncludePlannedDeletion: true })).toContain(doomed);
    const entry = (await client.send(new ListSecretsCommand({ MaxResults: 100 }))).SecretList!.find((s) => s.Name === live)!;
    expect(entry.CreatedDate).toBeInstanceOf(Date);
    expect(Object.values(entry.SecretVersionsToStages!)).toEqual([["AWSCURRENT"]]);
  });
});

describe("peek and state", () => {
  it("peek reads any stage without touching LastAccessedDate; state carries no values", async () => {
    const name = uniqueName();
    await client.send(new CreateSecretCommand({ Name: name, SecretString: "peeked-value" }));
    await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: "pending-value", VersionStages: ["AWSPENDING"] }));
    expect(emulator.control.peek(name)).toBe("peeked-value");
    expect(emulator.control.peek(name, "AWSPENDING")).toBe("pending-value");
    expect(emulator.control.peek(name, "AWSPREVIOUS")).toBeUndefined();
    expect(emulator.control.peek("missing")).toBeUndefined();
    const state = emulator.control.state();
    const secret = state.secrets.find((s) => s.name === name)!;
    expect(secret.lastAccessedDate).toBeUndefined();
    expect(secret.versions.map((v) => v.stages)).toEqual([["AWSCURRENT"], ["AWSPENDING"]]);
    expect(JSON.stringify(state)).not.toMatch(/peeked-value|pending-value/);
    expect(state.requests.CreateSecret).toBeGreaterThan(0);
  });
});
