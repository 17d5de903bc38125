import { CreateSecretCommand, ListSecretsCommand, type Filter, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { startSecretsManagerEmulator, type SecretsManagerEmulator } from "../../../src/sandbox/secretsmanager/index.js";
import { rejectionOf, sdkClient } from "./sm-test-kit.js";

let emulator: SecretsManagerEmulator;
let client: SecretsManagerClient;

beforeAll(async () => {
  emulator = await startSecretsManagerEmulator();
  client = sdkClient(emulator);
  const secrets = [
    {
      Name: "keyward/clients/billing_export",
      Description: "Genesys client Billing Export",
      Tags: [
        { Key: "keyward:client-id", Value: "1111-aaaa" },
        { Key: "team", Value: "finance" },
      ],
    },
    { Name: "keyward/clients/janitor", Description: "genesys janitor client", Tags: [{ Key: "keyward:client-id", Value: "2222-bbbb" }] },
    { Name: "keyward/admin/genesys", Description: "Admin credentials", Tags: [{ Key: "team", Value: "platform" }] },
    { Name: "other/databaseSecret42", Description: "Postgres password" },
  ];
  for (const secret of secrets) await client.send(new CreateSecretCommand({ ...secret, SecretString: "x" }));
});

afterAll(async () => {
  client.destroy();
  await emulator.close();
});

async function names(...filters: Filter[]): Promise<string[]> {
  const out = await client.send(new ListSecretsCommand({ Filters: filters }));
  return (out.SecretList ?? []).map((s) => s.Name!).sort();
}

describe("ListSecrets Filters, through the AWS SDK", () => {
  it("name: case-sensitive prefix", async () => {
    expect(await names({ Key: "name", Values: ["keyward/clients/"] })).toEqual(["keyward/clients/billing_export", "keyward/clients/janitor"]);
    expect(await names({ Key: "name", Values: ["Keyward/"] })).toEqual([]);
  });

  it("description: case-insensitive prefix", async () => {
    expect(await names({ Key: "description", Values: ["GENESYS"] })).toEqual(["keyward/clients/billing_export", "keyward/clients/janitor"]);
    expect(await names({ Key: "description", Values: ["client"] })).toEqual([]);
  });

  it("tag-key and tag-value: case-sensitive prefixes of any tag", async () => {
    expect(await names({ Key: "tag-key", Values: ["keyward:client-id"] })).toEqual(["keyward/clients/billing_export", "keyward/clients/janitor"]);
    expect(await names({ Key: "tag-value", Values: ["2222"] })).toEqual(["keyward/clients/janitor"]);
    expect(await names({ Key: "tag-value", Values: ["FINANCE"] })).toEqual([]);
  });

  it("several values of one filter are ORed, several filters ANDed", async () => {
    expect(await names({ Key: "tag-value", Values: ["1111", "2222"] })).toEqual(["keyward/clients/billing_export", "keyward/clients/janitor"]);
    expect(await names({ Key: "tag-key", Values: ["keyward:client-id"] }, { Key: "tag-value", Values: ["1111-aaaa"] })).toEqual(["keyward/clients/billing_export"]);
    expect(await names({ Key: "name", Values: ["keyward/"] }, { Key: "tag-key", Values: ["team"] })).toEqual(["keyward/admin/genesys", "keyward/clients/billing_export"]);
  });

  it("a leading ! negates a value", async () => {
    expect(await names({ Key: "name", Values: ["!keyward/"] })).toEqual(["other/databaseSecret42"]);
    expect(await names({ Key: "name", Values: ["keyward/"] }, { Key: "tag-key", Values: ["!keyward:client-id"] })).toEqual(["keyward/admin/genesys"]);
  });

  it("all: words of the value, case-insensitive prefixes of words anywhere", async () => {
    expect(await names({ Key: "all", Values: ["FINANCE"] })).toEqual(["keyward/clients/billing_export"]);
    expect(await names({ Key: "all", Values: ["database"] })).toEqual(["other/databaseSecret42"]);
    expect(await names({ Key: "all", Values: ["secret"] })).toEqual(["other/databaseSecret42"]);
    expect(await names({ Key: "all", Values: ["postgres janitor"] })).toEqual(["keyward/clients/janitor", "other/databaseSecret42"]);
  });

  it("rejects an unknown key, no values, or a value outside the allowed characters as ValidationException", async () => {
    for (const filter of [
      { Key: "arn", Values: ["x"] },
      { Key: "name", Values: [] },
      { Key: "name", Values: ["a*b"] },
    ] as Filter[]) {
      const err = await rejectionOf(client.send(new ListSecretsCommand({ Filters: [filter] })));
      expect(err.name).toBe("ValidationException");
      expect(err.$metadata.httpStatusCode).toBe(400);
    }
  });
});
