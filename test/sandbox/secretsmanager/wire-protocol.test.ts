import { CreateSecretCommand, GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { startSecretsManagerEmulator, type SecretsManagerEmulator } from "../../../src/sandbox/secretsmanager/index.js";
import { signSigV4 } from "../../../src/sandbox/common/sigv4.js";
import { rawCall, rejectionOf, sdkClient, uniqueName } from "./sm-test-kit.js";

let emulator: SecretsManagerEmulator;

beforeAll(async () => {
  emulator = await startSecretsManagerEmulator();
});

afterAll(async () => {
  await emulator.close();
});

describe("the AWS JSON 1.1 wire protocol", () => {
  it("answers an operation with application/x-amz-json-1.1, a request id and epoch-second dates", async () => {
    const name = uniqueName();
    const body = JSON.stringify({ Name: name, SecretString: "s" });
    const headers = signSigV4(
      {
        method: "POST",
        url: "/",
        headers: { host: new URL(emulator.url).host, "content-type": "application/x-amz-json-1.1", "x-amz-target": "secretsmanager.CreateSecret" },
        body,
      },
      { credentials: emulator.credentials, service: "secretsmanager", region: emulator.region },
    );
    delete headers.host;
    const res = await fetch(emulator.url, { method: "POST", headers, body });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/x-amz-json-1.1");
    expect(res.headers.get("x-amzn-requestid")).toMatch(/^[0-9a-f-]{36}$/);
    const described = await rawCall(emulator, "secretsmanager.DescribeSecret", { SecretId: name });
    expect(typeof described.body.CreatedDate).toBe("number");
    expect(Math.abs((described.body.CreatedDate as number) - Date.now() / 1000)).toBeLessThan(60);
  });

  it("renders errors as {__type, message} with status 400", async () => {
    const res = await rawCall(emulator, "secretsmanager.GetSecretValue", { SecretId: "missing" });
    expect(res).toEqual({ status: 400, body: { __type: "ResourceNotFoundException", message: "Secrets Manager can't find the specified secret." } });
  });

  it("rejects a missing or foreign X-Amz-Target and an unsupported operation as UnknownOperationException", async () => {
    for (const target of [undefined, "dynamodb.GetItem", "secretsmanager.ReplicateSecretToRegions", "secretsmanager.toString"]) {
      const res = await rawCall(emulator, target, {});
      expect(res.status).toBe(400);
      expect(res.body.__type).toBe("UnknownOperationException");
    }
  });

  it("rejects a wrong content type with 415", async () => {
    const res = await rawCall(emulator, "secretsmanager.ListSecrets", {}, { "content-type": "application/json" });
    expect(res).toMatchObject({ status: 415, body: { __type: "UnsupportedMediaTypeException" } });
  });

  it("rejects an unsigned request as MissingAuthenticationTokenException and a malformed signature as IncompleteSignatureException", async () => {
    const unsigned = await rawCall(emulator, "secretsmanager.ListSecrets", {}, { authorization: "" });
    expect(unsigned).toMatchObject({ status: 400, body: { __type: "MissingAuthenticationTokenException" } });
    const badlySigned = await rawCall(emulator, "secretsmanager.ListSecrets", {}, { authorization: "AWS4-HMAC-SHA256 Signature=nonsense" });
    expect(badlySigned).toMatchObject({ status: 400, body: { __type: "IncompleteSignatureException" } });
    expect(badlySigned.body.message).toMatch(/requires 'Credential' parameter/);
  });

  it("rejects a body that isn't a JSON object as SerializationException", async () => {
    expect((await rawCall(emulator, "secretsmanager.ListSecrets", "{not json")).body.__type).toBe("SerializationException");
    expect((await rawCall(emulator, "secretsmanager.ListSecrets", "[1]")).body.__type).toBe("SerializationException");
  });

  it("answers anything but POST / with 404", async () => {
    const res = await fetch(`${emulator.url}/other`, { method: "POST" });
    expect(res.status).toBe(404);
    expect((await fetch(emulator.url)).status).toBe(404);
  });

  it("counts requests per operation in state", async () => {
    const before = emulator.control.state().requests.ListSecrets ?? 0;
    await rawCall(emulator, "secretsmanager.ListSecrets", {});
    expect(emulator.control.state().requests.ListSecrets).toBe(before + 1);
  });
});

describe("the AWS SDK's view of the emulator's errors", () => {
  it("surfaces ResourceNotFoundException as the SDK's typed client-fault exception", async () => {
    const client = sdkClient(emulator);
    const err = await rejectionOf(client.send(new GetSecretValueCommand({ SecretId: "missing" })));
    expect(err).toBeInstanceOf(ResourceNotFoundException);
    expect(err.name).toBe("ResourceNotFoundException");
    expect(err.$fault).toBe("client");
    expect(err.$metadata.httpStatusCode).toBe(400);
    client.destroy();
  });
});

describe("a client configured only from the environment", () => {
  const keys = ["AWS_ENDPOINT_URL_SECRETS_MANAGER", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "AWS_SESSION_TOKEN"];
  const saved: Record<string, string | undefined> = {};

  beforeAll(() => {
    for (const key of keys) saved[key] = process.env[key];
    for (const key of ["AWS_PROFILE", "AWS_SESSION_TOKEN"]) delete process.env[key];
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SECRETS_MANAGER: emulator.url,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: emulator.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: emulator.credentials.secretAccessKey,
    });
  });

  afterAll(() => {
    for (const key of keys) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  it("reaches the emulator through AWS_ENDPOINT_URL_SECRETS_MANAGER", async () => {
    const client = new SecretsManagerClient({ maxAttempts: 1 });
    const name = uniqueName();
    await client.send(new CreateSecretCommand({ Name: name, SecretString: "from-env" }));
    expect(emulator.control.peek(name)).toBe("from-env");
    client.destroy();
  });
});
