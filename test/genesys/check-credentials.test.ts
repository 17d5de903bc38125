import { UsageError } from "../../src/core/errors.js";
import { resetSecretRegistry, scrub } from "../../src/core/redact.js";
import { checkCredentials, CHECK_RETRY_POLICY, type CheckCredentialsOptions } from "../../src/genesys/index.js";
import { virtualTime } from "./helpers/fake-clock.js";
import { apiError, invalidClient, startScriptedServer, TOKEN_RATE_LIMITED, tokenOk, type ScriptedResponse, type ScriptedServer } from "./helpers/scripted-server.js";

const ID = "leaked-0000-4000-8000-000000000009";
const SECRET = "leaked-secret-Hn3Kd8Wq1Zp5Rt7Yv";

let server: ScriptedServer;
let options: CheckCredentialsOptions;
beforeEach(async () => {
  resetSecretRegistry();
  server = await startScriptedServer();
  const time = virtualTime();
  options = { sleep: time.sleep, now: time.now, timeoutMs: 2000 };
});
afterEach(async () => {
  await server.close();
});

function target() {
  return { loginBaseUrl: server.url, apiBaseUrl: server.url };
}

describe("checking credentials", () => {
  it("says live when the secret mints a token, and revokes that token", async () => {
    server.on("POST", "/oauth/token", tokenOk("probe-token-aaaaa"));
    server.on("DELETE", "/api/v2/tokens/me", { status: 204 });
    await expect(checkCredentials(ID, SECRET, target(), options)).resolves.toBe("live");
    expect(server.log()).toEqual(["POST /oauth/token", "DELETE /api/v2/tokens/me"]);
    expect(server.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from(`${ID}:${SECRET}`).toString("base64")}`);
    expect(server.requests[1]?.headers.authorization).toBe("Bearer probe-token-aaaaa");
  });

  it("stays live when revoking the token fails, after a single revoke attempt", async () => {
    server.on("POST", "/oauth/token", tokenOk("probe-token-bbbbb"));
    server.otherwise("DELETE", "/api/v2/tokens/me", { status: 503 });
    await expect(checkCredentials(ID, SECRET, target(), options)).resolves.toBe("live");
    expect(server.count("DELETE", "/api/v2/tokens/me")).toBe(1);
  });

  it("does not revoke when told not to, or when no API base URL is known", async () => {
    server.on("POST", "/oauth/token", tokenOk("probe-token-ccccc"), tokenOk("probe-token-ddddd"));
    await expect(checkCredentials(ID, SECRET, target(), { ...options, revoke: false })).resolves.toBe("live");
    await expect(checkCredentials(ID, SECRET, { loginBaseUrl: server.url }, options)).resolves.toBe("live");
    expect(server.log()).toEqual(["POST /oauth/token", "POST /oauth/token"]);
  });

  it("registers the secret being checked for redaction", async () => {
    server.on("POST", "/oauth/token", invalidClient(400));
    await checkCredentials(ID, SECRET, target(), options);
    expect(scrub(SECRET)).toBe("[REDACTED]");
  });

  const matrix: Array<[string, ScriptedResponse[], "live" | "dead" | "unknown"]> = [
    ["400 invalid_client", [invalidClient(400)], "dead"],
    ["401 invalid_client", [invalidClient(401)], "dead"],
    ["401 without a body", [{ status: 401 }], "unknown"],
    ["400 unauthorized_client", [{ status: 400, body: { error: "unauthorized_client", error_description: "grant not allowed" } }], "unknown"],
    ["400 invalid_request other than the rate limit", [{ status: 400, body: { error: "invalid_request", error_description: "missing grant_type" } }], "unknown"],
    ["the token endpoint's rate limit, every time", [TOKEN_RATE_LIMITED, TOKEN_RATE_LIMITED, TOKEN_RATE_LIMITED], "unknown"],
    ["the token endpoint's rate limit, then a token", [TOKEN_RATE_LIMITED, tokenOk("probe-token-eeeee")], "live"],
    ["the token endpoint's rate limit, then invalid_client", [TOKEN_RATE_LIMITED, invalidClient(400)], "dead"],
    ["429, every time", [apiError(429, "too.many.requests", "x"), apiError(429, "too.many.requests", "x"), apiError(429, "too.many.requests", "x")], "unknown"],
    ["429 with a Retry-After past the cap", [{ status: 429, headers: { "retry-after": "3600" } }], "unknown"],
    ["500, every time", [{ status: 500 }, { status: 500 }, { status: 500 }], "unknown"],
    ["503, then invalid_client", [{ status: 503 }, invalidClient(401)], "dead"],
    ["a reset connection, every time", [{ reset: true }, { reset: true }, { reset: true }], "unknown"],
    ["a timeout, every time", [{ hang: true }, { hang: true }, { hang: true }], "unknown"],
    ["200 without a token", [{ status: 200, body: { token_type: "bearer" } }], "unknown"],
    ["200 that is not JSON", [{ status: 200, rawBody: "<html>captive portal</html>" }], "unknown"],
    ["a redirect", [{ status: 302, headers: { location: "https://elsewhere.example" } }], "unknown"],
  ];

  it.each(matrix.map(([name, responses, expected]) => [name, expected, responses] as const))("answers %s with %s", async (_case, expected, responses) => {
    server.on("POST", "/oauth/token", ...responses);
    server.otherwise("DELETE", "/api/v2/tokens/me", { status: 204 });
    // Only where every attempt hangs is a short timeout safe.
    const hangs = responses.every((r) => r.hang === true);
    await expect(checkCredentials(ID, SECRET, target(), { ...options, ...(hangs ? { timeoutMs: 50 } : {}) })).resolves.toBe(expected);
    expect(server.count("POST", "/oauth/token")).toBeLessThanOrEqual(CHECK_RETRY_POLICY.maxAttempts);
  });

  it("says unknown when nothing listens, after a bounded number of attempts", async () => {
    const url = server.url;
    await server.close();
    let calls = 0;
    const status = await checkCredentials(
      ID,
      SECRET,
      { loginBaseUrl: url },
      {
        ...options,
        fetch: (input, init) => {
          calls++;
          return fetch(input, init);
        },
      },
    );
    expect(status).toBe("unknown");
    expect(calls).toBe(CHECK_RETRY_POLICY.maxAttempts);
    server = await startScriptedServer();
  });

  it("follows a custom retry policy", async () => {
    server.on("POST", "/oauth/token", { status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }, tokenOk("probe-token-fffff"));
    const policy = { ...CHECK_RETRY_POLICY, maxAttempts: 5 };
    await expect(checkCredentials(ID, SECRET, { loginBaseUrl: server.url }, { ...options, retryPolicy: policy })).resolves.toBe("live");
  });

  it("resolves a region to its login and API hosts", async () => {
    const urls: string[] = [];
    const fakeFetch = async (input: string) => {
      urls.push(input);
      return input.endsWith("/oauth/token")
        ? new Response(JSON.stringify({ access_token: "probe-token-ggggg", token_type: "bearer", expires_in: 60 }), { status: 200 })
        : new Response(null, { status: 204 });
    };
    await expect(checkCredentials(ID, SECRET, "EU-WEST-1", { ...options, fetch: fakeFetch })).resolves.toBe("live");
    expect(urls).toEqual(["https://login.mypurecloud.ie/oauth/token", "https://api.mypurecloud.ie/api/v2/tokens/me"]);
  });

  it("throws a usage error for an unknown region instead of guessing", async () => {
    await expect(checkCredentials(ID, SECRET, "moon-1", options)).rejects.toBeInstanceOf(UsageError);
  });
});
