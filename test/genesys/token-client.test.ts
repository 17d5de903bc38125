import { resetSecretRegistry, scrub } from "../../src/core/redact.js";
import { GenesysApiError, refreshAt, TokenClient, Transport } from "../../src/genesys/index.js";
import { instantSleep } from "./helpers/fake-clock.js";
import { invalidClient, startScriptedServer, tokenOk, type ScriptedServer } from "./helpers/scripted-server.js";

const ID = "0f0e0d0c-aaaa-4bbb-8ccc-111122223333";
const SECRET = "admin-secret-Zx81LmQ0pVv3tY7uWw2s";

let server: ScriptedServer;
let clock: number;
beforeEach(async () => {
  resetSecretRegistry();
  server = await startScriptedServer();
  clock = 1_700_000_000_000;
});
afterEach(async () => {
  await server.close();
});

function tokenClient(): TokenClient {
  const transport = new Transport({ sleep: instantSleep().sleep, now: () => clock, timeoutMs: 2000 });
  return new TokenClient({ loginBaseUrl: server.url, credentials: { clientId: ID, clientSecret: SECRET }, transport, now: () => clock });
}

describe("refreshAt", () => {
  it.each([
    ["a 24 h token 60 s early", 86_400, 86_340_000],
    ["a 1 h token 60 s early", 3_600, 3_540_000],
    ["a 10 min token 60 s early", 600, 540_000],
    ["a 5 min token 30 s early (10%)", 300, 270_000],
    ["a 100 s token 10 s early (10%)", 100, 90_000],
  ])("refreshes %s", (_case, expiresIn, offset) => {
    expect(refreshAt(1000, expiresIn)).toBe(1000 + offset);
  });
});

describe("the token client", () => {
  it("makes a client-credentials grant with HTTP Basic auth and a form body", async () => {
    server.on("POST", "/oauth/token", tokenOk("access-token-aaaaaa"));
    await expect(tokenClient().getToken()).resolves.toBe("access-token-aaaaaa");
    const request = server.requests[0];
    expect(request?.method).toBe("POST");
    expect(request?.pathname).toBe("/oauth/token");
    expect(request?.headers.authorization).toBe(`Basic ${Buffer.from(`${ID}:${SECRET}`).toString("base64")}`);
    expect(request?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(request?.body).toBe("grant_type=client_credentials");
  });

  it("registers the access token, the secret and its Basic form for redaction", async () => {
    server.on("POST", "/oauth/token", tokenOk("access-token-bbbbbb"));
    await tokenClient().getToken();
    const basic = Buffer.from(`${ID}:${SECRET}`).toString("base64");
    expect(scrub(`access-token-bbbbbb ${SECRET} ${basic}`)).toBe("[REDACTED] [REDACTED] [REDACTED]");
  });

  it("reuses the cached token until shortly before it expires", async () => {
    server.on("POST", "/oauth/token", tokenOk("token-one-xxxxxx", 3600), tokenOk("token-two-xxxxxx", 3600));
    const tokens = tokenClient();
    expect(await tokens.getToken()).toBe("token-one-xxxxxx");
    clock += 3_539_999;
    expect(await tokens.getToken()).toBe("token-one-xxxxxx");
    expect(server.count("POST", "/oauth/token")).toBe(1);
    clock += 1;
    expect(await tokens.getToken()).toBe("token-two-xxxxxx");
    expect(server.count("POST", "/oauth/token")).toBe(2);
  });

  it("refreshes a short-lived token 10% early", async () => {
    server.on("POST", "/oauth/token", tokenOk("short-one-xxxxxx", 300), tokenOk("short-two-xxxxxx", 300));
    const tokens = tokenClient();
    await tokens.getToken();
    clock += 269_999;
    expect(await tokens.getToken()).toBe("short-one-xxxxxx");
    clock += 1;
    expect(await tokens.getToken()).toBe("short-two-xxxxxx");
  });

  it("makes exactly one token request for many concurrent callers", async () => {
    server.on("POST", "/oauth/token", tokenOk("shared-token-xxxx"));
    const tokens = tokenClient();
    const all = await Promise.all(Array.from({ length: 25 }, () => tokens.getToken()));
    expect(new Set(all)).toEqual(new Set(["shared-token-xxxx"]));
    expect(server.count("POST", "/oauth/token")).toBe(1);
  });

  it("fails every concurrent caller when the grant fails, and tries again on the next call", async () => {
    server.on("POST", "/oauth/token", invalidClient(400), tokenOk("after-fix-xxxxxx"));
    const tokens = tokenClient();
    const results = await Promise.allSettled([tokens.getToken(), tokens.getToken(), tokens.getToken()]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected"]);
    const reason = (results[0] as PromiseRejectedResult).reason as GenesysApiError;
    expect(reason).toBeInstanceOf(GenesysApiError);
    expect(reason.reason).toBe("invalid-client");
    expect(server.count("POST", "/oauth/token")).toBe(1);
    await expect(tokens.getToken()).resolves.toBe("after-fix-xxxxxx");
  });

  it("mints a new token after invalidate()", async () => {
    server.on("POST", "/oauth/token", tokenOk("first-token-xxxx"), tokenOk("second-token-xxx"));
    const tokens = tokenClient();
    await tokens.getToken();
    tokens.invalidate();
    expect(await tokens.getToken()).toBe("second-token-xxx");
  });

  it("ignores invalidate() for a token that was already replaced", async () => {
    server.on("POST", "/oauth/token", tokenOk("first-token-xxxx"), tokenOk("second-token-xxx"), tokenOk("third-token-xxxx"));
    const tokens = tokenClient();
    await tokens.getToken();
    tokens.invalidate("first-token-xxxx");
    expect(await tokens.getToken()).toBe("second-token-xxx");
    tokens.invalidate("first-token-xxxx");
    expect(await tokens.getToken()).toBe("second-token-xxx");
    expect(server.count("POST", "/oauth/token")).toBe(2);
  });

  it("rejects a token response without an access token", async () => {
    server.on("POST", "/oauth/token", { status: 200, body: { token_type: "bearer", expires_in: 60 } });
    const err = await tokenClient()
      .getToken()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GenesysApiError);
    expect((err as GenesysApiError).reason).toBe("invalid-response");
  });

  it("assumes the shortest validity when expires_in is missing", async () => {
    server.on("POST", "/oauth/token", { status: 200, body: { access_token: "no-expiry-xxxxxx" } }, tokenOk("next-token-xxxxx"));
    const tokens = tokenClient();
    await tokens.getToken();
    clock += 270_000;
    expect(await tokens.getToken()).toBe("next-token-xxxxx");
  });
});
