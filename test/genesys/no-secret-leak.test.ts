import { randomBytes } from "node:crypto";
import { describeError, KeywardError } from "../../src/core/errors.js";
import { createLogger } from "../../src/core/log.js";
import { REDACTED, resetSecretRegistry } from "../../src/core/redact.js";
import {
  checkCredentials,
  createGenesysClient,
  genesysSettingsFromEnv,
  requireCredentials,
  resolveEndpoints,
  type GenesysClient,
  type RetryPolicy,
} from "../../src/genesys/index.js";
import { virtualTime } from "./helpers/fake-clock.js";
import { apiError, invalidClient, startScriptedServer, TOKEN_RATE_LIMITED, tokenOk, type ScriptedServer } from "./helpers/scripted-server.js";

/**
 * The canary: real-looking secrets are minted, every error path is driven over real sockets, and every place a
 * value could surface (message, hint, JSON.stringify, stack, cause, describeError, debug logs) is searched for the
 * secrets, the Authorization header, the access token and the request bodies. The redaction marker must not appear
 * either: that proves the messages are built without secrets, not merely scrubbed after the fact.
 */
const mint = (prefix: string) => `${prefix}${randomBytes(24).toString("base64url")}`;
const ADMIN_ID = "adm-7f3c2b1a-0000-4000-8000-00000000a11";
const ADMIN_SECRET = mint("adm");
const ACCESS_TOKEN = mint("tok");
const TARGET_ID = "0c5a7e91-2222-4333-8444-955566677788";
const REGENERATED_SECRET = mint("new");
const CREATED_SECRET = mint("cre");
const LEAKED_SECRET = mint("lkd");
const BODY_MARKER = `body-marker-${randomBytes(6).toString("hex")}`;
const SECRET_PATH = `/api/v2/oauth/clients/${TARGET_ID}/secret`;
const CLIENT_PATH = `/api/v2/oauth/clients/${TARGET_ID}`;
const POLICY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 100, maxRetryAfterSeconds: 5, jitter: "full" };

let server: ScriptedServer;
let lines: string[];
let caught: unknown[];

beforeEach(async () => {
  resetSecretRegistry();
  server = await startScriptedServer();
  lines = [];
  caught = [];
});
afterEach(async () => {
  await server.close();
});

function env(extra: Record<string, string> = {}): Record<string, string> {
  const port = new URL(server.url).port;
  return {
    GENESYSCLOUD_OAUTHCLIENT_ID: ADMIN_ID,
    GENESYSCLOUD_OAUTHCLIENT_SECRET: ADMIN_SECRET,
    GENESYSCLOUD_REGION: "us-east-1",
    GENESYSCLOUD_GATEWAY_HOST: "127.0.0.1",
    GENESYSCLOUD_GATEWAY_PORT: port,
    GENESYSCLOUD_GATEWAY_PROTOCOL: "http",
    ...extra,
  };
}

/** `timeoutMs` is short only for clients whose paths all end in a hang. */
function client(extraEnv: Record<string, string> = {}, timeoutMs = 2000): GenesysClient {
  const time = virtualTime();
  const logger = createLogger({ level: "debug", write: (line) => lines.push(line) });
  return createGenesysClient(genesysSettingsFromEnv(env(extraEnv)), { retryPolicy: POLICY, sleep: time.sleep, now: time.now, timeoutMs, logger });
}

async function capture(promise: Promise<unknown>): Promise<void> {
  try {
    await promise;
  } catch (err) {
    caught.push(err);
    return;
  }
  throw new Error("expected this path to fail");
}

function captureSync(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    caught.push(err);
    return;
  }
  throw new Error("expected this path to fail");
}

function everythingPrinted(): string {
  const parts: string[] = [...lines];
  for (const err of caught) {
    expect(err).toBeInstanceOf(KeywardError);
    const e = err as KeywardError;
    parts.push(e.message, e.hint ?? "", JSON.stringify(e), String(e), e.stack ?? "", describeError(e));
    const cause = (e as { cause?: unknown }).cause;
    if (cause !== undefined) parts.push(String(cause), JSON.stringify(cause), (cause as Error).stack ?? "");
  }
  return parts.join("\n");
}

function expectNothingSensitive(text: string): void {
  const basic = (id: string, secret: string) => Buffer.from(`${id}:${secret}`).toString("base64");
  const forbidden = [
    ADMIN_SECRET,
    basic(ADMIN_ID, ADMIN_SECRET),
    ACCESS_TOKEN,
    REGENERATED_SECRET,
    basic(TARGET_ID, REGENERATED_SECRET),
    CREATED_SECRET,
    LEAKED_SECRET,
    basic(TARGET_ID, LEAKED_SECRET),
    BODY_MARKER,
    "grant_type",
    "Bearer ",
    "Basic ",
    "uthorization",
    REDACTED,
  ];
  for (const value of forbidden) expect({ value, found: text.includes(value) }).toEqual({ value, found: false });
}

describe("secrets never reach errors or logs", () => {
  it("on every failure path of the admin client", async () => {
    // Token endpoint: bad admin credentials.
    server.on("POST", "/oauth/token", invalidClient(400));
    await capture(client().oauthClients.get(TARGET_ID));
    server.on("POST", "/oauth/token", invalidClient(401));
    await capture(client().oauthClients.get(TARGET_ID));
    // Token endpoint: its own rate limit until the attempts run out; 5xx; not JSON; no token.
    server.on("POST", "/oauth/token", TOKEN_RATE_LIMITED, TOKEN_RATE_LIMITED, TOKEN_RATE_LIMITED);
    await capture(client().oauthClients.get(TARGET_ID));
    server.on("POST", "/oauth/token", { status: 502 }, { status: 503 }, { status: 504 });
    await capture(client().oauthClients.get(TARGET_ID));
    server.on("POST", "/oauth/token", { status: 200, rawBody: "not json" });
    await capture(client().oauthClients.get(TARGET_ID));
    server.on("POST", "/oauth/token", { status: 200, body: { token_type: "bearer" } });
    await capture(client().oauthClients.get(TARGET_ID));

    // From here on the token endpoint works and hands out the canary access token.
    server.otherwise("POST", "/oauth/token", tokenOk(ACCESS_TOKEN));
    const genesys = client();
    const admin = genesys.oauthClients;

    server.on("GET", CLIENT_PATH, apiError(401, "bad.credentials", "Invalid login credentials."), apiError(401, "bad.credentials", "Invalid login credentials."));
    await capture(admin.get(TARGET_ID));
    server.on("GET", CLIENT_PATH, apiError(403, "missing.any.permissions", "You must have at least one of the following permissions assigned: [oauth:client:view]"));
    await capture(admin.get(TARGET_ID));
    server.on("GET", CLIENT_PATH, apiError(404, "not.found", "The requested resource was not found."));
    await capture(admin.get(TARGET_ID));
    server.on("GET", CLIENT_PATH, { status: 200, body: { id: TARGET_ID, name: "x", authorizedGrantType: "CLIENT-CREDENTIALS", state: "active", description: BODY_MARKER } });
    server.on("PUT", CLIENT_PATH, apiError(409, "conflict", "Conflict"));
    await capture(admin.setState(TARGET_ID, "disabled"));
    server.on("PUT", CLIENT_PATH, apiError(400, "invalid.value", "Value is not valid for field type"));
    await capture(admin.update(TARGET_ID, { name: "x", authorizedGrantType: "CLIENT-CREDENTIALS", description: BODY_MARKER }));
    server.on("GET", CLIENT_PATH, apiError(429, "too.many.requests", "Rate limit exceeded the maximum. Retry the request in [600] seconds"));
    await capture(admin.get(TARGET_ID));
    server.on("GET", CLIENT_PATH, { status: 500 }, { status: 500 }, { status: 500 });
    await capture(admin.get(TARGET_ID));
    server.on("GET", CLIENT_PATH, { status: 501 });
    await capture(admin.get(TARGET_ID));
    server.on("GET", CLIENT_PATH, { hang: true }, { hang: true }, { hang: true });
    await capture(client({}, 60).oauthClients.get(TARGET_ID));
    server.on("GET", CLIENT_PATH, { reset: true }, { reset: true }, { reset: true });
    await capture(admin.get(TARGET_ID));
    server.on("GET", CLIENT_PATH, { status: 200, rawBody: "<html>" });
    await capture(admin.get(TARGET_ID));
    server.on("GET", "/api/v2/oauth/clients", { status: 200, body: { nope: true } });
    await capture(admin.list());

    // Create: ambiguous and incomplete answers. The request body carries the marker.
    const request = { name: "canary", authorizedGrantType: "CLIENT-CREDENTIALS" as const, description: BODY_MARKER };
    server.on("POST", "/api/v2/oauth/clients", { hang: true });
    await capture(client({}, 60).oauthClients.create(request));
    server.on("POST", "/api/v2/oauth/clients", { status: 200, body: { id: "c-created", name: "canary", authorizedGrantType: "CLIENT-CREDENTIALS" } });
    await capture(admin.create(request));
    server.on("POST", "/api/v2/oauth/clients", { status: 200, body: { id: "c-created-2", name: "canary", authorizedGrantType: "CLIENT-CREDENTIALS", secret: CREATED_SECRET } });
    await admin.create(request);

    // Regenerate: a success, then every way it can fail.
    server.on("POST", SECRET_PATH, { status: 200, body: { id: TARGET_ID, name: "x", authorizedGrantType: "CLIENT-CREDENTIALS", secret: REGENERATED_SECRET } });
    await admin.regenerateSecret(TARGET_ID);
    server.on("POST", SECRET_PATH, { hang: true });
    await capture(client({}, 60).oauthClients.regenerateSecret(TARGET_ID));
    for (const failure of [{ reset: true }, { status: 500 }, { status: 503 }, { status: 200, body: { id: TARGET_ID } }, { status: 200, rawBody: "??" }]) {
      server.on("POST", SECRET_PATH, failure);
      await capture(admin.regenerateSecret(TARGET_ID));
    }
    server.on("POST", SECRET_PATH, apiError(403, "missing.any.permissions", "You must have at least one of the following permissions assigned: [oauth:client:edit]"));
    await capture(admin.regenerateSecret(TARGET_ID));

    // Delete refused.
    server.on("GET", CLIENT_PATH, { status: 200, body: { id: TARGET_ID, name: "x", authorizedGrantType: "CLIENT-CREDENTIALS", state: "inactive" } });
    server.on("DELETE", CLIENT_PATH, apiError(400, "cannot.delete.client", "Clients must be marked as inactive to be eligible for deletion."));
    await capture(admin.delete(TARGET_ID));

    // Nothing listening at all.
    const port = server.port;
    await server.close();
    await capture(client().oauthClients.regenerateSecret(TARGET_ID));
    server = await startScriptedServer();
    expect(port).toBeGreaterThan(0);

    expect(caught.length).toBeGreaterThanOrEqual(28);
    expectNothingSensitive(everythingPrinted());
  });

  it("when checking a leaked secret, whatever the answer", async () => {
    const logger = createLogger({ level: "debug", write: (line) => lines.push(line) });
    const time = virtualTime();
    const options = { sleep: time.sleep, now: time.now, timeoutMs: 2000, logger };
    const target = { loginBaseUrl: server.url, apiBaseUrl: server.url };
    server.on(
      "POST",
      "/oauth/token",
      tokenOk(ACCESS_TOKEN),
      invalidClient(401),
      TOKEN_RATE_LIMITED,
      TOKEN_RATE_LIMITED,
      TOKEN_RATE_LIMITED,
      { reset: true },
      { status: 500 },
      { status: 502 },
    );
    server.on("DELETE", "/api/v2/tokens/me", { status: 500 });
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await checkCredentials(TARGET_ID, LEAKED_SECRET, target, options));
    server.on("POST", "/oauth/token", { hang: true }, { hang: true }, { hang: true });
    results.push(await checkCredentials(TARGET_ID, LEAKED_SECRET, target, { ...options, timeoutMs: 60 }));
    expect(results).toEqual(["live", "dead", "unknown", "unknown", "unknown"]);
    expectNothingSensitive(everythingPrinted());
  });

  it("on configuration mistakes", () => {
    captureSync(() => genesysSettingsFromEnv({ GENESYSCLOUD_OAUTHCLIENT_SECRET: ADMIN_SECRET, GENESYSCLOUD_REGION: "us-east-1" }));
    captureSync(() => genesysSettingsFromEnv({ GENESYSCLOUD_OAUTHCLIENT_ID: ADMIN_ID, GENESYSCLOUD_OAUTHCLIENT_SECRET: ADMIN_SECRET, GENESYSCLOUD_REGION: "nowhere-1" }));
    captureSync(() => requireCredentials(genesysSettingsFromEnv({ GENESYSCLOUD_REGION: "us-east-1" })));
    resetSecretRegistry();
    // A credential pasted into the gateway host is not echoed, even though nothing registered it.
    captureSync(() => resolveEndpoints({ gateway: { host: `user:${LEAKED_SECRET}@gw.example.com` } }));
    captureSync(() => client({ GENESYSCLOUD_GATEWAY_HOST: `${LEAKED_SECRET}@gw` }).oauthClients);
    expectNothingSensitive(everythingPrinted());
  });

  it("even when Genesys Cloud echoes the credentials back in an error message", async () => {
    const basic = Buffer.from(`${ADMIN_ID}:${ADMIN_SECRET}`).toString("base64");
    server.on("POST", "/oauth/token", {
      status: 400,
      body: { error: "invalid_client", error_description: `bad client ${ADMIN_SECRET} from header Basic ${basic}` },
    });
    await capture(client().oauthClients.get(TARGET_ID));
    const text = everythingPrinted();
    expect(text).not.toContain(ADMIN_SECRET);
    expect(text).not.toContain(basic);
    expect(text).toContain(REDACTED);
  });
});
