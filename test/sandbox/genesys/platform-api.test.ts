import { BUILTIN_ROLES, startGenesysEmulator, type GenesysEmulator, type SeededClient } from "../../../src/sandbox/genesys/index.js";
import type { ErrorBody, OAuthClient, OAuthClientEntityListing } from "../../../src/genesys/types.js";
import { api, requestToken, tokenFor } from "./helpers.js";

const CLIENTS = "/api/v2/oauth/clients";
const newClient = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  authorizedGrantType: "CLIENT-CREDENTIALS",
  roleDivisions: [{ roleId: BUILTIN_ROLES.readonly, divisionId: "*" }],
  ...extra,
});

describe("the emulated Platform API over plain HTTP", () => {
  let emulator: GenesysEmulator;
  let admin: SeededClient;
  let token: string;

  beforeAll(async () => {
    emulator = await startGenesysEmulator({ orgName: "test org" });
  });
  beforeEach(async () => {
    emulator.control.reset();
    [admin] = emulator.control.seed({ clients: [{ name: "admin", roleIds: [BUILTIN_ROLES.admin, BUILTIN_ROLES.janitor, BUILTIN_ROLES.readonly] }] }).clients as [SeededClient];
    token = await tokenFor(emulator.url, admin.id, admin.secret);
  });
  afterAll(() => emulator.close());

  it("answers a missing bearer token with 401 authentication.required and a full ErrorBody", async () => {
    const res = await api(emulator.url, undefined, CLIENTS);
    expect(res.status).toBe(401);
    const body = (await res.json()) as ErrorBody;
    expect(body).toEqual({
      message: "No authentication bearer token specified in authorization header.",
      code: "authentication.required",
      status: 401,
      contextId: res.headers.get("inin-correlation-id"),
      details: [],
      errors: [],
      messageParams: {},
    });
  });

  it("answers an unknown token with 401 bad.credentials", async () => {
    const res = await api(emulator.url, "made-up-token", CLIENTS);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: "bad.credentials", message: "Invalid login credentials." });
  });

  it("answers unknown routes with 404 not.found, with or without the /api/v2 prefix", async () => {
    for (const path of ["/api/v2/oauth/nothing", "/elsewhere"]) {
      const res = await api(emulator.url, token, path);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ code: "not.found", status: 404 });
    }
  });

  it("serves the API behind any path prefix", async () => {
    const res = await api(emulator.url, token, `/gateway/genesys${CLIENTS}`);
    expect(res.status).toBe(200);
    expect(emulator.control.state().requests[`GET ${CLIENTS}`]).toEqual({ "200": 1 });
  });

  it("lists every client in one page without secrets", async () => {
    for (let i = 0; i < 30; i++) expect((await api(emulator.url, token, CLIENTS, { method: "POST", body: newClient(`c${i}`) })).status).toBe(200);
    const res = await api(emulator.url, token, CLIENTS);
    const listing = (await res.json()) as OAuthClientEntityListing;
    expect(listing).toMatchObject({ pageNumber: 1, pageCount: 1, total: 31, pageSize: 31 });
    expect(listing.entities).toHaveLength(31);
    expect(listing.selfUri).toBe(`${CLIENTS}?pageSize=31&pageNumber=1`);
    expect(JSON.stringify(listing)).not.toContain('"secret"');
  });

  it("refuses malformed JSON with 400 bad.request and a non-JSON Content-Type with 415", async () => {
    const bad = await api(emulator.url, token, CLIENTS, { method: "POST", body: "{not json" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: "bad.request" });
    const text = await api(emulator.url, token, CLIENTS, { method: "POST", body: JSON.stringify(newClient("x")), headers: { "content-type": "text/plain" } });
    expect(text.status).toBe(415);
    expect(await text.json()).toMatchObject({ code: "unsupported.media.type" });
  });

  it("refuses bodies over 512000 bytes with 413", async () => {
    const res = await api(emulator.url, token, CLIENTS, { method: "POST", body: newClient("big", { description: "x".repeat(600_000) }) });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ status: 413 });
  });

  it("rejects an unknown grant type and an unknown role with invalid.value naming the field", async () => {
    const grant = await api(emulator.url, token, CLIENTS, { method: "POST", body: newClient("g", { authorizedGrantType: "CLIENT_CREDENTIALS" }) });
    expect(grant.status).toBe(400);
    expect(await grant.json()).toMatchObject({ code: "invalid.value", details: [{ fieldName: "authorizedGrantType" }] });
    const role = await api(emulator.url, token, CLIENTS, { method: "POST", body: newClient("r", { roleDivisions: [{ roleId: "nope", divisionId: "*" }] }) });
    expect(await role.json()).toMatchObject({ code: "invalid.value", details: [{ fieldName: "roleDivisions.roleId" }] });
    const name = await api(emulator.url, token, CLIENTS, { method: "POST", body: { authorizedGrantType: "CLIENT-CREDENTIALS" } });
    expect(await name.json()).toMatchObject({ code: "bad.request", details: [{ fieldName: "name" }] });
  });

  it("regenerates a secret from an empty application/json body, even for a disabled client", async () => {
    const created = (await (await api(emulator.url, token, CLIENTS, { method: "POST", body: newClient("d", { state: "disabled" }) })).json()) as OAuthClient;
    const res = await fetch(`${emulator.url}${CLIENTS}/${created.id}/secret`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as OAuthClient;
    expect(body.secret).toMatch(/^[\w-]{43}$/);
    expect(body.state).toBe("disabled");
  });

  it("keeps existing tokens alive across secret regeneration and inactivation", async () => {
    const created = (await (await api(emulator.url, token, CLIENTS, { method: "POST", body: newClient("keeps") })).json()) as OAuthClient;
    const itsToken = await tokenFor(emulator.url, created.id, created.secret!);
    await api(emulator.url, token, `${CLIENTS}/${created.id}/secret`, { method: "POST" });
    expect((await api(emulator.url, itsToken, CLIENTS)).status).toBe(200);
    await api(emulator.url, token, `${CLIENTS}/${created.id}`, { method: "PUT", body: newClient("keeps", { state: "inactive" }) });
    expect((await api(emulator.url, itsToken, CLIENTS)).status).toBe(200);
    expect((await requestToken(emulator.url, created.id, created.secret!)).status).toBe(400);
  });

  it("kills a deleted client's tokens", async () => {
    const created = (await (await api(emulator.url, token, CLIENTS, { method: "POST", body: newClient("gone") })).json()) as OAuthClient;
    const itsToken = await tokenFor(emulator.url, created.id, created.secret!);
    await api(emulator.url, token, `${CLIENTS}/${created.id}`, { method: "PUT", body: newClient("gone", { state: "inactive" }) });
    expect((await api(emulator.url, token, `${CLIENTS}/${created.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await api(emulator.url, itsToken, "/api/v2/tokens/me")).status).toBe(401);
    expect((await api(emulator.url, token, `${CLIENTS}/${created.id}`)).status).toBe(404);
    expect(emulator.control.state().clients.map((c) => c.id)).not.toContain(created.id);
  });

  it("answers HEAD /api/v2/tokens/me with 200 or 401 and no body", async () => {
    const ok = await api(emulator.url, token, "/api/v2/tokens/me", { method: "HEAD" });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("");
    const denied = await api(emulator.url, "nope", "/api/v2/tokens/me", { method: "HEAD" });
    expect(denied.status).toBe(401);
    expect(await denied.text()).toBe("");
  });

  it("returns token info with the capitalised OAuthClient key and the organization", async () => {
    const res = await api(emulator.url, token, "/api/v2/tokens/me");
    const info = (await res.json()) as Record<string, unknown>;
    expect(info).toMatchObject({
      organization: { name: "test org" },
      OAuthClient: { id: admin.id, name: "admin", state: "active", authorizedGrantType: "CLIENT-CREDENTIALS", organization: { name: "test org" } },
    });
  });

  describe("per-token rate limiting", () => {
    it("sends no inin-ratelimit headers by default (removed in 2021): 429 and Retry-After are the only signal", async () => {
      emulator.control.setLimits({ apiRequestsPerWindow: 1, apiWindowSeconds: 2 });
      const ok = await api(emulator.url, token, CLIENTS);
      expect(ok.status).toBe(200);
      const limited = await api(emulator.url, token, CLIENTS);
      expect(limited.status).toBe(429);
      expect(limited.headers.get("retry-after")).toBe("2");
      for (const res of [ok, limited]) {
        expect([...res.headers.keys()].filter((h) => h.startsWith("inin-ratelimit"))).toEqual([]);
      }
    });

    it("carries inin-ratelimit headers with the legacy rateLimitHeaders setting, and answers over-limit requests with 429 and Retry-After", async () => {
      emulator.control.setSettings({ rateLimitHeaders: true });
      emulator.control.setLimits({ apiRequestsPerWindow: 3, apiWindowSeconds: 1 });
      for (let i = 1; i <= 3; i++) {
        const res = await api(emulator.url, token, CLIENTS);
        expect(res.status).toBe(200);
        expect(res.headers.get("inin-ratelimit-count")).toBe(String(i));
        expect(res.headers.get("inin-ratelimit-allowed")).toBe("3");
        expect(res.headers.get("inin-ratelimit-reset")).toBe("1");
      }
      const limited = await api(emulator.url, token, CLIENTS);
      expect(limited.status).toBe(429);
      expect(limited.headers.get("retry-after")).toBe("1");
      expect(await limited.json()).toMatchObject({
        code: "too.many.requests",
        status: 429,
        message: "Rate limit exceeded the maximum. Retry the request in [1] seconds",
        contextId: limited.headers.get("inin-correlation-id"),
      });

      const otherToken = await tokenFor(emulator.url, admin.id, admin.secret);
      expect((await api(emulator.url, otherToken, CLIENTS)).status).toBe(200);

      const state = emulator.control.state();
      expect(state.tooManyRequests).toBe(1);
      expect(state.requests[`GET ${CLIENTS}`]).toEqual({ "200": 4, "429": 1 });

      // The window ends when the emulator's clock passes it (no sleeping on a busy machine).
      emulator.control.advanceClock(1000);
      expect((await api(emulator.url, token, CLIENTS)).status).toBe(200);
    });

    it("rounds Retry-After up to whole seconds until the window resets", async () => {
      emulator.control.setSettings({ rateLimitHeaders: true });
      emulator.control.setLimits({ apiRequestsPerWindow: 1, apiWindowSeconds: 3 });
      await api(emulator.url, token, CLIENTS);
      const limited = await api(emulator.url, token, CLIENTS);
      expect(limited.status).toBe(429);
      expect(limited.headers.get("retry-after")).toBe("3");
      expect(limited.headers.get("inin-ratelimit-reset")).toBe("3");
    });
  });
});
