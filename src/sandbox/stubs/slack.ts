/**
 * Stand-in for the Slack Web API the janitor calls (tests and `npm start`): real HTTP on loopback.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface SlackPost {
  channel: string;
  text: string;
}

/** A Slack Web API stub (real HTTP): users.lookupByEmail, conversations.open, chat.postMessage. */
export interface SlackStub {
  /** Base URL with the trailing slash, as SLACK_API_URL. */
  url: string;
  token: string;
  users: Map<string, string>;
  posts: SlackPost[];
  /** Every request body and query, for the canary. */
  raw: string[];
  /** When set, chat.postMessage to a DM channel fails with this Slack error. */
  failDm?: string;
  calls: number;
  close(): Promise<void>;
}

export async function startSlackStub(token = "xoxb-stub-" + Math.random().toString(36).slice(2)): Promise<SlackStub> {
  const stub = { token, users: new Map(), posts: [], raw: [], calls: 0 } as unknown as SlackStub;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    stub.calls++;
    stub.raw.push((req.url ?? "") + "\n" + text);
    const url = new URL(req.url ?? "/", "http://stub");
    const reply = (body: unknown) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${token}`) return reply({ ok: false, error: "invalid_auth" });
    const body = text ? (JSON.parse(text) as Record<string, string>) : {};
    switch (url.pathname) {
      case "/api/users.lookupByEmail": {
        const id = stub.users.get(url.searchParams.get("email") ?? "");
        return reply(id ? { ok: true, user: { id } } : { ok: false, error: "users_not_found" });
      }
      case "/api/conversations.open":
        return reply({ ok: true, channel: { id: `D-${body.users}` } });
      case "/api/chat.postMessage":
        if (stub.failDm && body.channel!.startsWith("D-")) return reply({ ok: false, error: stub.failDm });
        stub.posts.push({ channel: body.channel!, text: body.text! });
        return reply({ ok: true, ts: "1.2" });
    }
    reply({ ok: false, error: "unknown_method" });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
  stub.close = () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); });
  return stub;
}
