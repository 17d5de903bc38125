import { CreateSecretCommand, ListSecretsCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { startSecretsManagerEmulator, type SecretsManagerEmulator } from "../../../src/sandbox/secretsmanager/index.js";
import { sdkClient, uniqueName } from "./sm-test-kit.js";

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

describe("ListSecrets Filters (SDK conformance)", () => {
  it("tag-key and tag-value select the secrets keyward tagged with a client id", async () => {
    const a = uniqueName("keyward/filter-a");
    const b = uniqueName("keyward/filter-b");
    await client.send(new CreateSecretCommand({ Name: a, SecretString: "x", Tags: [{ Key: "keyward:client-id", Value: "11111111-1111-4111-8111-111111111111" }] }));
    await client.send(new CreateSecretCommand({ Name: b, SecretString: "x", Tags: [{ Key: "keyward:client-id", Value: "22222222-2222-4222-8222-222222222222" }] }));
    await client.send(new CreateSecretCommand({ Name: uniqueName("other"), SecretString: "x", Tags: [{ Key: "team", Value: "11111111-1111-4111-8111-111111111111" }] }));
    const out = await client.send(
      new ListSecretsCommand({
        Filters: [
          { Key: "tag-key", Values: ["keyward:client-id"] },
          { Key: "tag-value", Values: ["11111111-1111-4111-8111-111111111111"] },
        ],
      }),
    );
    expect(out.SecretList?.map((s) => s.Name)).toEqual([a]);
    expect(out.SecretList?.[0]?.Tags).toEqual([{ Key: "keyward:client-id", Value: "11111111-1111-4111-8111-111111111111" }]);
  });

  it("name matches prefixes, several values are ORed, ! negates", async () => {
    const prefix = uniqueName("prefix");
    await client.send(new CreateSecretCommand({ Name: `${prefix}/one`, SecretString: "x" }));
    await client.send(new CreateSecretCommand({ Name: `${prefix}/two`, SecretString: "x" }));
    const both = await client.send(new ListSecretsCommand({ Filters: [{ Key: "name", Values: [`${prefix}/o`, `${prefix}/t`] }] }));
    expect(both.SecretList?.map((s) => s.Name).sort()).toEqual([`${prefix}/one`, `${prefix}/two`]);
    const notTwo = await client.send(
      new ListSecretsCommand({
        Filters: [
          { Key: "name", Values: [prefix] },
          { Key: "name", Values: [`!${prefix}/two`] },
        ],
      }),
    );
    expect(notTwo.SecretList?.map((s) => s.Name)).toEqual([`${prefix}/one`]);
  });
});
