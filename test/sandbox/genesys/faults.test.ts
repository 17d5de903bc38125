import { BUILTIN_ROLES, startGenesysEmulator, type GenesysEmulator, type SeededClient } from "../../../src/sandbox/genesys/index.js";
import { api, requestToken, tokenFor } from "./helpers.js";

const CLIENTS = "/api/v2/oauth/clients";

describe("fault injection in the Genesys emulator", () => {
  let emulator: GenesysEmulator;
  let admin: SeededClient;
  let token: string;

  beforeAll(async () => {
    emulator = await startGenesysEmulator();
  });
  beforeEach(async () => {
    emulator.control.reset();
    [admin] = emulator.control.seed({ clients: [{ name: "admin", roleIds: [BUILTIN_ROLES.admin, BUILTIN_ROLES.janitor, BUILTIN_ROLES.readonly] }] }).clients as [SeededClient];
    token = await tokenFor(emulator.url, admin.id, admin.secret);
  });
  afterAll(() => emulator.close());

  it("adds latency to matching routes only", async () => {
    emulator.control.addFault({ route: `GET ${CLIENTS}`, latencyMs: 150 });
    let started = Date.now();
    expect((await api(emulator.url, token, CLIENTS)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    started = Date.now();
    expect((await api(emulator.url, token, "/api/v2/tokens/me")).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(140);
    expect(emulator.control.state().faultCounters.latency).toBe(1);
  });

  it("answers the next N matching requests with the injected status, then recovers", async () => {
    emulator.control.addFault({ route: `GET ${CLIENTS}`, errorRate: 1, errorStatus: 503, times: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await api(emulator.url, token, CLIENTS);
      expect(res.status).toBe(503);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ code: "service.unavailable", status: 503, details: [], errors: [], messageParams: {} });
      expect(body.contextId).toBe(res.headers.get("inin-correlation-id"));
    }
    expect((await api(emulator.url, token, CLIENTS)).status).toBe(200);
    const state = emulator.control.state();
    expect(state.requests[`GET ${CLIENTS}`]).toEqual({ "503": 2, "200": 1 });
    expect(state.faults).toEqual([]);
  });

  it.each([
    [500, "internal.server.error"],
    [504, "request.timeout"],
  ])("renders an injected %i as %s", async (status, code) => {
    emulator.control.setFaults([{ route: "POST /api/v2/oauth/clients/{clientId}/secret", errorRate: 1, errorStatus: status }]);
    const res = await api(emulator.url, token, `${CLIENTS}/${admin.id}/secret`, { method: "POST" });
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ code, status });
    expect(emulator.control.isSecretValid(admin.id, admin.secret)).toBe(true);
  });

  it("gives an injected 429 a Retry-After of 1 second and counts it", async () => {
    emulator.control.addFault({ route: "GET /api/v2/oauth/clients*", errorRate: 1, errorStatus: 429, times: 1 });
    const res = await api(emulator.url, token, CLIENTS);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(await res.json()).toMatchObject({ code: "too.many.requests", message: "Rate limit exceeded the maximum. Retry the request in [1] seconds" });
    expect(emulator.control.state().tooManyRequests).toBe(1);
  });

  it("makes an injected 400 at /oauth/token look like the token endpoint's rate-limit answer", async () => {
    emulator.control.addFault({ route: "POST /oauth/token", errorRate: 1, errorStatus: 400, times: 1 });
    const res = await requestToken(emulator.url, admin.id, admin.secret);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; error_description: string };
    expect(body.error).toBe("invalid_request");
    expect(body.error_description).toMatch(/^rate limit exceeded;/);
    expect(emulator.control.state().tokenRateLimited).toBe(1);
    expect((await requestToken(emulator.url, admin.id, admin.secret)).status).toBe(200);
  });

  it("resets the connection so fetch throws", async () => {
    emulator.control.addFault({ route: "POST /oauth/token", resetRate: 1, times: 1 });
    await expect(requestToken(emulator.url, admin.id, admin.secret)).rejects.toThrow("fetch failed");
    expect(emulator.control.state().requests["POST /oauth/token"]).toMatchObject({ reset: 1 });
  });

  it("hangs until the client gives up", async () => {
    emulator.control.addFault({ route: "GET /api/v2/tokens/me", hang: true, times: 1 });
    const started = Date.now();
    const attempt = fetch(`${emulator.url}/api/v2/tokens/me`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(200) });
    await expect(attempt).rejects.toMatchObject({ name: "TimeoutError" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(emulator.control.state().requests["GET /api/v2/tokens/me"]).toEqual({ hang: 1 });
    expect((await api(emulator.url, token, "/api/v2/tokens/me")).status).toBe(200);
  });

  it("clears every fault", async () => {
    emulator.control.setFaults([{ errorRate: 1, errorStatus: 500 }]);
    expect((await api(emulator.url, token, CLIENTS)).status).toBe(500);
    emulator.control.clearFaults();
    expect((await api(emulator.url, token, CLIENTS)).status).toBe(200);
  });
});
