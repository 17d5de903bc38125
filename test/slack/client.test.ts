import { createSlackClient, slackEscape, SlackError } from "../../src/slack/index.js";
import { startSlackStub, type SlackStub } from "../../src/sandbox/stubs/slack.js";

let stub: SlackStub;
beforeEach(async () => {
  stub = await startSlackStub();
});
afterEach(async () => {
  await stub.close();
});
const client = () => createSlackClient({ baseUrl: stub.url, token: stub.token, retryMinTimeoutMs: 10 });

describe("the Slack client (@slack/web-api's WebClient) against the Slack stand-in", () => {
  it("looks a user up by email (with Slack's confirmation flag), opens a DM and posts to it, form-encoded as WebClient sends", async () => {
    stub.users.set("dev@x.example", "U1");
    stub.users.set("unconfirmed@x.example", "U2");
    stub.unconfirmed.add("unconfirmed@x.example");
    const slack = client();
    expect(await slack.lookupByEmail("dev@x.example")).toEqual({ id: "U1", email: "dev@x.example", emailConfirmed: true, unusable: false });
    expect(await slack.lookupByEmail("unconfirmed@x.example")).toMatchObject({ id: "U2", emailConfirmed: false });
    expect(await slack.lookupByEmail("nobody@x.example")).toBeUndefined();
    await slack.directMessage("U1", { text: "hello" });
    expect(stub.posts).toEqual([{ channel: "D-U1", text: "hello" }]);
    expect(new Set(stub.contentTypes)).toEqual(new Set(["application/x-www-form-urlencoded"]));
    const post = stub.raw.at(-1)!;
    expect(post).toMatch(/unfurl_links=false/);
    expect(post).toMatch(/link_names=false/);
    expect(post).toMatch(/parse=none/);
  });

  it("the stand-in takes JSON bodies too, as Slack does", async () => {
    const res = await fetch(`${stub.url}chat.postMessage`, {
      method: "POST",
      headers: { authorization: `Bearer ${stub.token}`, "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify({ channel: "C1", text: "json", blocks: [{ type: "section", text: { type: "plain_text", text: "x" } }] }),
    });
    expect(await res.json()).toMatchObject({ ok: true, channel: "C1" });
    expect(stub.posts.at(-1)).toEqual({ channel: "C1", text: "json", blocks: [{ type: "section", text: { type: "plain_text", text: "x" } }] });
    const form = await fetch(`${stub.url}chat.postMessage`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: stub.token, channel: "C2", text: "form" }),
    });
    expect(await form.json()).toMatchObject({ ok: true });
    const bad = await fetch(`${stub.url}chat.postMessage`, {
      method: "POST",
      headers: { authorization: `Bearer ${stub.token}`, "content-type": "application/json" },
      body: "{not json",
    });
    expect(await bad.json()).toEqual({ ok: false, error: "invalid_json" });
  });

  it("waits out a rate limit that fits the deadline, fails as slack-rate-limited past it, and surfaces Slack's error otherwise", async () => {
    stub.rateLimit = { retryAfterSeconds: 1, times: 1 };
    await client()
      .withDeadline(Date.now() + 30_000)
      .postMessage("C1", { text: "after the wait" });
    expect(stub.posts.at(-1)).toEqual({ channel: "C1", text: "after the wait" });
    stub.rateLimit = { retryAfterSeconds: 120, times: 1 };
    await expect(
      client()
        .withDeadline(Date.now() + 10_000)
        .postMessage("C1", { text: "x" }),
    ).rejects.toMatchObject({ reason: "slack-rate-limited", retryable: true });
    stub.failDm = "channel_not_found";
    const err = await client()
      .postMessage("D-U1", { text: "x" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SlackError);
    expect((err as SlackError).slackError).toBe("channel_not_found");
  }, 30_000);
});

describe("Slack escaping", () => {
  it("turns &, < and > into entities so no interpolated text can mention or link", () => {
    expect(slackEscape("<!channel> <https://evil.example|Click here> a&b")).toBe("&lt;!channel&gt; &lt;https://evil.example|Click here&gt; a&amp;b");
    expect(slackEscape("plain path/to/file.env")).toBe("plain path/to/file.env");
  });
});
