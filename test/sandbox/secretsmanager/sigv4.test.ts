import { CreateSecretCommand, GetSecretValueCommand, ListSecretsCommand } from "@aws-sdk/client-secrets-manager";
import { signSigV4, verifySigV4 } from "../../../src/sandbox/common/sigv4.js";
import { startSecretsManagerEmulator, type SecretsManagerEmulator } from "../../../src/sandbox/secretsmanager/index.js";
import { rawCall, rejectionOf, sdkClient, uniqueName } from "./sm-test-kit.js";

let emulator: SecretsManagerEmulator;
let name: string;

beforeAll(async () => {
  emulator = await startSecretsManagerEmulator();
  name = uniqueName();
  const client = sdkClient(emulator);
  await client.send(new CreateSecretCommand({ Name: name, SecretString: "only-for-key-holders" }));
  client.destroy();
});

afterAll(async () => {
  await emulator.close();
});

describe("SigV4 verification by the Secrets Manager emulator", () => {
  it("generates a random key pair per emulator and accepts the AWS SDK signing with it", async () => {
    const other = await startSecretsManagerEmulator();
    try {
      expect(other.credentials.accessKeyId).toMatch(/^AKIA[0-9A-F]{16}$/);
      expect(other.credentials.secretAccessKey).not.toBe(emulator.credentials.secretAccessKey);
    } finally {
      await other.close();
    }
    const client = sdkClient(emulator);
    expect((await client.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe("only-for-key-holders");
    client.destroy();
  });

  it("refuses a request signed with the wrong secret key as InvalidSignatureException", async () => {
    const client = sdkClient(emulator, { credentials: { accessKeyId: emulator.credentials.accessKeyId, secretAccessKey: "not-the-secret-key" } });
    const err = await rejectionOf(client.send(new GetSecretValueCommand({ SecretId: name })));
    expect(err.name).toBe("InvalidSignatureException");
    expect(err.message).toMatch(/signature we calculated does not match/);
    expect(err.$metadata.httpStatusCode).toBe(400);
    client.destroy();
  });

  it("refuses an unknown access key id as UnrecognizedClientException", async () => {
    const client = sdkClient(emulator, { credentials: { accessKeyId: "test", secretAccessKey: "test" } });
    const err = await rejectionOf(client.send(new ListSecretsCommand({})));
    expect(err.name).toBe("UnrecognizedClientException");
    expect(err.$metadata.httpStatusCode).toBe(400);
    client.destroy();
  });

  it("refuses a body changed after signing (x-amz-content-sha256 left alone)", async () => {
    const client = sdkClient(emulator);
    // The deserialize step runs after signing, right before the request goes out.
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = (args as { request: { body: string } }).request;
        // Same length, so Content-Length (signed too) still fits the body.
        request.body = request.body.replace(name, `${name.slice(0, -1)}${name.endsWith("a") ? "b" : "a"}`);
        return next(args);
      },
      { step: "deserialize", name: "tamperBody" },
    );
    const err = await rejectionOf(client.send(new GetSecretValueCommand({ SecretId: name })));
    expect(err.name).toBe("InvalidSignatureException");
    client.destroy();
  });

  it("refuses an unsigned request as MissingAuthenticationTokenException", async () => {
    const res = await fetch(emulator.url, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "secretsmanager.GetSecretValue" },
      body: JSON.stringify({ SecretId: name }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { __type: string }).__type).toBe("MissingAuthenticationTokenException");
  });

  it("refuses a credential scoped to another region or service", async () => {
    const client = sdkClient(emulator, { region: "eu-west-1" });
    const err = await rejectionOf(client.send(new ListSecretsCommand({})));
    expect(err.name).toBe("InvalidSignatureException");
    expect(err.message).toMatch(/region/);
    client.destroy();
    const body = "{}";
    const headers = signSigV4(
      { method: "POST", url: "/", headers: { host: new URL(emulator.url).host, "content-type": "application/x-amz-json-1.1", "x-amz-target": "secretsmanager.ListSecrets" }, body },
      { credentials: emulator.credentials, service: "kms", region: emulator.region },
    );
    const res = await rawCall(emulator, "secretsmanager.ListSecrets", body, { authorization: headers.authorization!, "x-amz-date": headers["x-amz-date"]! });
    expect(res.body.__type).toBe("InvalidSignatureException");
  });

  it("refuses a signature older than 15 minutes", async () => {
    const body = "{}";
    const headers = signSigV4(
      { method: "POST", url: "/", headers: { host: new URL(emulator.url).host, "content-type": "application/x-amz-json-1.1", "x-amz-target": "secretsmanager.ListSecrets" }, body },
      { credentials: emulator.credentials, service: "secretsmanager", region: emulator.region, now: Date.now() - 20 * 60_000 },
    );
    const res = await rawCall(emulator, "secretsmanager.ListSecrets", body, { authorization: headers.authorization!, "x-amz-date": headers["x-amz-date"]! });
    expect(res).toMatchObject({ status: 400, body: { __type: "InvalidSignatureException" } });
    expect(res.body.message).toMatch(/Signature expired/);
  });
});

describe("signSigV4 and verifySigV4", () => {
  const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
  const now = Date.parse("2015-08-30T12:36:00Z");
  const request = { method: "GET", url: "/?Param2=value2&Param1=value1", headers: { host: "example.amazonaws.com" }, body: "" };

  it("reproduces AWS's published get-vanilla-query-order-key test vector", () => {
    // aws-sig-v4-test-suite get-vanilla-query-order-key (signed headers host;x-amz-date; ours adds x-amz-content-sha256).
    const headers = signSigV4(request, { credentials, service: "service", region: "us-east-1", now });
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20150830\/us-east-1\/service\/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
    expect(verifySigV4({ ...request, headers }, { credentials: [credentials], service: "service", region: "us-east-1", now: () => now })).toEqual({
      ok: true,
      accessKeyId: "AKIDEXAMPLE",
    });
  });

  it("checks the vector's exact signature when only host and x-amz-date are signed", () => {
    const authorization =
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500";
    const signed = { ...request, headers: { host: "example.amazonaws.com", "x-amz-date": "20150830T123600Z", authorization } };
    expect(verifySigV4(signed, { credentials: [credentials], service: "service", region: "us-east-1", now: () => now }).ok).toBe(true);
    const tampered = { ...signed, url: "/?Param2=value2&Param1=value3" };
    expect(verifySigV4(tampered, { credentials: [credentials], service: "service", region: "us-east-1", now: () => now })).toMatchObject({
      ok: false,
      type: "InvalidSignatureException",
    });
  });
});
