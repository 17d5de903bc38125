import { UsageError } from "../../src/core/errors.js";
import { createLogger } from "../../src/core/log.js";
import { resetSecretRegistry } from "../../src/core/redact.js";
import { createGenesysClient, genesysSettingsFromEnv, RateGate, TokenClient, OAuthClientsApi } from "../../src/genesys/index.js";
import { createFakeClock, flush, waitFor } from "./helpers/fake-clock.js";
import { apiError, startScriptedServer, tokenOk, type ScriptedServer } from "./helpers/scripted-server.js";

const ADMIN = { GENESYSCLOUD_OAUTHCLIENT_ID: "admin-id-0001", GENESYSCLOUD_OAUTHCLIENT_SECRET: "admin-secret-abcdef123456" };
const CLIENT = "/api/v2/oauth/clients/c-1";

let server: ScriptedServer;
beforeEach(async () => {
  resetSecretRegistry();
  server = await startScriptedServer();
});
afterEach(async () => {
  await server.close();
});

function gatewayEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...ADMIN,
    GENESYSCLOUD_REGION: "us-east-1",
    GENESYSCLOUD_GATEWAY_HOST: "127.0.0.1",
    GENESYSCLOUD_GATEWAY_PORT: String(server.port),
    GENESYSCLOUD_GATEWAY_PROTOCOL: "http",
    ...extra,
  };
}

describe("createGenesysClient", () => {
  it("wires a token client, the OAuth clients API and a rate gate", () => {
    const client = createGenesysClient(genesysSettingsFromEnv({ ...ADMIN, GENESYSCLOUD_REGION: "us-east-1" }));
    expect(client.tokens).toBeInstanceOf(TokenClient);
    expect(client.oauthClients).toBeInstanceOf(OAuthClientsApi);
    expect(client.gate).toBeInstanceOf(RateGate);
    expect(client.settings.region).toBe("us-east-1");
  });

  it("refuses settings without admin credentials", () => {
    expect(() => createGenesysClient(genesysSettingsFromEnv({ GENESYSCLOUD_REGION: "us-east-1" }))).toThrow(UsageError);
  });

  it("talks to the gateway from the environment, login prefix included", async () => {
    server.on("POST", "/login/oauth/token", tokenOk("gw-token-000001"));
    server.on("GET", CLIENT, { status: 200, body: { id: "c-1", name: "n", authorizedGrantType: "CLIENT-CREDENTIALS" } });
    const settings = genesysSettingsFromEnv(gatewayEnv({ GENESYSCLOUD_GATEWAY_PATH_NAME: "login", GENESYSCLOUD_GATEWAY_PATH_VALUE: "login" }));
    const client = createGenesysClient(settings);
    await expect(client.oauthClients.get("c-1")).resolves.toMatchObject({ id: "c-1" });
    expect(server.log()).toEqual(["POST /login/oauth/token", `GET ${CLIENT}`]);
  });

  it("shares one admin token between every call of a client", async () => {
    server.on("POST", "/oauth/token", tokenOk("one-token-00001"));
    server.otherwise("GET", CLIENT, { status: 200, body: { id: "c-1", name: "n", authorizedGrantType: "CODE" } });
    const client = createGenesysClient(genesysSettingsFromEnv(gatewayEnv()));
    await Promise.all([1, 2, 3, 4, 5].map(() => client.oauthClients.get("c-1")));
    expect(server.count("POST", "/oauth/token")).toBe(1);
    expect(server.count("GET", CLIENT)).toBe(5);
  });

  it("lets a fleet share one gate, so a 429 on one client pauses the others", async () => {
    const clock = createFakeClock();
    const gate = new RateGate(clock);
    server.otherwise("POST", "/oauth/token", tokenOk("fleet-token-0001"));
    server.on("GET", CLIENT, apiError(429, "too.many.requests", "slow down", {}, { "retry-after": "3" }), {
      status: 200,
      body: { id: "c-1", name: "a", authorizedGrantType: "CODE" },
    });
    server.on("GET", "/api/v2/oauth/clients/c-2", { status: 200, body: { id: "c-2", name: "b", authorizedGrantType: "CODE" } });
    const settings = genesysSettingsFromEnv(gatewayEnv());
    const options = { gate, sleep: clock.sleep, now: clock.now };
    const first = createGenesysClient(settings, options);
    const second = createGenesysClient(settings, options);
    expect(first.gate).toBe(gate);

    const a = first.oauthClients.get("c-1");
    await waitFor(() => clock.pending() === 1);
    const b = second.oauthClients.get("c-2");
    await flush();
    // The second client waits at the gate before it even asks for its token.
    expect(clock.pending()).toBe(2);
    expect(server.count("POST", "/oauth/token")).toBe(1);
    expect(server.count("GET", "/api/v2/oauth/clients/c-2")).toBe(0);
    await clock.advance(3000);
    await expect(a).resolves.toMatchObject({ id: "c-1" });
    await expect(b).resolves.toMatchObject({ id: "c-2" });
  });

  it("uses the logger, timeout and retry policy it is given", async () => {
    server.on("POST", "/oauth/token", tokenOk("opt-token-00001"));
    server.on("GET", CLIENT, { hang: true });
    const lines: string[] = [];
    const client = createGenesysClient(genesysSettingsFromEnv(gatewayEnv()), {
      timeoutMs: 300,
      retryPolicy: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterSeconds: 1, jitter: "none" },
      logger: createLogger({ level: "debug", write: (line) => lines.push(line) }),
    });
    await expect(client.oauthClients.get("c-1")).rejects.toMatchObject({ reason: "timeout" });
    expect(server.count("GET", CLIENT)).toBe(1);
    expect(lines.some((l) => l.includes('"genesys giving up"') && l.includes('"reason":"timeout"'))).toBe(true);
  });
});
