import { KeywardError } from "../core/errors.js";
import { registerSecret } from "../core/redact.js";
import { decideRetry, parseRetryAfter, type AttemptFailure, type RetryPolicy } from "../genesys/retry.js";

export const DEFAULT_SLACK_API_URL = "https://slack.com/api/";

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export const SLACK_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({ maxAttempts: 3, baseDelayMs: 250, maxDelayMs: 2_000, maxRetryAfterSeconds: 5, jitter: "full" });

/** A Slack Web API failure: HTTP status, or Slack's `error` string from a 200 `{ok:false}` answer. */
export class SlackError extends KeywardError {
  readonly slackError: string;
  constructor(method: string, slackError: string, retryable: boolean, cause?: unknown) {
    super(`Slack ${method} failed: ${slackError}`, { reason: slackError === "users_not_found" ? "slack-user-not-found" : "slack-error", retryable, ...(cause !== undefined ? { cause } : {}) });
    this.slackError = slackError;
  }
}

export interface SlackClientOptions {
  /** `SLACK_API_URL`, with a trailing slash: method names are appended. */
  baseUrl?: string;
  token: string;
  fetch?: FetchLike;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  retryPolicy?: RetryPolicy;
  timeoutMs?: number;
}

export interface SlackMessage {
  text: string;
  blocks?: unknown[];
}

export interface SlackClient {
  /** `users.lookupByEmail`: the user id, or undefined when no user has that email. */
  lookupByEmail(email: string): Promise<string | undefined>;
  /** `conversations.open` + `chat.postMessage` to a user. */
  directMessage(userId: string, message: SlackMessage): Promise<void>;
  /** `chat.postMessage` to a channel (id or name). */
  postMessage(channel: string, message: SlackMessage): Promise<void>;
}

export function createSlackClient(options: SlackClientOptions): SlackClient {
  const base = (options.baseUrl ?? DEFAULT_SLACK_API_URL).replace(/\/*$/, "/");
  registerSecret(options.token);
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const sleep = options.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const policy = options.retryPolicy ?? SLACK_RETRY_POLICY;

  async function call<T extends { ok: boolean; error?: string }>(method: string, init: { query?: Record<string, string>; json?: unknown }): Promise<T> {
    const url = base + method + (init.query ? `?${new URLSearchParams(init.query)}` : "");
    for (let attempt = 1; ; attempt++) {
      let failure: AttemptFailure;
      let error: SlackError;
      try {
        const res = await doFetch(url, {
          method: init.json === undefined ? "GET" : "POST",
          headers: { authorization: `Bearer ${options.token}`, ...(init.json === undefined ? {} : { "content-type": "application/json; charset=utf-8" }) },
          ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
          signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
        });
        const text = await res.text();
        if (res.ok) {
          const body = JSON.parse(text || "{}") as T;
          if (body.ok) return body;
          const retryable = body.error === "ratelimited" || body.error === "internal_error" || body.error === "service_unavailable";
          failure = { kind: "status", status: retryable ? 503 : 400 };
          error = new SlackError(method, body.error ?? "unknown_error", retryable);
        } else {
          const retryAfter = parseRetryAfter(res.headers.get("retry-after"), Date.now());
          failure = { kind: "status", status: res.status, ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}) };
          error = new SlackError(method, `http_${res.status}`, res.status === 429 || res.status >= 500);
        }
      } catch (err) {
        failure = { kind: "connection-lost" };
        error = new SlackError(method, "unreachable", true, err);
      }
      const decision = decideRetry(policy, attempt, failure, random);
      if (!decision.retry) throw error;
      await sleep(decision.delayMs);
    }
  }

  const postMessage = async (channel: string, message: SlackMessage) => {
    await call("chat.postMessage", { json: { channel, text: message.text, ...(message.blocks ? { blocks: message.blocks } : {}), unfurl_links: false, unfurl_media: false } });
  };

  return {
    async lookupByEmail(email) {
      try {
        const out = await call<{ ok: boolean; error?: string; user?: { id: string } }>("users.lookupByEmail", { query: { email } });
        return out.user?.id;
      } catch (err) {
        if (err instanceof SlackError && err.slackError === "users_not_found") return undefined;
        throw err;
      }
    },
    async directMessage(userId, message) {
      const out = await call<{ ok: boolean; error?: string; channel?: { id: string } }>("conversations.open", { json: { users: userId } });
      await postMessage(out.channel?.id ?? userId, message);
    },
    postMessage,
  };
}
