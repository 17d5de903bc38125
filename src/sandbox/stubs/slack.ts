/**
 * Stand-in for the Slack Web API the janitor calls (tests, bench and `npm start`): real HTTP on loopback. Like Slack,
 * it takes a method's arguments as a query string, a form-encoded body (what `@slack/web-api` sends; structured
 * arguments such as `blocks` are JSON strings inside it) or a JSON body, and the token as `Authorization: Bearer`
 * or a `token` argument; it answers HTTP 200 with `{ok:false, error}` for failures and 429 + `Retry-After` when
 * rate limited.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface SlackPost {
  channel: string;
  text: string;
  /** `blocks` as sent (parsed), when any. */
  blocks?: unknown;
}

/** A Slack Web API stub (real HTTP): users.lookupByEmail, conversations.open, chat.postMessage. */
export interface SlackStub {
  /** Base URL with the trailing slash, as SLACK_API_URL. */
  url: string;
  token: string;
  /** email → user id. */
  users: Map<string, string>;
  /** Emails whose user has not confirmed them (`is_email_confirmed: false`). */
  unconfirmed: Set<string>;
  posts: SlackPost[];
  /** Every request body and query, for the canary. */
  raw: string[];
  /** Content types of the requests, in order. */
  contentTypes: string[];
  /** When set, chat.postMessage to a DM channel fails with this Slack error. */
  failDm?: string;
  /** The next `times` requests are answered 429 with this `Retry-After`. */
  rateLimit?: { retryAfterSeconds: number; times: number };
  calls: number;
  close(): Promise<void>;
}

export async function startSlackStub(token = "xoxb-stub-" + Math.random().toString(36).slice(2)): Promise<SlackStub> {
  const stub = { token, users: new Map(), unconfirmed: new Set(), posts: [], raw: [], contentTypes: [], calls: 0 } as unknown as SlackStub;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    stub.calls++;
    stub.raw.push((req.url ?? "") + "\n" + text);
    const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    stub.contentTypes.push(type);
    const url = new URL(req.url ?? "/", "http://stub");
    const reply = (body: unknown, status = 200, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
      res.end(JSON.stringify(body));
    };
    if (stub.rateLimit && stub.rateLimit.times > 0) {
      stub.rateLimit.times--;
      return reply({ ok: false, error: "ratelimited" }, 429, { "retry-after": String(stub.rateLimit.retryAfterSeconds) });
    }
    // Arguments: query string, then the body (form or JSON), as Slack reads them.
    const args: Record<string, unknown> = Object.fromEntries(url.searchParams);
    if (text) {
      if (type === "application/json") {
        try {
          Object.assign(args, JSON.parse(text) as Record<string, unknown>);
        } catch {
          return reply({ ok: false, error: "invalid_json" });
        }
      } else if (type === "application/x-www-form-urlencoded") Object.assign(args, Object.fromEntries(new URLSearchParams(text)));
      else return reply({ ok: false, error: "invalid_form_data" });
    }
    const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? "")?.[1];
    if ((bearer ?? args.token) !== token) return reply({ ok: false, error: "invalid_auth" });
    const str = (k: string) => (typeof args[k] === "string" ? (args[k] as string) : undefined);
    switch (url.pathname) {
      case "/api/users.lookupByEmail": {
        const email = str("email") ?? "";
        const id = stub.users.get(email);
        if (!id) return reply({ ok: false, error: "users_not_found" });
        return reply({
          ok: true,
          user: {
            id,
            team_id: "T-STUB",
            name: email.split("@")[0],
            deleted: false,
            is_bot: false,
            is_restricted: false,
            is_ultra_restricted: false,
            is_email_confirmed: !stub.unconfirmed.has(email),
            profile: { email, real_name: "Dev" },
          },
        });
      }
      case "/api/conversations.open": {
        const users = str("users");
        if (!users) return reply({ ok: false, error: "users_list_not_supplied" });
        return reply({ ok: true, channel: { id: `D-${users}` } });
      }
      case "/api/chat.postMessage": {
        const channel = str("channel");
        if (!channel) return reply({ ok: false, error: "channel_not_found" });
        if (!str("text") && args.blocks === undefined) return reply({ ok: false, error: "no_text" });
        if (stub.failDm && channel.startsWith("D-")) return reply({ ok: false, error: stub.failDm });
        let blocks: unknown = args.blocks;
        if (typeof blocks === "string") {
          try {
            blocks = JSON.parse(blocks);
          } catch {
            return reply({ ok: false, error: "invalid_blocks_format" });
          }
        }
        stub.posts.push({ channel, text: str("text") ?? "", ...(blocks !== undefined ? { blocks } : {}) });
        return reply({ ok: true, channel, ts: `${Math.floor(Date.now() / 1000)}.000100`, message: { type: "message", text: str("text") ?? "" } });
      }
    }
    reply({ ok: false, error: "unknown_method" });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
  stub.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return stub;
}
