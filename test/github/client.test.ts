import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createGitHubClient, GitHubError, nextLink } from "../../src/github/index.js";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** A scripted GitHub: each request is answered by the next handler (or the fallback). */
async function scripted(fallback: (req: IncomingMessage, res: ServerResponse, seen: Seen) => void) {
  const seen: Seen[] = [];
  const script: Array<(res: ServerResponse) => void> = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const s = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString() };
    seen.push(s);
    const next = script.shift();
    if (next) next(res);
    else fallback(req, res, s);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, script, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
};

describe("GitHub REST client", () => {
  it("talks to a GHES base URL with the pinned API version and the token, and decodes blobs", async () => {
    const gh = await scripted((req, res) => {
      if (req.url?.includes("/git/blobs/")) return json(res, 200, { encoding: "base64", content: Buffer.from("line1\nline2").toString("base64") });
      if (req.url?.includes("/commits/")) return json(res, 200, { sha: "abc", commit: { author: { email: "dev@x.example", name: "Dev" } }, author: { login: "dev" }, files: [{ filename: "a", patch: "+x" }] });
      json(res, 200, { number: 7, state: "open", secret: "s3cr3t-value-for-the-test" });
    });
    try {
      const client = createGitHubClient({ baseUrl: `${gh.url}/api/v3/`, token: "ghs_token_for_the_client_test" });
      expect(await client.getAlert("acme/repo", 7)).toMatchObject({ number: 7, state: "open" });
      expect(await client.getBlob("acme/repo", "b1")).toBe("line1\nline2");
      expect(await client.getCommit("acme/repo", "abc")).toEqual({ sha: "abc", authorEmail: "dev@x.example", authorName: "Dev", authorLogin: "dev", files: [{ filename: "a", patch: "+x" }] });
      expect(gh.seen[0]).toMatchObject({ method: "GET", url: "/api/v3/repos/acme/repo/secret-scanning/alerts/7" });
      expect(gh.seen[0]!.headers).toMatchObject({ authorization: "Bearer ghs_token_for_the_client_test", "x-github-api-version": "2022-11-28", accept: "application/vnd.github+json" });
    } finally {
      await gh.close();
    }
  });

  it("follows Link rel=next for locations, and stays on the configured host", async () => {
    let base = "";
    const gh = await scripted((req, res) => {
      const page = Number(new URL(req.url!, "http://x").searchParams.get("page") ?? 1);
      const link = page < 3 ? { link: `<${base}/repos/acme/repo/secret-scanning/alerts/1/locations?per_page=100&page=${page + 1}>; rel="next", <${base}/x?page=3>; rel="last"` } : page === 3 ? { link: `<https://elsewhere.example/steal?page=4>; rel="next"` } : {};
      json(res, 200, [{ type: "commit", details: { path: `p${page}` } }], link as Record<string, string>);
    });
    base = gh.url;
    try {
      const client = createGitHubClient({ baseUrl: gh.url, token: "t0ken-value" });
      const locations = await client.listLocations("acme/repo", 1);
      expect(locations.map((l) => l.details.path)).toEqual(["p1", "p2", "p3"]);
      expect(gh.seen).toHaveLength(3);
      await expect(client.getApiUrl("https://elsewhere.example/repos/x")).rejects.toBeInstanceOf(GitHubError);
    } finally {
      await gh.close();
    }
  });

  it("retries 5xx and 429 (Retry-After honoured, capped), and fails fast on 403/404/422", async () => {
    const sleeps: number[] = [];
    const gh = await scripted((_req, res) => json(res, 200, { number: 1, state: "open" }));
    try {
      const client = createGitHubClient({ baseUrl: gh.url, token: "t0ken-value", sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 });
      gh.script.push((res) => json(res, 503, {}), (res) => json(res, 429, {}, { "retry-after": "2" }));
      expect(await client.getAlert("acme/repo", 1)).toMatchObject({ number: 1 });
      expect(sleeps).toEqual([125, 2000]);
      gh.script.push((res) => json(res, 429, {}, { "retry-after": "3600" }));
      await expect(client.getAlert("acme/repo", 1)).rejects.toMatchObject({ status: 429 });
      for (const status of [403, 404, 422]) {
        const before = gh.seen.length;
        gh.script.push((res) => json(res, status, { message: "no" }));
        const err = await client.updateAlert("acme/repo", 1, { state: "resolved", resolution: "revoked" }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(GitHubError);
        expect((err as GitHubError).status).toBe(status);
        expect(gh.seen.length - before).toBe(1);
      }
      expect(JSON.parse(gh.seen.at(-1)!.body)).toEqual({ state: "resolved", resolution: "revoked" });
    } finally {
      await gh.close();
    }
  });

  it("parses Link headers", () => {
    expect(nextLink('<https://a/x?page=2>; rel="next", <https://a/x?page=9>; rel="last"')).toBe("https://a/x?page=2");
    expect(nextLink('<https://a/x?page=1>; rel="prev"')).toBeUndefined();
    expect(nextLink(null)).toBeUndefined();
  });

  it("refuses a malformed repository name before any request", async () => {
    const client = createGitHubClient({ baseUrl: "http://127.0.0.1:9", token: "t0ken-value" });
    await expect(client.getAlert("../../etc", 1)).rejects.toBeInstanceOf(GitHubError);
  });
});
