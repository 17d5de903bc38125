import { BUILTIN_ROLES, DEFAULT_LIMITS, startGenesysEmulator, type GenesysEmulator, type GenesysState, type SeededClient } from "../../../src/sandbox/genesys/index.js";
import { api, requestToken, tokenFor } from "./helpers.js";

describe("the Genesys emulator's control API", () => {
  let emulator: GenesysEmulator;

  beforeAll(async () => {
    emulator = await startGenesysEmulator({ limits: { apiRequestsPerWindow: 50 } });
  });
  beforeEach(() => emulator.control.reset());
  afterAll(() => emulator.close());

  const control = async (method: string, path: string, body?: unknown) => emulator.handleControl(method, path, body);

  it("starts with the three built-in roles and no clients", async () => {
    const { status, body } = await control("GET", "/state");
    expect(status).toBe(200);
    const state = body as GenesysState;
    expect(state.roles.map((r) => [r.id, r.name])).toEqual([
      [BUILTIN_ROLES.admin, "admin"],
      [BUILTIN_ROLES.janitor, "janitor"],
      [BUILTIN_ROLES.readonly, "readonly"],
    ]);
    expect(state.roles.find((r) => r.name === "janitor")?.permissions).toEqual(["oauth:client:view", "oauth:client:edit", "oauth:client:delete"]);
    expect(state).toMatchObject({ clients: [], liveTokens: 0, limits: { ...DEFAULT_LIMITS, apiRequestsPerWindow: 50 }, faults: [] });
  });

  it("seeds roles and clients over HTTP and returns the secrets only there", async () => {
    const { status, body } = await control("POST", "/seed", {
      roles: [{ name: "rotator", permissions: ["oauth:client:*"] }],
      clients: [
        { name: "by role name", roleIds: ["rotator"], secret: "a-known-secret" },
        { id: "11111111-2222-4333-8444-555555555555", name: "fixed id", roleIds: [BUILTIN_ROLES.readonly] },
      ],
    });
    expect(status).toBe(200);
    const seeded = body as { roles: Array<{ id: string; name: string }>; clients: SeededClient[] };
    expect(seeded.roles).toEqual([{ id: expect.any(String), name: "rotator" }]);
    expect(seeded.clients[0]).toMatchObject({ name: "by role name", secret: "a-known-secret" });
    expect(seeded.clients[1]).toMatchObject({ id: "11111111-2222-4333-8444-555555555555", secret: expect.stringMatching(/^[\w-]{43}$/) });

    // the custom role's wildcard grants oauth:client:add
    const token = await tokenFor(emulator.url, seeded.clients[0]!.id, "a-known-secret");
    const created = await api(emulator.url, token, "/api/v2/oauth/clients", { method: "POST", body: { name: "x", authorizedGrantType: "CLIENT-CREDENTIALS" } });
    expect(created.status).toBe(200);

    const state = (await control("GET", "/state")).body as GenesysState;
    const text = JSON.stringify(state);
    for (const c of seeded.clients) expect(text).not.toContain(c.secret);
    expect(text).not.toContain(((await created.json()) as { secret: string }).secret);
    expect(state.clients).toHaveLength(3);
    expect(state.clients[0]).toMatchObject({ name: "by role name", secretVersion: 1, liveTokens: 1, roleDivisions: [{ roleId: seeded.roles[0]!.id, divisionId: "*" }] });
    expect(state.liveTokens).toBe(1);
  });

  it("answers bad seed input with 400 and changes nothing", async () => {
    const res = await control("POST", "/seed", { roles: [{ name: "ok", permissions: [] }], clients: [{ name: "x", roleIds: ["no-such-role"] }] });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: "bad.request", message: expect.stringContaining("no-such-role") });
    expect(emulator.control.state().roles).toHaveLength(3);
  });

  it("sets and validates limits", async () => {
    expect(await control("PUT", "/limits", { tokenRequestsPerWindow: 5 })).toMatchObject({
      status: 200,
      body: { limits: { tokenRequestsPerWindow: 5, apiRequestsPerWindow: 50 } },
    });
    expect((await control("PUT", "/limits", { apiWindowSeconds: -1 })).status).toBe(400);
    expect((await control("PUT", "/limits", { bogus: 1 })).status).toBe(400);
  });

  it("replaces, adds, lists and clears faults", async () => {
    expect(await control("PUT", "/faults", [{ route: "POST /oauth/token", latencyMs: 10 }])).toMatchObject({
      status: 200,
      body: { faults: [{ route: "POST /oauth/token", latencyMs: 10 }] },
    });
    expect(await control("POST", "/faults", { errorRate: 1, errorStatus: 503, times: 1 })).toMatchObject({ body: { faults: [{}, { errorStatus: 503 }] } });
    expect((await control("GET", "/faults")).body).toMatchObject({ faults: [{}, {}] });
    expect((await control("POST", "/faults", { errorRat: 1 })).status).toBe(400);
    expect(await control("DELETE", "/faults")).toEqual({ status: 200, body: { faults: [] } });
    expect(emulator.control.state().faults).toEqual([]);
  });

  it("checks a secret over HTTP", async () => {
    const [c] = emulator.control.seed({ clients: [{ name: "c", secret: "s3cret-value" }] }).clients as [SeededClient];
    expect((await control("POST", "/secret-check", { clientId: c.id, secret: "s3cret-value" })).body).toEqual({ valid: true, matches: true, state: "active" });
    expect((await control("POST", "/secret-check", { clientId: c.id, secret: "other" })).body).toEqual({ valid: false, matches: false, state: "active" });
    const [dormant] = emulator.control.seed({ clients: [{ name: "d", secret: "d0rmant-value", state: "inactive" }] }).clients as [SeededClient];
    expect((await control("POST", "/secret-check", { clientId: dormant.id, secret: "d0rmant-value" })).body).toEqual({ valid: false, matches: true, state: "inactive" });
    expect((await control("POST", "/secret-check", { clientId: "00000000-0000-4000-8000-000000000000", secret: "d0rmant-value" })).body).toEqual({
      valid: false,
      matches: false,
      state: "absent",
    });
  });

  it("resets to built-in roles, no clients, no tokens, startup limits, no faults and zero counters", async () => {
    const [c] = emulator.control.seed({ roles: [{ name: "extra", permissions: [] }], clients: [{ name: "c", roleIds: ["admin"] }] }).clients as [SeededClient];
    const token = await tokenFor(emulator.url, c.id, c.secret);
    emulator.control.setLimits({ apiRequestsPerWindow: 1 });
    emulator.control.addFault({ latencyMs: 1 });
    expect(await control("POST", "/reset")).toEqual({ status: 200, body: { reset: true } });

    const state = emulator.control.state();
    expect(state).toMatchObject({ clients: [], liveTokens: 0, faults: [], requests: {}, tooManyRequests: 0, tokenRateLimited: 0 });
    expect(state.roles).toHaveLength(3);
    expect(state.limits.apiRequestsPerWindow).toBe(50);
    expect((await api(emulator.url, token, "/api/v2/tokens/me")).status).toBe(401);
    expect((await requestToken(emulator.url, c.id, c.secret)).status).toBe(400);
  });

  it("answers unknown control routes with 404", async () => {
    expect(await control("GET", "/nothing")).toMatchObject({ status: 404, body: { code: "not.found" } });
    expect((await control("GET", "/state/")).status).toBe(200);
  });
});
