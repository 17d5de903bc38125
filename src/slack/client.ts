import { ErrorCode, LogLevel, WebClient, type Logger as SlackLogger } from "@slack/web-api";
import { KeywardError } from "../core/errors.js";
import { registerSecret } from "../core/redact.js";
import { decideRateLimitWait, DEFAULT_WAIT_POLICY, type WaitPolicy } from "../core/rate-limit-wait.js";

export const DEFAULT_SLACK_API_URL = "https://slack.com/api/";

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export type SlackFailureReason = "slack-user-not-found" | "slack-rate-limited" | "slack-unreachable" | "slack-error";

/** A Slack Web API failure: Slack's `error` string from an `{ok:false}` answer, `http_<status>`, `ratelimited` or `unreachable`. */
export class SlackError extends KeywardError {
  readonly slackError: string;
  declare readonly reason: SlackFailureReason;
  constructor(method: string, slackError: string, retryable: boolean, cause?: unknown) {
    const reason: SlackFailureReason =
      slackError === "users_not_found"
        ? "slack-user-not-found"
        : slackError === "ratelimited"
          ? "slack-rate-limited"
          : slackError === "unreachable"
            ? "slack-unreachable"
            : "slack-error";
    super(`Slack ${method} failed: ${/^[a-z0-9_]{1,60}$/.test(slackError) ? slackError : "error"}`, { reason, retryable, ...(cause !== undefined ? { cause } : {}) });
    this.slackError = slackError;
  }
}

export interface SlackClientOptions {
  /** `SLACK_API_URL`, with a trailing slash: method names are appended. */
  baseUrl?: string;
  token: string;
  fetch?: FetchLike;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** `@slack/web-api`'s retries of network failures and 5xx (p-retry options). */
  retries?: number;
  retryMinTimeoutMs?: number;
  timeoutMs?: number;
  /** Rate-limit waits (Slack's `Retry-After`), bounded by each call's deadline. */
  waitPolicy?: WaitPolicy;
}

/** A Slack message: the `text` fallback and `blocks`. Whatever is interpolated into either is escaped by the caller (src/slack/escape.ts). */
export interface SlackMessage {
  text: string;
  blocks?: unknown[];
}

/** The parts of a Slack user the janitor decides on. */
export interface SlackUser {
  id: string;
  /** The profile's email as Slack has it. */
  email: string | undefined;
  /** Slack confirmed the email belongs to the user (`is_email_confirmed`). */
  emailConfirmed: boolean;
  /** Deactivated, a bot, or a guest: never a DM recipient. */
  unusable: boolean;
}

export interface SlackClient {
  /** The same client, its rate-limit waits bounded by `deadlineMs` (epoch ms). */
  withDeadline(deadlineMs: number): SlackClient;
  /** `users.lookupByEmail`: the user, or undefined when no user has that email. */
  lookupByEmail(email: string): Promise<SlackUser | undefined>;
  /** `conversations.open` + `chat.postMessage` to a user. */
  directMessage(userId: string, message: SlackMessage): Promise<void>;
  /** `chat.postMessage` to a channel (id or name). */
  postMessage(channel: string, message: SlackMessage): Promise<void>;
}

const SILENT: SlackLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};

/**
 * Slack through the official `@slack/web-api` WebClient (form-encoded POSTs, `redirect: error`), with its rate-limit
 * waits taken by keyward: a `Retry-After` is waited out only when it ends before the call's deadline.
 */
export function createSlackClient(options: SlackClientOptions): SlackClient {
  const base = (options.baseUrl ?? DEFAULT_SLACK_API_URL).replace(/\/*$/, "/");
  registerSecret(options.token);
  const web = new WebClient(options.token, {
    slackApiUrl: base,
    logger: SILENT,
    rejectRateLimitedCalls: true,
    allowAbsoluteUrls: false,
    timeout: options.timeoutMs ?? 10_000,
    retryConfig: { retries: options.retries ?? 2, factor: 2, minTimeout: options.retryMinTimeoutMs ?? 500, maxTimeout: 4_000 },
    ...(options.fetch ? { fetch: options.fetch as typeof fetch } : {}),
  });
  const sleep = options.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const policy = options.waitPolicy ?? DEFAULT_WAIT_POLICY;
  return clientFor(undefined);

  function clientFor(deadlineMs: number | undefined): SlackClient {
    const call = async <T>(method: string, run: () => Promise<T>): Promise<T> => {
      for (let waits = 0; ; waits++) {
        try {
          return await run();
        } catch (err) {
          const e = err as { code?: string; retryAfter?: number; data?: { error?: string } };
          if (e.code === ErrorCode.RateLimitedError) {
            const retryAfterMs = (e.retryAfter ?? 60) * 1000;
            if (decideRateLimitWait({ retryAfterMs, waitsSoFar: waits, nowMs: now(), deadlineMs: deadlineMs ?? now() + 30_000, policy })) {
              await sleep(retryAfterMs);
              continue;
            }
            throw new SlackError(method, "ratelimited", true, err);
          }
          if (e.code === ErrorCode.PlatformError)
            throw new SlackError(method, e.data?.error ?? "unknown_error", ["internal_error", "service_unavailable", "fatal_error"].includes(e.data?.error ?? ""), err);
          if (e.code === ErrorCode.HTTPError) throw new SlackError(method, `http_${(err as { statusCode?: number }).statusCode ?? 0}`, true, err);
          throw new SlackError(method, "unreachable", true, err);
        }
      }
    };
    const postMessage = async (channel: string, message: SlackMessage) => {
      await call("chat.postMessage", () =>
        web.chat.postMessage({
          channel,
          text: message.text,
          ...(message.blocks ? { blocks: message.blocks as never } : {}),
          unfurl_links: false,
          unfurl_media: false,
          link_names: false,
          parse: "none",
        }),
      );
    };
    return {
      withDeadline: (ms) => clientFor(ms),
      async lookupByEmail(email) {
        try {
          const out = await call("users.lookupByEmail", () => web.users.lookupByEmail({ email }));
          const u = out.user;
          if (!u?.id) return undefined;
          return {
            id: u.id,
            email: u.profile?.email,
            emailConfirmed: u.is_email_confirmed === true,
            unusable: u.deleted === true || u.is_bot === true || u.is_restricted === true || u.is_ultra_restricted === true,
          };
        } catch (err) {
          if (err instanceof SlackError && err.slackError === "users_not_found") return undefined;
          throw err;
        }
      },
      async directMessage(userId, message) {
        const out = await call("conversations.open", () => web.conversations.open({ users: userId }));
        await postMessage(out.channel?.id ?? userId, message);
      },
      postMessage,
    };
  }
}
