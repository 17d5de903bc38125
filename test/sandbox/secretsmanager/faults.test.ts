import { CreateSecretCommand, GetSecretValueCommand, InternalServiceError, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { startSecretsManagerEmulator, type SecretsManagerEmulator } from "../../../src/sandbox/secretsmanager/index.js";
import { rejectionOf, sdkClient, uniqueName } from "./sm-test-kit.js";

let emulator: SecretsManagerEmulator;
let once: SecretsManagerClient;
let retrying: SecretsManagerClient;
let name: string;

beforeAll(async () => {
  emulator = await startSecretsManagerEmulator();
  once = sdkClient(emulator);
  retrying = sdkClient(emulator, { maxAttempts: 3 });
  name = uniqueName();
  await once.send(new CreateSecretCommand({ Name: name, SecretString: "value" }));
});

afterEach(() => emulator.control.clearFaults());

afterAll(async () => {
  once.destroy();
  retrying.destroy();
  await emulator.close();
});

const get = (client: SecretsManagerClient) => client.send(new GetSecretValueCommand({ SecretId: name }));

describe("coarse faults", () => {
  it("unavailable answers 503 ServiceUnavailable, which the SDK reports as a server fault", async () => {
    emulator.control.setFaults({ unavailable: true });
    const err = await rejectionOf(get(once));
    expect(err.name).toBe("ServiceUnavailable");
    expect(err.$fault).toBe("server");
    expect(err.$metadata.httpStatusCode).toBe(503);
  });

  it("unavailable for two requests is retried through by an SDK with maxAttempts 3", async () => {
    emulator.control.setFaults({ unavailable: { times: 2 } });
    const out = await get(retrying);
    expect(out.SecretString).toBe("value");
    expect(out.$metadata.attempts).toBe(3);
    expect(emulator.control.state().faults.settings).toEqual({});
  });

  it("throttle answers 400 ThrottlingException, a client fault the SDK retries as throttling", async () => {
    emulator.control.setFaults({ throttle: { times: 1 } });
    const err = await rejectionOf(get(once));
    expect(err.name).toBe("ThrottlingException");
    expect(err.$fault).toBe("client");
    expect(err.$metadata.httpStatusCode).toBe(400);

    emulator.control.setFaults({ throttle: { times: 2 } });
    const out = await get(retrying);
    expect(out.$metadata.attempts).toBe(3);
  });

  it("an SDK with maxAttempts 3 gives up when the service stays unavailable", async () => {
    emulator.control.setFaults({ unavailable: true });
    const before = emulator.control.state().requests.GetSecretValue ?? 0;
    const err = await rejectionOf(get(retrying));
    expect(err.$metadata.attempts).toBe(3);
    expect(emulator.control.state().requests.GetSecretValue).toBe(before + 3);
  });

  it("latencyMs delays every answer", async () => {
    emulator.control.setFaults({ latencyMs: 150 });
    const started = Date.now();
    await get(once);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("operations limits the faults to the named operations", async () => {
    emulator.control.setFaults({ unavailable: true, operations: ["PutSecretValue"] });
    expect((await get(once)).SecretString).toBe("value");
    expect(emulator.control.state().faults.settings).toEqual({ unavailable: true, operations: ["PutSecretValue"] });
  });

  it("rejects malformed settings without changing the current ones", () => {
    emulator.control.setFaults({ throttle: true });
    expect(() => emulator.control.setFaults({ unavailable: { times: -1 } })).toThrow("unavailable");
    expect(() => emulator.control.setFaults({ latencyMs: "slow" } as never)).toThrow("latencyMs");
    expect(emulator.control.state().faults.settings).toEqual({ throttle: true });
  });
});

describe("FaultInjector rules by operation name", () => {
  it("errorStatus 500 becomes the SDK's typed InternalServiceError, and the SDK retries it", async () => {
    emulator.control.faults.add({ route: "GetSecretValue", errorRate: 1, errorStatus: 500, times: 1 });
    const err = await rejectionOf(get(once));
    expect(err).toBeInstanceOf(InternalServiceError);
    expect(err.$fault).toBe("server");
    expect(err.$metadata.httpStatusCode).toBe(500);

    emulator.control.faults.add({ route: "GetSecretValue", errorRate: 1, errorStatus: 500, times: 1 });
    expect((await get(retrying)).$metadata.attempts).toBe(2);
  });

  it("a connection reset surfaces as ECONNRESET and is retried", async () => {
    emulator.control.faults.add({ route: "Get*", resetRate: 1, times: 1 });
    expect((await get(retrying)).SecretString).toBe("value");
    expect(emulator.control.state().faults.injected.reset).toBeGreaterThanOrEqual(1);
  });

  it("a hang holds the request until the client's timeout", async () => {
    emulator.control.faults.add({ route: "GetSecretValue", hang: true, times: 1 });
    const impatient = sdkClient(emulator, { requestHandler: { requestTimeout: 200, throwOnRequestTimeout: true } });
    const err = await rejectionOf(get(impatient));
    expect(err.name).toBe("TimeoutError");
    impatient.destroy();
  });

  it("a rule for another operation leaves this one alone", async () => {
    emulator.control.faults.add({ route: "PutSecretValue", errorRate: 1 });
    expect((await get(once)).SecretString).toBe("value");
  });
});

describe("the HTTP control API", () => {
  it("PUT /faults sets, GET /state shows, DELETE /faults clears", async () => {
    const put = await emulator.handleControl("PUT", "/faults", { throttle: { times: 1 }, latencyMs: 5 });
    expect(put.status).toBe(200);
    expect((await emulator.handleControl("GET", "/state", undefined)).body).toMatchObject({
      faults: { settings: { throttle: { times: 1 }, latencyMs: 5 } },
    });
    expect((await emulator.handleControl("DELETE", "/faults", undefined)).status).toBe(204);
    expect(emulator.control.state().faults.settings).toEqual({});
  });

  it("PUT /faults/rules installs injector rules", async () => {
    const out = await emulator.handleControl("PUT", "/faults/rules", [{ route: "GetSecretValue", errorRate: 1, errorStatus: 503, times: 1 }]);
    expect(out.status).toBe(200);
    expect((await rejectionOf(get(once))).name).toBe("ServiceUnavailable");
  });

  it("answers 400 for malformed fault settings and 404 for unknown routes", async () => {
    expect((await emulator.handleControl("PUT", "/faults", { unavailable: "yes" })).status).toBe(400);
    expect((await emulator.handleControl("PUT", "/faults", { bogus: true })).status).toBe(400);
    expect((await emulator.handleControl("PUT", "/faults/rules", { rules: [{ nope: 1 }] })).status).toBe(400);
    expect((await emulator.handleControl("GET", "/secrets", undefined)).status).toBe(404);
    expect((await emulator.handleControl("POST", "/state", undefined)).status).toBe(404);
  });

  it("GET /state lists secrets without values", async () => {
    const state = (await emulator.handleControl("GET", "/state", undefined)).body as { secrets: Array<{ name: string }> };
    expect(state.secrets.map((s) => s.name)).toContain(name);
    expect(JSON.stringify(state)).not.toContain('"value"');
  });

  it("POST /reset forgets secrets, counts and faults", async () => {
    const scratch = await startSecretsManagerEmulator();
    const client = sdkClient(scratch);
    await client.send(new CreateSecretCommand({ Name: "gone-after-reset", SecretString: "x" }));
    scratch.control.setFaults({ throttle: true });
    scratch.control.faults.add({ route: "*", latencyMs: 1 });
    expect((await scratch.handleControl("POST", "/reset", undefined)).status).toBe(204);
    const state = scratch.control.state();
    expect(state.secrets).toEqual([]);
    expect(state.requests).toEqual({});
    expect(state.faults.settings).toEqual({});
    expect(state.faults.rules).toEqual([]);
    client.destroy();
    await scratch.close();
  });
});
