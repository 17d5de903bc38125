import { BUILTIN_ROLES, startGenesysEmulator, type GenesysEmulator, type SeededClient } from "../../../src/sandbox/genesys/index.js";
import { api, basic, requestToken } from "./helpers.js";

describe("the emulated /oauth/token endpoint", () => {
  let emulator: GenesysEmulator;
  let app: SeededClient;

  beforeAll(async () => {
    emulator = await startGenesysEmulator();
  });
  beforeEach(() => {
    emulator.control.reset();
    [app] = emulator.control.seed({ clients: [{ name: "app", roleIds: [BUILTIN_ROLES.readonly], accessTokenValiditySeconds: 600 }] }).clients as [SeededClient];
  });
  afterAll(() => emulator.close());

  it("issues a bearer token whose expires_in follows the client's accessTokenValiditySeconds", async () => {
    const res = await requestToken(emulator.url, app.id, app.secret);
    expect(res.status).toBe(200);
    expect(res.headers.get("inin-correlation-id")).toMatch(/^[0-9a-f-]{36}$/);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({ access_token: expect.stringMatching(/^[\w-]{40,}$/), token_type: "bearer", expires_in: 600 });
    expect(emulator.control.state().liveTokens).toBe(1);
  });

  it.each([
    ["no Content-Type", null],
    ["text/plain", "text/plain;charset=UTF-8"],
    ["application/json", "application/json"],
  ])("parses the body as urlencoded whatever the Content-Type (%s)", async (_label, contentType) => {
    const res = await requestToken(emulator.url, app.id, app.secret, { contentType });
    expect(res.status).toBe(200);
  });

  it("accepts the token endpoint behind any path prefix", async () => {
    const res = await fetch(`${emulator.url}/login/oauth/token`, {
      method: "POST",
      headers: { authorization: basic(app.id, app.secret) },
      body: "grant_type=client_credentials",
    });
    expect(res.status).toBe(200);
    expect(emulator.control.state().requests["POST /oauth/token"]).toEqual({ "200": 1 });
  });

  it("refuses bodies over 512000 bytes with 413", async () => {
    const res = await requestToken(emulator.url, app.id, app.secret, { body: `grant_type=client_credentials&pad=${"x".repeat(600_000)}` });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: "invalid_request" });
  });

  it("answers other grant types with unsupported_grant_type", async () => {
    const res = await requestToken(emulator.url, app.id, app.secret, { body: "grant_type=password&username=x" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "unsupported_grant_type" });
  });

  it("answers a wrong secret, an unknown client and missing Basic auth with invalid_client", async () => {
    const expected = { error: "invalid_client", description: "authentication failed", error_description: "authentication failed" };
    for (const res of [
      await requestToken(emulator.url, app.id, "wrong"),
      await requestToken(emulator.url, "00000000-0000-4000-8000-000000000000", app.secret),
      await fetch(`${emulator.url}/oauth/token`, { method: "POST", body: "grant_type=client_credentials" }),
    ]) {
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual(expected);
    }
  });

  it("uses the configured status for invalid_client", async () => {
    const strict = await startGenesysEmulator({ badCredentialsStatus: 401 });
    try {
      const res = await requestToken(strict.url, "nobody", "nothing");
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: "invalid_client" });
    } finally {
      await strict.close();
    }
  });

  it("refuses tokens to disabled and inactive clients with invalid_client", async () => {
    const [disabled, inactive] = emulator.control.seed({
      clients: [
        { name: "disabled", state: "disabled" },
        { name: "inactive", state: "inactive" },
      ],
    }).clients as [SeededClient, SeededClient];
    for (const c of [disabled, inactive]) {
      const res = await requestToken(emulator.url, c.id, c.secret);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: "invalid_client" });
      expect(emulator.control.isSecretValid(c.id, c.secret)).toBe(false);
    }
  });

  it("refuses clients without the client-credentials grant with unauthorized_client", async () => {
    const [code] = emulator.control.seed({ clients: [{ name: "code grant", authorizedGrantType: "CODE" }] }).clients as [SeededClient];
    const res = await requestToken(emulator.url, code.id, code.secret);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "unauthorized_client" });
  });

  it("answers over-limit token requests with 400 invalid_request 'rate limit exceeded;' until the window resets", async () => {
    emulator.control.setLimits({ tokenRequestsPerWindow: 2, tokenWindowSeconds: 0.5 });
    expect((await requestToken(emulator.url, app.id, app.secret)).status).toBe(200);
    expect((await requestToken(emulator.url, app.id, app.secret)).status).toBe(200);
    const limited = await requestToken(emulator.url, app.id, app.secret);
    expect(limited.status).toBe(400);
    const body = (await limited.json()) as { error: string; description: string; error_description: string };
    expect(body.error).toBe("invalid_request");
    expect(body.error_description.startsWith("rate limit exceeded;")).toBe(true);
    expect(body.description).toBe(body.error_description);
    expect(emulator.control.state().tokenRateLimited).toBe(1);

    emulator.control.advanceClock(550);
    expect((await requestToken(emulator.url, app.id, app.secret)).status).toBe(200);
  });

  it("lets tokens expire after expires_in with credentials.expired", async () => {
    const [shortLived] = emulator.control.seed({ clients: [{ name: "short", roleIds: ["readonly"], accessTokenValiditySeconds: 1 }] }).clients as [SeededClient];
    const res = await requestToken(emulator.url, shortLived.id, shortLived.secret);
    const { access_token: token, expires_in } = (await res.json()) as { access_token: string; expires_in: number };
    expect(expires_in).toBe(1);
    expect((await api(emulator.url, token, "/api/v2/tokens/me")).status).toBe(200);
    emulator.control.advanceClock(1050);
    const expired = await api(emulator.url, token, "/api/v2/tokens/me");
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ code: "credentials.expired" });
  });
});
