import { createLogger } from "../../src/core/log.js";
import { GenesysApiError, RateGate, Transport, type RetryPolicy, type TransportOptions, type TransportRequest } from "../../src/genesys/index.js";
import { createFakeClock, flush, virtualTime, waitFor } from "./helpers/fake-clock.js";
import { apiError, startScriptedServer, TOKEN_RATE_LIMITED, tokenOk, type ScriptedServer } from "./helpers/scripted-server.js";

const POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 250, maxDelayMs: 10_000, maxRetryAfterSeconds: 60, jitter: "none" };
const ROUTE = "/api/v2/oauth/clients/{clientId}";
const PATH = "/api/v2/oauth/clients/c-1";

let server: ScriptedServer;
beforeEach(async () => {
  server = await startScriptedServer();
});
afterEach(async () => {
  await server.close();
});

function transport(overrides: TransportOptions = {}): { t: Transport; delays: number[]; now: () => number } {
  const time = virtualTime();
  const t = new Transport({ retryPolicy: POLICY, sleep: time.sleep, now: time.now, timeoutMs: 2000, ...overrides });
  return { t, delays: time.delays, now: time.now };
}

function get(extra: Partial<TransportRequest> = {}): TransportRequest {
  return { method: "GET", url: `${server.url}${PATH}`, route: ROUTE, endpoint: "api", clientId: "c-1", ...extra };
}

function regenerate(extra: Partial<TransportRequest> = {}): TransportRequest {
  return {
    method: "POST",
    url: `${server.url}/api/v2/oauth/clients/c-1/secret`,
    route: "/api/v2/oauth/clients/{clientId}/secret",
    endpoint: "api",
    clientId: "c-1",
    ...extra,
  };
}

async function rejection(promise: Promise<unknown>): Promise<GenesysApiError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(GenesysApiError);
    return err as GenesysApiError;
  }
  throw new Error("expected a GenesysApiError");
}

describe("the transport", () => {
  it("returns the parsed JSON body, the status and the ININ-Correlation-Id", async () => {
    server.on("GET", PATH, { status: 200, body: { id: "c-1", name: "x" }, correlationId: "corr-abc" });
    const { t } = transport();
    const response = await t.send(get());
    expect(response).toMatchObject({ status: 200, body: { id: "c-1", name: "x" }, correlationId: "corr-abc", attempts: 1 });
    expect(server.requests[0]?.headers.accept).toBe("application/json");
  });

  it("returns an undefined body for an empty answer", async () => {
    server.on("DELETE", PATH, { status: 204 });
    const { t } = transport();
    const response = await t.send(get({ method: "DELETE" }));
    expect(response.status).toBe(204);
    expect(response.body).toBeUndefined();
  });

  it("sends the method, headers and body it is given", async () => {
    server.on("PUT", PATH, { status: 200, body: {} });
    const { t } = transport();
    await t.send(get({ method: "PUT", headers: { "Content-Type": "application/json", "X-Test": "1" }, body: '{"a":1}' }));
    expect(server.requests[0]).toMatchObject({ method: "PUT", body: '{"a":1}' });
    expect(server.requests[0]?.headers["x-test"]).toBe("1");
  });

  it("fails a 2xx whose body is not JSON without retrying", async () => {
    server.on("GET", PATH, { status: 200, rawBody: "<html>proxy login</html>" });
    const { t } = transport();
    const err = await rejection(t.send(get()));
    expect(err.reason).toBe("invalid-response");
    expect(server.count("GET", PATH)).toBe(1);
  });

  it("does not follow redirects", async () => {
    server.on("GET", PATH, { status: 302, headers: { location: "https://elsewhere.example/steal" } });
    const { t } = transport();
    const err = await rejection(t.send(get()));
    expect(err.reason).toBe("invalid-response");
    expect(server.log()).toEqual([`GET ${PATH}`]);
  });

  it("returns a status it was told to accept instead of throwing", async () => {
    server.on("DELETE", PATH, apiError(404, "not.found", "The requested resource was not found."));
    const { t } = transport();
    const response = await t.send(get({ method: "DELETE", acceptStatus: [404] }));
    expect(response.status).toBe(404);
  });

  describe("on 429", () => {
    it("waits exactly the Retry-After before trying again", async () => {
      server.on("GET", PATH, apiError(429, "too.many.requests", "Rate limit exceeded", {}, { "retry-after": "7" }), { status: 200, body: { ok: true } });
      const { t, delays } = transport();
      const response = await t.send(get());
      expect(response.attempts).toBe(2);
      expect(delays).toEqual([7000]);
    });

    it("falls back to the seconds stated in the message when Retry-After is missing", async () => {
      server.on("GET", PATH, apiError(429, "too.many.requests", "Rate limit exceeded the maximum. Retry the request in [3] seconds"), { status: 200, body: {} });
      const { t, delays } = transport();
      await t.send(get());
      expect(delays).toEqual([3000]);
    });

    it("gives up when Retry-After is longer than the policy allows", async () => {
      server.on("GET", PATH, apiError(429, "too.many.requests", "Rate limit exceeded", {}, { "retry-after": "600" }));
      const { t, delays } = transport();
      const err = await rejection(t.send(get()));
      expect(err.reason).toBe("rate-limited");
      expect(err.retryAfterSeconds).toBe(600);
      expect(delays).toEqual([]);
      expect(server.count("GET", PATH)).toBe(1);
    });

    it("holds every other request behind the gate, not only the one that got it", async () => {
      const clock = createFakeClock();
      const gate = new RateGate(clock);
      const t = new Transport({ retryPolicy: POLICY, sleep: clock.sleep, now: clock.now, gate, timeoutMs: 2000 });
      server.on("GET", PATH, apiError(429, "too.many.requests", "slow down", {}, { "retry-after": "5" }), { status: 200, body: { first: true } });
      server.on("GET", "/api/v2/other", { status: 200, body: { second: true } });

      const first = t.send(get());
      await waitFor(() => clock.pending() === 1);
      expect(gate.pausedUntil).toBe(clock.now() + 5000);
      const second = t.send(get({ url: `${server.url}/api/v2/other`, route: "/api/v2/other" }));
      await flush();
      expect(clock.pending()).toBe(2);
      expect(server.count("GET", "/api/v2/other")).toBe(0);

      await clock.advance(5000);
      await expect(first).resolves.toMatchObject({ body: { first: true }, attempts: 2 });
      await expect(second).resolves.toMatchObject({ body: { second: true }, attempts: 1 });
    });
  });

  it("holds new requests until the reset once inin-ratelimit-count reaches the allowed count", async () => {
    server.on("GET", PATH, {
      status: 200,
      body: {},
      headers: { "inin-ratelimit-count": "300", "inin-ratelimit-allowed": "300", "inin-ratelimit-reset": "12" },
    });
    server.on("GET", PATH, { status: 200, body: {} });
    const { t, delays } = transport();
    await t.send(get());
    expect(delays).toEqual([]);
    await t.send(get());
    expect(delays).toEqual([12_000]);
  });

  it("retries the token endpoint's 400 rate limit with backoff", async () => {
    server.on("POST", "/oauth/token", TOKEN_RATE_LIMITED, TOKEN_RATE_LIMITED, tokenOk("tok-1"));
    const { t, delays } = transport();
    const response = await t.send({
      method: "POST",
      url: `${server.url}/oauth/token`,
      route: "/oauth/token",
      endpoint: "login",
      idempotent: true,
      body: "grant_type=client_credentials",
    });
    expect(response.attempts).toBe(3);
    expect(delays).toEqual([250, 500]);
  });

  it("does not mistake an API 400 for the token rate limit", async () => {
    server.on("POST", "/api/v2/x", { status: 400, body: TOKEN_RATE_LIMITED.body });
    const { t } = transport();
    const err = await rejection(t.send({ method: "POST", url: `${server.url}/api/v2/x`, route: "/api/v2/x", endpoint: "api", idempotent: true }));
    expect(err.reason).toBe("bad-request");
    expect(server.count("POST", "/api/v2/x")).toBe(1);
  });

  it("backs off exponentially on 5xx until it succeeds", async () => {
    server.on("GET", PATH, apiError(500, "internal.server.error", "x"), { status: 502 }, apiError(503, "service.unavailable", "x"), apiError(504, "request.timeout", "x"), {
      status: 200,
      body: { ok: 1 },
    });
    const { t, delays } = transport();
    const response = await t.send(get());
    expect(response.attempts).toBe(5);
    expect(delays).toEqual([250, 500, 1000, 2000]);
  });

  it("stops after the policy's attempts and throws the last error", async () => {
    server.otherwise("GET", PATH, apiError(503, "service.unavailable", "Service Unavailable"));
    const { t } = transport();
    const err = await rejection(t.send(get()));
    expect(err).toMatchObject({ reason: "server-error", status: 503, code: "service.unavailable", retryable: true });
    expect(server.count("GET", PATH)).toBe(5);
  });

  it("jitters the backoff with the injected random source", async () => {
    server.on("GET", PATH, { status: 500 }, { status: 500 }, { status: 200, body: {} });
    const { t, delays } = transport({ retryPolicy: { ...POLICY, jitter: "full" }, random: () => 0.5 });
    await t.send(get());
    expect(delays).toEqual([125, 250]);
  });

  it("fails fast on other 4xx", async () => {
    for (const [status, reason] of [
      [400, "bad-request"],
      [401, "unauthorized"],
      [403, "forbidden"],
      [404, "not-found"],
      [409, "conflict"],
    ] as const) {
      server.on("GET", PATH, apiError(status, "some.code", "nope"));
      const { t, delays } = transport();
      const err = await rejection(t.send(get()));
      expect(err.reason).toBe(reason);
      expect(delays).toEqual([]);
    }
    expect(server.count("GET", PATH)).toBe(5);
  });

  it("retries a reset connection", async () => {
    server.on("GET", PATH, { reset: true }, { status: 200, body: { ok: true } });
    const { t, delays } = transport();
    const response = await t.send(get());
    expect(response.attempts).toBe(2);
    expect(delays).toEqual([250]);
  });

  it("times an attempt out and retries it", async () => {
    server.on("GET", PATH, { hang: true }, { status: 200, body: { ok: true } });
    // The second attempt must answer within the timeout on a busy machine too: only the hanging one may reach it.
    const { t, delays } = transport({ timeoutMs: 2000 });
    const response = await t.send(get());
    expect(response.attempts).toBe(2);
    expect(delays).toEqual([250]);
  });

  it("reports a timeout with status 0 once the attempts are used up", async () => {
    server.otherwise("GET", PATH, { hang: true });
    const { t } = transport({ timeoutMs: 50, retryPolicy: { ...POLICY, maxAttempts: 2 } });
    const err = await rejection(t.send(get()));
    expect(err).toMatchObject({ reason: "timeout", status: 0, retryable: true });
    expect(err.message).toContain("timed out after 50 ms");
  });

  it("retries a refused connection and then reports the host unreachable", async () => {
    const url = server.url;
    await server.close();
    let calls = 0;
    const { t } = transport({
      retryPolicy: { ...POLICY, maxAttempts: 3 },
      fetch: (input, init) => {
        calls++;
        return fetch(input, init);
      },
    });
    const err = await rejection(t.send({ ...get(), url: `${url}${PATH}` }));
    expect(err).toMatchObject({ reason: "unreachable", status: 0, code: "ECONNREFUSED", mayHaveTakenEffect: false });
    expect(calls).toBe(3);
    server = await startScriptedServer();
  });

  describe("for a non-idempotent request", () => {
    it("does not retry a reset connection: the server may have acted", async () => {
      server.on("POST", "/api/v2/oauth/clients/c-1/secret", { reset: true }, { status: 200, body: { id: "c-1", secret: "never-seen" } });
      const { t } = transport();
      const err = await rejection(t.send(regenerate()));
      expect(err).toMatchObject({ reason: "unreachable", mayHaveTakenEffect: true, retryable: false });
      expect(server.count("POST", "/api/v2/oauth/clients/c-1/secret")).toBe(1);
    });

    it("does not retry a timeout", async () => {
      server.on("POST", "/api/v2/oauth/clients/c-1/secret", { hang: true });
      // Long enough for the request to reach the server on a busy machine: the point is that it is sent once.
      const { t } = transport({ timeoutMs: 1000 });
      const err = await rejection(t.send(regenerate()));
      expect(err).toMatchObject({ reason: "timeout", mayHaveTakenEffect: true, retryable: false });
      expect(server.count("POST", "/api/v2/oauth/clients/c-1/secret")).toBe(1);
    });

    it("does not retry a 5xx, 503 included", async () => {
      for (const status of [500, 502, 503, 504]) {
        server.on("POST", "/api/v2/oauth/clients/c-1/secret", { status, headers: { "retry-after": "1" } });
        const { t } = transport();
        const err = await rejection(t.send(regenerate({ ambiguousHint: "check first" })));
        expect(err).toMatchObject({ reason: "server-error", mayHaveTakenEffect: true, retryable: false, hint: "check first" });
      }
      expect(server.count("POST", "/api/v2/oauth/clients/c-1/secret")).toBe(4);
    });

    it("retries a 429: the server refused it before acting", async () => {
      server.on("POST", "/api/v2/oauth/clients/c-1/secret", apiError(429, "too.many.requests", "x", {}, { "retry-after": "2" }), { status: 200, body: { id: "c-1", secret: "s" } });
      const { t, delays } = transport();
      const response = await t.send(regenerate());
      expect(response.attempts).toBe(2);
      expect(delays).toEqual([2000]);
    });

    it("retries a connection that was never established", async () => {
      const url = server.url;
      await server.close();
      let calls = 0;
      const { t } = transport({
        retryPolicy: { ...POLICY, maxAttempts: 3 },
        fetch: (input, init) => {
          calls++;
          return fetch(input, init);
        },
      });
      const err = await rejection(t.send({ ...regenerate(), url: `${url}/api/v2/oauth/clients/c-1/secret` }));
      expect(err).toMatchObject({ reason: "unreachable", mayHaveTakenEffect: false, retryable: true });
      expect(calls).toBe(3);
      server = await startScriptedServer();
    });
  });

  it("logs method, route template, status, attempt and correlation id at debug level only", async () => {
    server.on("GET", PATH, { status: 500, correlationId: "corr-1" }, { status: 200, body: { secretish: "response-body-value" }, correlationId: "corr-2" });
    const lines: string[] = [];
    const logger = createLogger({ level: "debug", write: (line) => lines.push(line) });
    const { t } = transport({ logger });
    await t.send(get({ url: `${server.url}${PATH}?q=query-value`, headers: { Authorization: "Bearer header-value-123" }, body: undefined }));
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.every((r) => r.level === "debug")).toBe(true);
    expect(records).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ msg: "genesys response", method: "GET", route: ROUTE, status: 500, attempt: 1, correlationId: "corr-1", clientId: "c-1" }),
        expect.objectContaining({ msg: "genesys retry", attempt: 1, reason: "server-error", delayMs: 250 }),
        expect.objectContaining({ msg: "genesys response", status: 200, attempt: 2, correlationId: "corr-2" }),
      ]),
    );
    const all = lines.join("\n");
    for (const value of ["header-value-123", "response-body-value", "query-value", server.url]) expect(all).not.toContain(value);
  });

  it("logs nothing by default", async () => {
    server.on("GET", PATH, { status: 200, body: {} });
    const writes: string[] = [];
    const original = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => {
      writes.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      await new Transport().send(get());
    } finally {
      process.stderr.write = original;
    }
    expect(writes.filter((w) => w.includes("genesys"))).toEqual([]);
  });
});
