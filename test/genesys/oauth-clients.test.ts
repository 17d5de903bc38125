import { UsageError } from "../../src/core/errors.js";
import { resetSecretRegistry, scrub } from "../../src/core/redact.js";
import { createGenesysClient, GenesysApiError, type GenesysClient, type GenesysSettings, type OAuthClient, type RetryPolicy } from "../../src/genesys/index.js";
import { virtualTime } from "./helpers/fake-clock.js";
import { apiError, invalidClient, startScriptedServer, TOKEN_RATE_LIMITED, tokenOk, type ScriptedServer } from "./helpers/scripted-server.js";

const ADMIN_ID = "admin-0000-4000-8000-000000000001";
const ADMIN_SECRET = "admin-secret-9Qw2Er4Ty6Ui8Op0As";
const ID = "7c1e2a4b-1111-4222-8333-944455566677";
const CLIENTS = "/api/v2/oauth/clients";
const CLIENT = `${CLIENTS}/${ID}`;
const SECRET_PATH = `${CLIENT}/secret`;
const POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterSeconds: 30, jitter: "none" };

const CLIENT_BODY: OAuthClient = {
  id: ID,
  name: "ivr-integration",
  accessTokenValiditySeconds: 86400,
  description: "IVR data dip",
  authorizedGrantType: "CLIENT-CREDENTIALS",
  roleDivisions: [{ roleId: "role-1", divisionId: "*" }],
  state: "active",
  dateCreated: "2025-01-01T00:00:00Z",
  selfUri: CLIENT,
};

let server: ScriptedServer;
let delays: number[];
let genesys: GenesysClient;

beforeEach(async () => {
  resetSecretRegistry();
  server = await startScriptedServer();
  const time = virtualTime();
  delays = time.delays;
  const settings: GenesysSettings = {
    region: undefined,
    endpoints: { loginBaseUrl: server.url, apiBaseUrl: server.url },
    credentials: { clientId: ADMIN_ID, clientSecret: ADMIN_SECRET },
  };
  // Generous per-request timeout: only the request that hangs on purpose may reach it, however busy the machine.
  genesys = createGenesysClient(settings, { retryPolicy: POLICY, sleep: time.sleep, now: time.now, timeoutMs: 3000 });
  server.otherwise("POST", "/oauth/token", tokenOk("admin-token-1111"));
});
afterEach(async () => {
  await server.close();
});

async function rejection(promise: Promise<unknown>): Promise<GenesysApiError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GenesysApiError);
  return err as GenesysApiError;
}

function apiRequests() {
  return server.requests.filter((r) => r.pathname.startsWith("/api/"));
}

describe("listing OAuth clients", () => {
  it("GETs the collection with the bearer token and returns the entities", async () => {
    server.on("GET", CLIENTS, { status: 200, body: { entities: [CLIENT_BODY], pageSize: 25, pageNumber: 1, total: 1, pageCount: 1 } });
    await expect(genesys.oauthClients.list()).resolves.toEqual([CLIENT_BODY]);
    expect(apiRequests()[0]?.headers.authorization).toBe("Bearer admin-token-1111");
    expect(apiRequests()[0]?.url).toBe(CLIENTS);
  });

  it("follows further pages and stops when a page brings nothing new", async () => {
    const other = { ...CLIENT_BODY, id: "other-1" };
    server.on(
      "GET",
      CLIENTS,
      { status: 200, body: { entities: [CLIENT_BODY], pageSize: 1, pageNumber: 1, total: 3, pageCount: 3 } },
      { status: 200, body: { entities: [other], pageSize: 1, pageNumber: 2, total: 3, pageCount: 3 } },
      { status: 200, body: { entities: [other], pageSize: 1, pageNumber: 2, total: 3, pageCount: 3 } },
    );
    const clients = await genesys.oauthClients.list();
    expect(clients.map((c) => c.id)).toEqual([ID, "other-1"]);
    expect(apiRequests().map((r) => r.url)).toEqual([CLIENTS, `${CLIENTS}?pageNumber=2`, `${CLIENTS}?pageNumber=3`]);
  });

  it("strips and registers a secret an older API still returns", async () => {
    server.on("GET", CLIENTS, { status: 200, body: { entities: [{ ...CLIENT_BODY, secret: "legacy-secret-value-1" }], pageCount: 1 } });
    const [client] = await genesys.oauthClients.list();
    expect(client).not.toHaveProperty("secret");
    expect(scrub("legacy-secret-value-1")).toBe("[REDACTED]");
  });

  it("rejects a listing without entities", async () => {
    server.on("GET", CLIENTS, { status: 200, body: { total: 0 } });
    expect((await rejection(genesys.oauthClients.list())).reason).toBe("invalid-response");
  });
});

describe("getting an OAuth client", () => {
  it("GETs it by id", async () => {
    server.on("GET", CLIENT, { status: 200, body: CLIENT_BODY });
    await expect(genesys.oauthClients.get(ID)).resolves.toEqual(CLIENT_BODY);
  });

  it("maps a 404 to not-found naming the client id", async () => {
    server.on("GET", CLIENT, apiError(404, "not.found", "The requested resource was not found."));
    const err = await rejection(genesys.oauthClients.get(ID));
    expect(err).toMatchObject({ reason: "not-found", status: 404, clientId: ID, operation: "GET /api/v2/oauth/clients/{clientId}" });
    expect(err.hint).toContain(ID);
  });

  it.each(["", "..", ".", "a/b", "a?b", "a b"])("refuses the id %j without sending anything", async (bad) => {
    await expect(genesys.oauthClients.get(bad)).rejects.toBeInstanceOf(UsageError);
    expect(apiRequests()).toEqual([]);
  });
});

describe("creating an OAuth client", () => {
  const request = { name: "new-client", authorizedGrantType: "CLIENT-CREDENTIALS" as const, roleDivisions: [{ roleId: "role-1", divisionId: "*" }] };

  it("POSTs the request as JSON and returns the client with its secret, registered for redaction", async () => {
    server.on("POST", CLIENTS, { status: 200, body: { ...CLIENT_BODY, name: "new-client", secret: "first-secret-value-1" } });
    const created = await genesys.oauthClients.create(request);
    expect(created.secret).toBe("first-secret-value-1");
    expect(created.id).toBe(ID);
    expect(scrub("first-secret-value-1")).toBe("[REDACTED]");
    const post = apiRequests()[0];
    expect(post?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(post?.body ?? "")).toEqual(request);
  });

  it("sends only OAuthClientRequest fields", async () => {
    server.on("POST", CLIENTS, { status: 200, body: { ...CLIENT_BODY, secret: "first-secret-value-2" } });
    await genesys.oauthClients.create({ ...request, id: "sneaky", secret: "sneaky-secret" } as unknown as typeof request);
    expect(JSON.parse(apiRequests()[0]?.body ?? "")).toEqual(request);
  });

  it("throws, naming the new client, when the response has no secret", async () => {
    server.on("POST", CLIENTS, { status: 200, body: CLIENT_BODY });
    const err = await rejection(genesys.oauthClients.create(request));
    expect(err.reason).toBe("invalid-response");
    expect(err.clientId).toBe(ID);
    expect(err.hint).toContain(ID);
  });

  it("is not retried after a timeout, and says a duplicate may exist", async () => {
    server.on("POST", CLIENTS, { hang: true });
    const err = await rejection(genesys.oauthClients.create(request));
    expect(err).toMatchObject({ reason: "timeout", mayHaveTakenEffect: true, retryable: false });
    expect(err.hint).toContain("duplicate");
    expect(server.count("POST", CLIENTS)).toBe(1);
  });
});

describe("updating an OAuth client", () => {
  it("PUTs the full request", async () => {
    server.on("PUT", CLIENT, { status: 200, body: { ...CLIENT_BODY, description: "changed" } });
    const updated = await genesys.oauthClients.update(ID, { name: "ivr-integration", authorizedGrantType: "CLIENT-CREDENTIALS", description: "changed" });
    expect(updated.description).toBe("changed");
    expect(JSON.parse(apiRequests()[0]?.body ?? "")).toEqual({ name: "ivr-integration", authorizedGrantType: "CLIENT-CREDENTIALS", description: "changed" });
  });

  it("is retried on 5xx: a PUT can be repeated", async () => {
    server.on("PUT", CLIENT, { status: 503 }, { status: 200, body: CLIENT_BODY });
    await genesys.oauthClients.update(ID, { name: "x", authorizedGrantType: "CODE" });
    expect(server.count("PUT", CLIENT)).toBe(2);
  });
});

describe("changing an OAuth client's state", () => {
  it("GETs the client and PUTs it back whole with the new state", async () => {
    server.on("GET", CLIENT, { status: 200, body: CLIENT_BODY });
    server.on("PUT", CLIENT, { status: 200, body: { ...CLIENT_BODY, state: "disabled" } });
    const result = await genesys.oauthClients.setState(ID, "disabled");
    expect(result.state).toBe("disabled");
    expect(apiRequests().map((r) => r.method)).toEqual(["GET", "PUT"]);
    expect(JSON.parse(apiRequests()[1]?.body ?? "")).toEqual({
      name: "ivr-integration",
      accessTokenValiditySeconds: 86400,
      description: "IVR data dip",
      authorizedGrantType: "CLIENT-CREDENTIALS",
      roleDivisions: [{ roleId: "role-1", divisionId: "*" }],
      state: "disabled",
    });
  });
});

describe("deleting an OAuth client", () => {
  it("marks an active client inactive, then DELETEs it", async () => {
    server.on("GET", CLIENT, { status: 200, body: CLIENT_BODY });
    server.on("PUT", CLIENT, { status: 200, body: { ...CLIENT_BODY, state: "inactive" } });
    server.on("DELETE", CLIENT, { status: 204 });
    await expect(genesys.oauthClients.delete(ID)).resolves.toBe("deleted");
    expect(apiRequests().map((r) => r.method)).toEqual(["GET", "PUT", "DELETE"]);
    expect(JSON.parse(apiRequests()[1]?.body ?? "").state).toBe("inactive");
  });

  it("skips the PUT for a client that is already inactive", async () => {
    server.on("GET", CLIENT, { status: 200, body: { ...CLIENT_BODY, state: "inactive" } });
    server.on("DELETE", CLIENT, { status: 204 });
    await expect(genesys.oauthClients.delete(ID)).resolves.toBe("deleted");
    expect(apiRequests().map((r) => r.method)).toEqual(["GET", "DELETE"]);
  });

  it("reports a client that does not exist as already absent", async () => {
    server.on("GET", CLIENT, apiError(404, "not.found", "gone"));
    await expect(genesys.oauthClients.delete(ID)).resolves.toBe("already-absent");
    expect(apiRequests().map((r) => r.method)).toEqual(["GET"]);
  });

  it("reports a client in state 'deleted' as already absent", async () => {
    server.on("GET", CLIENT, { status: 200, body: { ...CLIENT_BODY, state: "deleted" } });
    await expect(genesys.oauthClients.delete(ID)).resolves.toBe("already-absent");
  });

  it("counts a 404 on the DELETE after its own inactive PUT as deleted", async () => {
    server.on("GET", CLIENT, { status: 200, body: CLIENT_BODY });
    server.on("PUT", CLIENT, { status: 200, body: { ...CLIENT_BODY, state: "inactive" } });
    server.on("DELETE", CLIENT, apiError(404, "not.found", "gone"));
    await expect(genesys.oauthClients.delete(ID)).resolves.toBe("deleted");
  });

  it("retries a DELETE whose first answer was lost, and accepts the 404 the retry gets", async () => {
    server.on("GET", CLIENT, { status: 200, body: { ...CLIENT_BODY, state: "inactive" } });
    server.on("DELETE", CLIENT, { reset: true }, apiError(404, "not.found", "gone"));
    await expect(genesys.oauthClients.delete(ID)).resolves.toBe("deleted");
    expect(server.count("DELETE", CLIENT)).toBe(2);
  });

  it("passes on a refusal to delete", async () => {
    server.on("GET", CLIENT, { status: 200, body: { ...CLIENT_BODY, state: "inactive" } });
    server.on("DELETE", CLIENT, apiError(400, "cannot.delete.client", "Clients must be marked as inactive to be eligible for deletion."));
    const err = await rejection(genesys.oauthClients.delete(ID));
    expect(err).toMatchObject({ reason: "bad-request", code: "cannot.delete.client" });
  });
});

describe("regenerating a secret", () => {
  const regenerated = (secret: string) => ({ status: 200, body: { ...CLIENT_BODY, secret } });

  it("POSTs to /secret without a body and returns the new secret", async () => {
    server.on("POST", SECRET_PATH, regenerated("new-secret-value-0001"));
    const result = await genesys.oauthClients.regenerateSecret(ID);
    expect(result.secret).toBe("new-secret-value-0001");
    expect(result.id).toBe(ID);
    const post = apiRequests()[0];
    expect(post?.method).toBe("POST");
    expect(post?.body).toBe("");
    expect(post?.headers.authorization).toBe("Bearer admin-token-1111");
  });

  it("registers the new secret, and its Basic form, for redaction at once", async () => {
    server.on("POST", SECRET_PATH, regenerated("new-secret-value-0002"));
    await genesys.oauthClients.regenerateSecret(ID);
    const basic = Buffer.from(`${ID}:new-secret-value-0002`).toString("base64");
    expect(scrub(`new-secret-value-0002 ${basic}`)).toBe("[REDACTED] [REDACTED]");
  });

  it("keeps the secret even when the rest of the response is incomplete", async () => {
    server.on("POST", SECRET_PATH, { status: 200, body: { secret: "bare-secret-value-03" } });
    await expect(genesys.oauthClients.regenerateSecret(ID)).resolves.toMatchObject({ id: ID, secret: "bare-secret-value-03" });
  });

  it.each([
    ["no secret", { ...CLIENT_BODY }],
    ["an empty secret", { ...CLIENT_BODY, secret: "" }],
    ["no body at all", undefined],
  ])("throws when the response has %s, saying the old secret may be gone", async (_case, body) => {
    server.on("POST", SECRET_PATH, { status: 200, body });
    const err = await rejection(genesys.oauthClients.regenerateSecret(ID));
    expect(err).toMatchObject({ reason: "invalid-response", mayHaveTakenEffect: true, retryable: false, clientId: ID });
    expect(err.hint).toContain("may have been regenerated");
    expect(server.count("POST", SECRET_PATH)).toBe(1);
  });

  describe("is not retried once the request may have reached Genesys Cloud", () => {
    it.each([
      ["a timeout", { hang: true }, "timeout"],
      ["a connection lost mid-request", { reset: true }, "unreachable"],
      ["500", apiError(500, "internal.server.error", "boom"), "server-error"],
      ["502", { status: 502 }, "server-error"],
      ["503", apiError(503, "service.unavailable", "Service Unavailable", {}, { "retry-after": "1" }), "server-error"],
      ["504", apiError(504, "request.timeout", "timeout"), "server-error"],
    ])("after %s", async (_case, response, reason) => {
      server.on("POST", SECRET_PATH, response, regenerated("would-invalidate-the-first"));
      const err = await rejection(genesys.oauthClients.regenerateSecret(ID));
      expect(err).toMatchObject({ reason, mayHaveTakenEffect: true, retryable: false, clientId: ID });
      expect(err.hint).toContain("may have been regenerated");
      expect(server.count("POST", SECRET_PATH)).toBe(1);
    });
  });

  describe("is retried when the failure proves Genesys Cloud did not act", () => {
    it("after a 429, waiting the Retry-After", async () => {
      server.on("POST", SECRET_PATH, apiError(429, "too.many.requests", "slow down", {}, { "retry-after": "4" }), regenerated("after-429-value-0004"));
      await expect(genesys.oauthClients.regenerateSecret(ID)).resolves.toMatchObject({ secret: "after-429-value-0004" });
      expect(server.count("POST", SECRET_PATH)).toBe(2);
      expect(delays).toContain(4000);
    });

    it("after a 401 bad.credentials, once, with a fresh token", async () => {
      server.on("POST", "/oauth/token", tokenOk("admin-token-1111"), tokenOk("admin-token-2222"));
      server.on("POST", SECRET_PATH, apiError(401, "bad.credentials", "Invalid login credentials."), regenerated("after-401-value-0005"));
      await expect(genesys.oauthClients.regenerateSecret(ID)).resolves.toMatchObject({ secret: "after-401-value-0005" });
      const posts = apiRequests().filter((r) => r.pathname === SECRET_PATH);
      expect(posts.map((r) => r.headers.authorization)).toEqual(["Bearer admin-token-1111", "Bearer admin-token-2222"]);
      expect(server.count("POST", "/oauth/token")).toBe(2);
    });

    it("when the token endpoint is rate limited before the request is sent", async () => {
      server.requests.length = 0;
      await server.close();
      server = await startScriptedServer();
      const time = virtualTime();
      genesys = createGenesysClient(
        { region: undefined, endpoints: { loginBaseUrl: server.url, apiBaseUrl: server.url }, credentials: { clientId: ADMIN_ID, clientSecret: ADMIN_SECRET } },
        { retryPolicy: POLICY, sleep: time.sleep, now: time.now },
      );
      server.on("POST", "/oauth/token", TOKEN_RATE_LIMITED, TOKEN_RATE_LIMITED, tokenOk("admin-token-3333"));
      server.on("POST", SECRET_PATH, regenerated("after-token-limit-06"));
      await expect(genesys.oauthClients.regenerateSecret(ID)).resolves.toMatchObject({ secret: "after-token-limit-06" });
      expect(server.log()).toEqual(["POST /oauth/token", "POST /oauth/token", "POST /oauth/token", `POST ${SECRET_PATH}`]);
    });
  });

  it("gives up after a second 401: the fresh token is refused too", async () => {
    server.on("POST", "/oauth/token", tokenOk("admin-token-2222"));
    server.on("POST", SECRET_PATH, apiError(401, "bad.credentials", "Invalid login credentials."), apiError(401, "bad.credentials", "Invalid login credentials."));
    const err = await rejection(genesys.oauthClients.regenerateSecret(ID));
    expect(err).toMatchObject({ reason: "unauthorized", exitCode: 2 });
    expect(server.count("POST", SECRET_PATH)).toBe(2);
  });

  it("does not retry other 401s with a new token", async () => {
    server.on("POST", SECRET_PATH, apiError(401, "authentication.required", "No authentication bearer token specified in authorization header."));
    await rejection(genesys.oauthClients.regenerateSecret(ID));
    expect(server.count("POST", SECRET_PATH)).toBe(1);
    expect(server.count("POST", "/oauth/token")).toBe(1);
  });

  it("fails fast with a usage error when the admin role lacks oauth:client:edit", async () => {
    server.on(
      "POST",
      SECRET_PATH,
      apiError(403, "missing.any.permissions", "Unable to perform the requested action. You must have at least one of the following permissions assigned: [oauth:client:edit]"),
    );
    const err = await rejection(genesys.oauthClients.regenerateSecret(ID));
    expect(err).toMatchObject({ reason: "forbidden", exitCode: 2 });
    expect(err.hint).toContain("oauth:client:edit");
  });

  it("fails with invalid-client when the admin credentials are wrong", async () => {
    server.requests.length = 0;
    await server.close();
    server = await startScriptedServer();
    genesys = createGenesysClient(
      { region: undefined, endpoints: { loginBaseUrl: server.url, apiBaseUrl: server.url }, credentials: { clientId: ADMIN_ID, clientSecret: ADMIN_SECRET } },
      { retryPolicy: POLICY, sleep: virtualTime().sleep },
    );
    server.on("POST", "/oauth/token", invalidClient(401));
    const err = await rejection(genesys.oauthClients.regenerateSecret(ID));
    expect(err).toMatchObject({ reason: "invalid-client", exitCode: 2, endpoint: "login" });
    expect(server.count("POST", SECRET_PATH)).toBe(0);
  });
});
