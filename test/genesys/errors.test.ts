import { ExitCode } from "../../src/core/exit-codes.js";
import { errorFromException, errorFromStatus, invalidResponseError, type RequestContext } from "../../src/genesys/errors.js";
import { isTokenRateLimit, summarizeErrorBody } from "../../src/genesys/error-body.js";
import { GenesysApiError, permissionsIn, reasonFor } from "../../src/genesys/index.js";
import { classifyException } from "../../src/genesys/network-failure.js";
import type { AttemptFailure } from "../../src/genesys/retry.js";

const CLIENT_ID = "7c1e2a4b-1111-4222-8333-944455566677";

const tokenCtx: RequestContext = { operation: "POST /oauth/token", endpoint: "login", host: "login.mypurecloud.com", idempotent: true, timeoutMs: 15000 };
const getCtx: RequestContext = {
  operation: "GET /api/v2/oauth/clients/{clientId}",
  endpoint: "api",
  host: "api.mypurecloud.com",
  idempotent: true,
  timeoutMs: 15000,
  clientId: CLIENT_ID,
};
const regenerateCtx: RequestContext = {
  operation: "POST /api/v2/oauth/clients/{clientId}/secret",
  endpoint: "api",
  host: "api.mypurecloud.com",
  idempotent: false,
  timeoutMs: 15000,
  clientId: CLIENT_ID,
  ambiguousHint: "The secret may have been regenerated: check the current secret first.",
};

function status(code: number, extra: Partial<Extract<AttemptFailure, { kind: "status" }>> = {}): Extract<AttemptFailure, { kind: "status" }> {
  return { kind: "status", status: code, ...extra };
}

/** Real-shaped bodies (reference §1, §4). */
const SAMPLES = {
  invalidClient: { error: "invalid_client", description: "authentication failed", error_description: "authentication failed" },
  tokenRateLimit: { error: "invalid_request", description: "rate limit exceeded; try later", error_description: "rate limit exceeded; try later" },
  invalidGrant: { error: "unsupported_grant_type", description: "grant type not supported", error_description: "grant type not supported" },
  badCredentials: { message: "Invalid login credentials.", code: "bad.credentials", status: 401 },
  credentialsExpired: { message: "The supplied credentials are expired and cannot be used.", code: "credentials.expired", status: 401 },
  missingPermissions: {
    message: "Unable to perform the requested action. You must have at least one of the following permissions assigned: [oauth:client:edit]",
    code: "missing.any.permissions",
    status: 403,
    messageWithParams: "Unable to perform the requested action. You must have at least one of the following permissions assigned: {permissions}",
    messageParams: { permissions: "[oauth:client:edit]" },
    contextId: "3f4ad0a5-5d9e-4b2a-9a3a-1a2b3c4d5e6f",
    details: [],
    errors: [],
  },
  notFound: { message: "The requested resource was not found.", code: "not.found", status: 404, contextId: "ctx-404" },
  conflict: { message: "Conflict", code: "conflict", status: 409 },
  cannotDelete: { message: "Clients must be marked as inactive to be eligible for deletion.", code: "cannot.delete.client", status: 400 },
  tooMany: {
    message: "Rate limit exceeded the maximum. Retry the request in [25] seconds",
    code: "too.many.requests",
    status: 429,
    messageParams: {},
    contextId: "ctx-429",
    details: [],
    errors: [],
  },
  internal: { message: "The server encountered an unexpected condition.", code: "internal.server.error", status: 500 },
  unavailable: { message: "Service Unavailable", code: "service.unavailable", status: 503 },
};

describe("errors from responses", () => {
  it.each([
    // [case, ctx, failure, body, reason, retryable, exit code]
    ["token 400 invalid_client", tokenCtx, status(400), SAMPLES.invalidClient, "invalid-client", false, ExitCode.Usage],
    ["token 401 invalid_client", tokenCtx, status(401), SAMPLES.invalidClient, "invalid-client", false, ExitCode.Usage],
    ["token 401 without a body", tokenCtx, status(401), undefined, "invalid-client", false, ExitCode.Usage],
    ["token 400 rate limit", tokenCtx, status(400, { tokenRateLimited: true }), SAMPLES.tokenRateLimit, "token-rate-limited", true, ExitCode.Failed],
    ["token 400 other error", tokenCtx, status(400), SAMPLES.invalidGrant, "bad-request", false, ExitCode.Failed],
    ["token 503", tokenCtx, status(503), undefined, "server-error", true, ExitCode.Failed],
    ["API 401 bad.credentials", getCtx, status(401), SAMPLES.badCredentials, "unauthorized", false, ExitCode.Usage],
    ["API 401 credentials.expired", getCtx, status(401), SAMPLES.credentialsExpired, "unauthorized", false, ExitCode.Usage],
    ["API 403 missing.any.permissions", getCtx, status(403), SAMPLES.missingPermissions, "forbidden", false, ExitCode.Usage],
    ["API 404 not.found", getCtx, status(404), SAMPLES.notFound, "not-found", false, ExitCode.Failed],
    ["API 410", getCtx, status(410), undefined, "not-found", false, ExitCode.Failed],
    ["API 409", getCtx, status(409), SAMPLES.conflict, "conflict", false, ExitCode.Failed],
    ["API 400 cannot.delete.client", getCtx, status(400), SAMPLES.cannotDelete, "bad-request", false, ExitCode.Failed],
    ["API 415", getCtx, status(415), undefined, "bad-request", false, ExitCode.Failed],
    ["API 408", getCtx, status(408), undefined, "timeout", true, ExitCode.Failed],
    ["API 429", getCtx, status(429, { retryAfterSeconds: 25 }), SAMPLES.tooMany, "rate-limited", true, ExitCode.Failed],
    ["API 500", getCtx, status(500), SAMPLES.internal, "server-error", true, ExitCode.Failed],
    ["API 501", getCtx, status(501), undefined, "server-error", false, ExitCode.Failed],
    ["API 503", getCtx, status(503), SAMPLES.unavailable, "server-error", true, ExitCode.Failed],
    ["API 302", getCtx, status(302), undefined, "invalid-response", false, ExitCode.Failed],
  ] as const)("map %s", (_case, ctx, failure, body, reason, retryable, exitCode) => {
    const err = errorFromStatus(ctx, failure, body, undefined);
    expect(err).toBeInstanceOf(GenesysApiError);
    expect(err.reason).toBe(reason);
    expect(err.retryable).toBe(retryable);
    expect(err.exitCode).toBe(exitCode);
    expect(err.status).toBe(failure.status);
    expect(err.operation).toBe(ctx.operation);
    expect(err.hint).toBeTruthy();
  });

  it("take the code from ErrorBody.code or AuthErrorBody.error", () => {
    expect(errorFromStatus(getCtx, status(404), SAMPLES.notFound, undefined).code).toBe("not.found");
    expect(errorFromStatus(tokenCtx, status(400), SAMPLES.invalidClient, undefined).code).toBe("invalid_client");
  });

  it("prefer the ININ-Correlation-Id header and fall back to contextId", () => {
    expect(errorFromStatus(getCtx, status(404), SAMPLES.notFound, "hdr-corr").correlationId).toBe("hdr-corr");
    expect(errorFromStatus(getCtx, status(404), SAMPLES.notFound, null).correlationId).toBe("ctx-404");
    expect(errorFromStatus(getCtx, status(409), SAMPLES.conflict, undefined).correlationId).toBeUndefined();
  });

  it("say what failed, with status, code, Genesys's message and the correlation id", () => {
    const err = errorFromStatus(getCtx, status(404), SAMPLES.notFound, "corr-1");
    expect(err.message).toBe(
      `Genesys Cloud request GET /api/v2/oauth/clients/{clientId} for OAuth client ${CLIENT_ID} failed with 404 not.found: "The requested resource was not found." (correlation id corr-1)`,
    );
  });

  it("keep the Retry-After seconds of a 429", () => {
    expect(errorFromStatus(getCtx, status(429, { retryAfterSeconds: 25 }), SAMPLES.tooMany, undefined).retryAfterSeconds).toBe(25);
  });

  it("point a bad admin secret at the credential and region variables", () => {
    const hint = errorFromStatus(tokenCtx, status(400), SAMPLES.invalidClient, undefined).hint ?? "";
    expect(hint).toContain("GENESYSCLOUD_OAUTHCLIENT_ID");
    expect(hint).toContain("GENESYSCLOUD_OAUTHCLIENT_SECRET");
    expect(hint).toContain("GENESYSCLOUD_REGION");
  });

  it("point a 401 from the API at the credential and region variables", () => {
    const hint = errorFromStatus(getCtx, status(401), SAMPLES.badCredentials, undefined).hint ?? "";
    expect(hint).toMatch(/GENESYSCLOUD_OAUTHCLIENT_ID.*GENESYSCLOUD_OAUTHCLIENT_SECRET.*GENESYSCLOUD_REGION/);
  });

  it("name the missing permission of a 403 in the hint", () => {
    expect(errorFromStatus(getCtx, status(403), SAMPLES.missingPermissions, undefined).hint).toContain("oauth:client:edit");
    // A 403 that names no permission: the one the route needs (reference §2).
    expect(errorFromStatus(getCtx, status(403), { code: "not.authorized" }, undefined).hint).toContain("oauth:client:view (what GET /api/v2/oauth/clients/{clientId} needs)");
  });

  it("name the client id of a 404 in the hint", () => {
    expect(errorFromStatus(getCtx, status(404), SAMPLES.notFound, undefined).hint).toContain(CLIENT_ID);
  });

  it("suggest lowering --concurrency on a 429", () => {
    expect(errorFromStatus(getCtx, status(429), SAMPLES.tooMany, undefined).hint).toContain("--concurrency");
  });

  it("say a 5xx on a regenerate may have taken effect, is not retryable, and say how to find out", () => {
    const err = errorFromStatus(regenerateCtx, status(503), SAMPLES.unavailable, undefined);
    expect(err.mayHaveTakenEffect).toBe(true);
    expect(err.retryable).toBe(false);
    expect(err.hint).toBe(regenerateCtx.ambiguousHint);
  });

  it("keep a 429 on a regenerate retryable: the server did not act on it", () => {
    const err = errorFromStatus(regenerateCtx, status(429), SAMPLES.tooMany, undefined);
    expect(err.mayHaveTakenEffect).toBe(false);
    expect(err.retryable).toBe(true);
  });

  it("ignore bodies that are not objects", () => {
    for (const body of [undefined, null, "oops", 42, ["a"]]) {
      const err = errorFromStatus(getCtx, status(500), body, undefined);
      expect(err.code).toBeUndefined();
      expect(err.message).toBe(`Genesys Cloud request GET /api/v2/oauth/clients/{clientId} for OAuth client ${CLIENT_ID} failed with 500`);
    }
  });

  it("shorten a long server message to one line", () => {
    const err = errorFromStatus(getCtx, status(400), { code: "bad.request", message: `line\n${"x".repeat(1000)}` }, undefined);
    expect(err.message.length).toBeLessThan(500);
    expect(err.message).not.toContain("\n");
  });
});

describe("errors from network failures", () => {
  it("call a refused connection unreachable, with status 0 and a hint about region and gateway", () => {
    const err = errorFromException(getCtx, { kind: "connect-failed" }, "ECONNREFUSED");
    expect(err.reason).toBe("unreachable");
    expect(err.status).toBe(0);
    expect(err.retryable).toBe(true);
    expect(err.mayHaveTakenEffect).toBe(false);
    expect(err.message).toContain("could not connect to api.mypurecloud.com (ECONNREFUSED)");
    expect(err.hint).toContain("GENESYSCLOUD_REGION");
    expect(err.hint).toContain("GENESYSCLOUD_GATEWAY_");
  });

  it("call a timeout a timeout and say how long was waited", () => {
    const err = errorFromException(getCtx, { kind: "timeout" }, "TimeoutError");
    expect(err.reason).toBe("timeout");
    expect(err.message).toContain("timed out after 15000 ms");
    expect(err.retryable).toBe(true);
  });

  it("make a lost connection on a regenerate not retryable", () => {
    const err = errorFromException(regenerateCtx, { kind: "connection-lost" }, "UND_ERR_SOCKET");
    expect(err.reason).toBe("unreachable");
    expect(err.retryable).toBe(false);
    expect(err.mayHaveTakenEffect).toBe(true);
    expect(err.hint).toBe(regenerateCtx.ambiguousHint);
  });

  it("make a TLS failure not retryable", () => {
    const err = errorFromException(getCtx, { kind: "connect-failed", permanent: true }, "CERT_HAS_EXPIRED");
    expect(err.retryable).toBe(false);
    expect(err.hint).toContain("TLS");
  });

  it("attach only a code as the cause", () => {
    const err = errorFromException(getCtx, { kind: "connect-failed" }, "ECONNREFUSED");
    expect((err.cause as Error).message).toBe("ECONNREFUSED");
  });
});

describe("invalid responses", () => {
  it("are not retryable and may have taken effect", () => {
    const err = invalidResponseError(regenerateCtx, 200, "it holds no secret", "c-1");
    expect(err.reason).toBe("invalid-response");
    expect(err.mayHaveTakenEffect).toBe(true);
    expect(err.retryable).toBe(false);
    expect(err.message).toContain("returned 200 but it holds no secret (correlation id c-1)");
  });
});

describe("reasonFor", () => {
  it("treats the token endpoint's unauthorized_client as invalid credentials", () => {
    expect(reasonFor(status(400), "login", "unauthorized_client")).toBe("invalid-client");
  });
  it("does not treat an API 400 invalid_client as a login failure", () => {
    expect(reasonFor(status(400), "api", "invalid_client")).toBe("bad-request");
  });
});

describe("error bodies", () => {
  it("summarise an AuthErrorBody and an ErrorBody alike", () => {
    expect(summarizeErrorBody(SAMPLES.invalidClient)).toEqual({ code: "invalid_client", message: "authentication failed" });
    expect(summarizeErrorBody(SAMPLES.notFound)).toEqual({ code: "not.found", message: "The requested resource was not found.", contextId: "ctx-404" });
  });

  it("recognise the token endpoint's rate limit only as 400 invalid_request 'rate limit exceeded'", () => {
    expect(isTokenRateLimit(400, SAMPLES.tokenRateLimit)).toBe(true);
    expect(isTokenRateLimit(400, { error: "invalid_request", description: "Rate limit exceeded; x" })).toBe(true);
    expect(isTokenRateLimit(429, SAMPLES.tokenRateLimit)).toBe(false);
    expect(isTokenRateLimit(400, { error: "invalid_request", error_description: "missing grant_type" })).toBe(false);
    expect(isTokenRateLimit(400, SAMPLES.invalidClient)).toBe(false);
    expect(isTokenRateLimit(400, undefined)).toBe(false);
  });

  it("find permission names in a 403 message", () => {
    expect(permissionsIn(SAMPLES.missingPermissions.message)).toEqual(["oauth:client:edit"]);
    expect(permissionsIn("need oauth:client:add, oauth:client:edit or oauth:client:add")).toEqual(["oauth:client:add", "oauth:client:edit"]);
    expect(permissionsIn(undefined)).toEqual([]);
  });
});

describe("fetch failures", () => {
  const fetchFailed = (cause: unknown) => new TypeError("fetch failed", { cause });
  const coded = (code: string) => Object.assign(new Error(`boom ${code}`), { code });

  it.each([
    ["ECONNREFUSED", { kind: "connect-failed" }],
    ["ENOTFOUND", { kind: "connect-failed" }],
    ["EAI_AGAIN", { kind: "connect-failed" }],
    ["EHOSTUNREACH", { kind: "connect-failed" }],
    ["UND_ERR_CONNECT_TIMEOUT", { kind: "connect-failed" }],
    ["CERT_HAS_EXPIRED", { kind: "connect-failed", permanent: true }],
    ["ERR_TLS_CERT_ALTNAME_INVALID", { kind: "connect-failed", permanent: true }],
    ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", { kind: "connect-failed", permanent: true }],
    ["ECONNRESET", { kind: "connection-lost" }],
    ["UND_ERR_SOCKET", { kind: "connection-lost" }],
    ["EPIPE", { kind: "connection-lost" }],
  ])("classify %s", (code, failure) => {
    expect(classifyException(fetchFailed(coded(code)))).toEqual({ failure, code });
  });

  it("find the code inside an AggregateError of several addresses", () => {
    const aggregate = new AggregateError([coded("ECONNREFUSED"), coded("ECONNREFUSED")], "all failed");
    expect(classifyException(fetchFailed(aggregate)).failure).toEqual({ kind: "connect-failed" });
  });

  it("classify an AbortSignal timeout as a timeout", () => {
    expect(classifyException(new DOMException("The operation was aborted due to timeout", "TimeoutError"))).toEqual({
      failure: { kind: "timeout" },
      code: "TimeoutError",
    });
  });

  it("treat anything unknown as a connection lost mid-request", () => {
    expect(classifyException(new Error("weird"))).toEqual({ failure: { kind: "connection-lost" }, code: "Error" });
    expect(classifyException("string thrown")).toEqual({ failure: { kind: "connection-lost" }, code: "Error" });
  });
});
