// The Secrets Manager operations the Terraform AWS provider calls for `aws_secretsmanager_secret` beyond create,
// describe, tag and delete: its read always asks for the resource policy (GetResourcePolicy) and an in-place change
// of the description or KMS key is an UpdateSecret (reference terraform-standins.md §6). Driven by the AWS SDK.
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetResourcePolicyCommand,
  GetSecretValueCommand,
  InvalidRequestException,
  ResourceNotFoundException,
  type SecretsManagerClient,
  UpdateSecretCommand,
} from "@aws-sdk/client-secrets-manager";
import { startSecretsManagerEmulator, type SecretsManagerEmulator } from "../../../src/sandbox/secretsmanager/index.js";
import { rejectionOf, sdkClient, token, uniqueName } from "./sm-test-kit.js";

let emulator: SecretsManagerEmulator;
let client: SecretsManagerClient;

beforeAll(async () => {
  emulator = await startSecretsManagerEmulator({ region: "eu-west-1", accountId: "123456789012" });
  client = sdkClient(emulator, { region: "eu-west-1" });
});

afterAll(async () => {
  client.destroy();
  await emulator.close();
});

describe("GetResourcePolicy", () => {
  it("answers a secret without a policy with its ARN and name and no ResourcePolicy", async () => {
    const name = uniqueName();
    const { ARN } = await client.send(new CreateSecretCommand({ Name: name }));
    const out = await client.send(new GetResourcePolicyCommand({ SecretId: ARN }));
    expect(out).toMatchObject({ ARN, Name: name });
    expect(out.ResourcePolicy).toBeUndefined();
    expect((await client.send(new GetResourcePolicyCommand({ SecretId: name }))).ARN).toBe(ARN);
  });

  it("refuses an unknown secret and one scheduled for deletion", async () => {
    expect(await rejectionOf(client.send(new GetResourcePolicyCommand({ SecretId: uniqueName() })))).toBeInstanceOf(ResourceNotFoundException);
    const { ARN } = await client.send(new CreateSecretCommand({ Name: uniqueName() }));
    await client.send(new DeleteSecretCommand({ SecretId: ARN, RecoveryWindowInDays: 7 }));
    expect(await rejectionOf(client.send(new GetResourcePolicyCommand({ SecretId: ARN })))).toBeInstanceOf(InvalidRequestException);
  });
});

describe("UpdateSecret", () => {
  it("changes the description and KMS key in place, keeping the value and its version", async () => {
    const { ARN, VersionId } = await client.send(new CreateSecretCommand({ Name: uniqueName(), Description: "old", SecretString: "{}" }));
    const out = await client.send(new UpdateSecretCommand({ SecretId: ARN, ClientRequestToken: token(), Description: "", KmsKeyId: "alias/custom" }));
    expect(out.ARN).toBe(ARN);
    expect(out.VersionId).toBeUndefined();
    const described = await client.send(new DescribeSecretCommand({ SecretId: ARN }));
    expect(described).toMatchObject({ Description: "", KmsKeyId: "alias/custom" });
    expect(Object.keys(described.VersionIdsToStages ?? {})).toEqual([VersionId]);
  });

  it("stores a new value as AWSCURRENT when one is given", async () => {
    const { ARN } = await client.send(new CreateSecretCommand({ Name: uniqueName(), SecretString: "one" }));
    const versionId = token();
    const out = await client.send(new UpdateSecretCommand({ SecretId: ARN, ClientRequestToken: versionId, SecretString: "two" }));
    expect(out.VersionId).toBe(versionId);
    expect((await client.send(new GetSecretValueCommand({ SecretId: ARN }))).SecretString).toBe("two");
  });

  it("refuses an unknown secret", async () => {
    expect(await rejectionOf(client.send(new UpdateSecretCommand({ SecretId: uniqueName(), Description: "x" })))).toBeInstanceOf(ResourceNotFoundException);
  });
});
