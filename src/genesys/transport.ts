import { KeywardError } from "../core/errors.js";
import { silentLogger, type Logger } from "../core/log.js";
import { isTokenRateLimit, summarizeErrorBody } from "./error-body.js";
import { errorFromException, errorFromStatus, GenesysApiError, invalidResponseError, type RequestContext } from "./errors.js";
import { classifyException } from "./network-failure.js";
import { RateGate } from "./rate-gate.js";
import { decideRetry, DEFAULT_RETRY_POLICY, parseRetryAfter, retryAfterFromMessage, type AttemptFailure, type RetryPolicy } from "./retry.js";

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export const DEFAULT_TIMEOUT_MS = 15_000;
/** Bodies past this size are refused (a Genesys Cloud answer is a few KiB; a 700 MB one must not fill memory). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The run's overall deadline passed (`KEYWARD_DEADLINE_SECONDS`): no new request is started. */
export class DeadlineError extends KeywardError {
  constructor(operation: string) {
    super(`${operation} was not started: the run's deadline passed`, {
      reason: "deadline",
      hint: "raise KEYWARD_DEADLINE_SECONDS, lower the fleet size per run, or find out what made the run this slow (rate limits, timeouts)",
    });
  }
}

export interface TransportOptions {
  /** Node's global fetch by default. */
  fetch?: FetchLike;
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1); drives backoff jitter. */
  random?: () => number;
  /** Epoch ms; used for HTTP-date Retry-After values and gate pauses. */
  now?: () => number;
  logger?: Logger;
  retryPolicy?: RetryPolicy;
  /** Per attempt, in ms. */
  timeoutMs?: number;
  /** Shared with every other client that uses the same admin credentials. */
  gate?: RateGate;
  /** Epoch ms after which no request is started (DeadlineError); rate-limit pauses end there too. */
  deadline?: number;
  /** Largest response body accepted, in bytes (1 MiB by default). */
  maxBodyBytes?: number;
}

export interface TransportRequest {
  method: HttpMethod;
  url: string;
  /** The route template for logs and errors, e.g. `/api/v2/oauth/clients/{clientId}`. */
  route: string;
  endpoint: "login" | "api";
  headers?: Record<string, string>;
  body?: string;
  /**
   * Whether the request may be repeated after it may have reached the server. Defaults to true except for POST.
   * Non-idempotent requests are retried only when the failure proves the server did not act (see retry.ts).
   */
  idempotent?: boolean;
  /** The OAuth client the request is about, for logs and error messages (an id, never a secret). */
  clientId?: string;
  /** Hint of the error when a non-idempotent request failed and may still have taken effect. */
  ambiguousHint?: string;
  /** Overrides the transport's policy for this request. */
  retryPolicy?: RetryPolicy;
  /** Non-2xx statuses returned as responses instead of thrown (e.g. 404 for a DELETE that may repeat). */
  acceptStatus?: readonly number[];
  /**
   * Epoch ms after which this request is not started (DeadlineError): checked before every attempt, and a rate-limit
   * pause that would end after it is not waited for.
   */
  notAfter?: number;
  /**
   * Called right before every attempt is sent, after any rate-limit pause: throwing stops the request unsent. A
   * rotation checks there that it may still start its regenerate (no signal, enough time left).
   */
  beforeSend?: () => void;
}

export interface TransportResponse<T = unknown> {
  status: number;
  /** Parsed JSON, or undefined for an empty body. */
  body: T | undefined;
  headers: Headers;
  correlationId: string | undefined;
  attempts: number;
}

const NOT_JSON = Symbol("not json");

/**
 * Sends one logical request to Genesys Cloud: waits at the rate gate, runs each attempt under its own timeout,
 * parses JSON, captures `ININ-Correlation-Id`, maps failures to GenesysApiError and retries as `decideRetry` says.
 * Logs (debug only) carry method, route template, status, attempt, correlation id and timing: never headers,
 * bodies or URLs with values in them.
 */
export class Transport {
  readonly gate: RateGate;
  private readonly fetchFn: FetchLike;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly logger: Logger;
  private readonly retryPolicy: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly deadline: number;
  private readonly maxBodyBytes: number;

  constructor(options: TransportOptions = {}) {
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
    this.sleep = options.sleep ?? ((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.logger = options.logger ?? silentLogger;
    this.retryPolicy = options.retryPolicy ?? DEFAULT_RETRY_POLICY;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.gate = options.gate ?? new RateGate({ now: this.now, sleep: this.sleep });
    this.deadline = options.deadline ?? Number.POSITIVE_INFINITY;
    this.maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  }

  async send<T = unknown>(request: TransportRequest): Promise<TransportResponse<T>> {
    const policy = request.retryPolicy ?? this.retryPolicy;
    const idempotent = request.idempotent ?? request.method !== "POST";
    const ctx: RequestContext = {
      operation: `${request.method} ${request.route}`,
      endpoint: request.endpoint,
      host: new URL(request.url).host,
      idempotent,
      timeoutMs: this.timeoutMs,
      ...(request.clientId !== undefined ? { clientId: request.clientId } : {}),
      ...(request.ambiguousHint !== undefined ? { ambiguousHint: request.ambiguousHint } : {}),
    };
    const fields = { method: request.method, route: request.route, ...(request.clientId !== undefined ? { clientId: request.clientId } : {}) };

    for (let attempt = 1; ; attempt++) {
      const notAfter = Math.min(this.deadline, request.notAfter ?? Number.POSITIVE_INFINITY);
      if (this.now() >= notAfter) throw new DeadlineError(ctx.operation);
      if (this.gate.pausedUntil > notAfter) throw new DeadlineError(ctx.operation);
      await this.gate.acquire();
      request.beforeSend?.();
      const started = this.now();
      let failure: AttemptFailure;
      let error: GenesysApiError;
      try {
        const response = await this.fetchFn(request.url, {
          method: request.method,
          headers: { Accept: "application/json", ...request.headers },
          ...(request.body !== undefined ? { body: request.body } : {}),
          redirect: "manual",
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        this.gate.observe(response.headers);
        const correlationId = response.headers.get("inin-correlation-id")?.trim() || undefined;
        const text = await readLimited(response, this.maxBodyBytes);
        if (text === undefined)
          throw invalidResponseError(ctx, response.status, `its body is larger than ${Math.round(this.maxBodyBytes / 1024)} KiB (refused unread)`, correlationId);
        const parsed = parseJson(text);
        const status = response.status;
        this.logger.debug("genesys response", { ...fields, status, attempt, correlationId, durationMs: this.now() - started });
        if ((status >= 200 && status < 300) || request.acceptStatus?.includes(status)) {
          const ok = status >= 200 && status < 300;
          if (parsed === NOT_JSON && ok) throw invalidResponseError(ctx, status, "its body is not JSON", correlationId);
          const body = parsed === NOT_JSON ? undefined : (parsed as T | undefined);
          return { status, body, headers: response.headers, correlationId, attempts: attempt };
        }
        const body = parsed === NOT_JSON ? undefined : parsed;
        failure = {
          kind: "status",
          status,
          ...retryAfterOf(response.headers, status, body, this.now()),
          ...(request.endpoint === "login" && isTokenRateLimit(status, body) ? { tokenRateLimited: true } : {}),
        };
        error = errorFromStatus(ctx, failure, body, correlationId);
      } catch (thrown) {
        if (thrown instanceof GenesysApiError) throw thrown;
        const classified = classifyException(thrown);
        failure = classified.failure;
        error = errorFromException(ctx, classified.failure, classified.code);
        this.logger.debug("genesys request failed", { ...fields, status: 0, attempt, code: classified.code, durationMs: this.now() - started });
      }

      const decision = decideRetry(policy, attempt, { ...failure, idempotent }, this.random);
      if (!decision.retry) {
        this.logger.debug("genesys giving up", { ...fields, attempt, reason: error.reason, status: error.status, correlationId: error.correlationId });
        throw error;
      }
      this.logger.debug("genesys retry", { ...fields, attempt, reason: error.reason, delayMs: decision.delayMs });
      if (failure.kind === "status" && failure.status === 429) {
        // Every request behind this gate waits, not only this one.
        this.gate.pauseUntil(this.now() + decision.delayMs);
      } else {
        await this.sleep(decision.delayMs);
      }
    }
  }
}

/** The body as text, or undefined once it grows past `limit` bytes (the rest is not read). */
async function readLimited(response: Response, limit: number): Promise<string | undefined> {
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel().catch(() => undefined);
    return undefined;
  }
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function parseJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  }
}

function retryAfterOf(headers: Headers, status: number, body: unknown, now: number): { retryAfterSeconds?: number } {
  const fromHeader = parseRetryAfter(headers.get("retry-after"), now);
  if (fromHeader !== undefined) return { retryAfterSeconds: fromHeader };
  // A 429, or the token endpoint's own limit (400 "rate limit exceeded; … retry the request in [N] seconds").
  if (status !== 429 && !isTokenRateLimit(status, body)) return {};
  const fromBody = retryAfterFromMessage(summarizeErrorBody(body).message);
  return fromBody !== undefined ? { retryAfterSeconds: fromBody } : {};
}
