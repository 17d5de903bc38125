import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createSlackClient, SlackError } from "../../src/slack/index.js";

async function slackStub(answer: (path: string, body: string, query: URLSearchParams) => { status?: number; body: unknown; headers?: Record<string, string> }) {
  const seen: Array<{ path: string; body: string; auth: string | undefined; type: string | undefined }> = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? "/", "http://x");
    const body = Buffer.concat(chunks).toString();
    seen.push({ path: url.pathname, body, auth: req.headers.authorization, type: req.headers["content-type"] });
    const a = answer(url.pathname, body, url.searchParams);
    res.writeHead(a.status ?? 200, { "content-type": "application/json", ...a.headers });
    res.end(JSON.stringify(a.body));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`, seen, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

describe("Slack Web API client", () => {
  it("looks a user up by email, opens a DM and posts to it", async () => {
    const stub = await slackStub((path, _body, q) => {
      if (path === "/api/users.lookupByEmail") return { body: q.get("email") === "dev@x.example" ? { ok: true, user: { id: "U1" } } : { ok: false, error: "users_not_found" } };
      if (path === "/api/conversations.open") return { body: { ok: true, channel: { id: "D1" } } };
      return { body: { ok: true } };
    });
    try {
      const slack = createSlackClient({ baseUrl: stub.url, token: "xoxb-test-token" });
      expect(await slack.lookupByEmail("dev@x.example")).toBe("U1");
      expect(await slack.lookupByEmail("nobody@x.example")).toBeUndefined();
      await slack.directMessage("U1", { text: "hello" });
      expect(stub.seen.map((s) => s.path)).toEqual(["/api/users.lookupByEmail", "/api/users.lookupByEmail", "/api/conversations.open", "/api/chat.postMessage"]);
      expect(JSON.parse(stub.seen[3]!.body)).toMatchObject({ channel: "D1", text: "hello", unfurl_links: false });
      expect(stub.seen[3]).toMatchObject({ auth: "Bearer xoxb-test-token", type: "application/json; charset=utf-8" });
    } finally {
      await stub.close();
    }
  });

  it("retries ratelimited answers with Retry-After (capped) and surfaces Slack's error otherwise", async () => {
    let calls = 0;
    const stub = await slackStub(() => (++calls === 1 ? { status: 429, body: { ok: false, error: "ratelimited" }, headers: { "retry-after": "1" } } : { body: { ok: false, error: "channel_not_found" } }));
    const sleeps: number[] = [];
    try {
      const slack = createSlackClient({ baseUrl: stub.url, token: "xoxb-test-token", sleep: async (ms) => void sleeps.push(ms) });
      const err = await slack.postMessage("#nope", { text: "x" }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SlackError);
      expect((err as SlackError).slackError).toBe("channel_not_found");
      expect(sleeps).toEqual([1000]);
      expect(calls).toBe(2);
    } finally {
      await stub.close();
    }
  });
});
