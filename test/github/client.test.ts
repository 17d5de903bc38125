import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createGitHubClient, GitHubError, type GitHubClientOptions } from "../../src/github/index.js";
import { startGitHubStub, type GitHubStub } from "../../src/sandbox/stubs/github.js";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** A scripted server: each request is answered by the next handler (or the fallback). */
async function scripted(fallback: (req: IncomingMessage, res: ServerResponse, seen: Seen) => void, port = 0) {
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
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    script,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
};

const REPO = "acme/repo";
/** The client as the janitor builds it, paced for tests (no write spacing; plugin-retry's unit 10 ms). */
const client = (stub: { url: string; token: string }, extra: Partial<GitHubClientOptions> = {}) =>
  createGitHubClient({ baseUrl: stub.url, token: stub.token, limits: { writeSpacingMs: 0, notificationSpacingMs: 0 }, retryUnitMs: 10, ...extra });

let stub: GitHubStub;
beforeEach(async () => {
  stub = await startGitHubStub();
});
afterEach(async () => {
  await stub.close();
});

describe("the GitHub client (octokit with plugin-throttling, plugin-retry and pagination) against the GitHub stand-in", () => {
  it("sends octokit's `token` scheme with the pinned API version, and reads alerts, blobs and commits", async () => {
    stub.addAlert(REPO, { number: 7, secret: "s3cr3t-value-for-the-test", locations: [] });
    stub.blobs.set("b1", "line1\nline2");
    stub.commits.set("abc", { email: "dev@x.example", files: [{ filename: "a", patch: "+x" }] });
    const gh = client(stub);
    expect(await gh.getAlert(REPO, 7)).toMatchObject({ number: 7, state: "open", secret_type: "keyward_genesys_client_secret" });
    expect(await gh.getBlob(REPO, "b1")).toBe("line1\nline2");
    expect(await gh.getCommit(REPO, "abc")).toEqual({ sha: "abc", authorEmail: "dev@x.example", authorName: "Dev", authorLogin: "dev", files: [{ filename: "a", patch: "+x" }] });
    expect(stub.calls.map((c) => c.scheme)).toEqual(["token", "token", "token"]);
  });

  it("talks to a GHES base URL given in any case", async () => {
    const gh = await scripted((_req, res) => json(res, 200, { number: 7, state: "open" }));
    try {
      await createGitHubClient({ baseUrl: `${gh.url.replace("http://", "HTTP://")}/api/v3/`, token: "ghs_token_for_the_client_test" }).getAlert(REPO, 7);
      expect(gh.seen[0]).toMatchObject({ method: "GET", url: "/api/v3/repos/acme/repo/secret-scanning/alerts/7" });
      expect(gh.seen[0]!.headers).toMatchObject({ authorization: "token ghs_token_for_the_client_test", "x-github-api-version": "2022-11-28" });
    } finally {
      await gh.close();
    }
  });

  it("reads every location page with per_page=100, and stops at a Link off the API origin (`:4100` is not `:41001`)", async () => {
    const locations = Array.from({ length: 250 }, (_, i) => ({ type: "commit", details: { path: `p${i}`, blob_sha: `b${i}`, commit_sha: `c${i}` } }));
    stub.addAlert(REPO, { number: 1, secret: "s3cr3t-value-for-the-test", locations });
    expect((await client(stub).listLocations(REPO, 1)).map((l) => l.details.path)).toEqual(locations.map((l) => l.details.path));
    expect(stub.calls.map((c) => c.path)).toEqual([1, 2, 3].map((p) => `/repos/${REPO}/secret-scanning/alerts/1/locations?per_page=100${p > 1 ? `&page=${p}` : ""}`));
  });

  it("stops at a Link off the API origin: a stand-in on :P never sends the token to :P1 (a string-prefix check would)", async () => {
    // Two servers whose ports are P and P·10+1 (":4100" and ":41001").
    let pair: { github: GitHubStub; decoy: Awaited<ReturnType<typeof scripted>> } | undefined;
    for (let tries = 0; !pair && tries < 50; tries++) {
      const port = 2000 + Math.floor(Math.random() * 4500);
      const github = await startGitHubStub(undefined, { port }).catch(() => undefined);
      if (!github) continue;
      const decoy = await scripted((_req, res) => json(res, 200, []), port * 10 + 1).catch(() => undefined);
      if (decoy) pair = { github, decoy };
      else await github.close();
    }
    if (!pair) throw new Error("no free pair of ports");
    try {
      pair.github.addAlert(REPO, {
        number: 1,
        secret: "s3cr3t-value-for-the-test",
        locations: Array.from({ length: 150 }, (_, i) => ({ type: "commit", details: { path: `p${i}` } })),
      });
      pair.github.linkBase = pair.decoy.url;
      expect(pair.decoy.url.startsWith(pair.github.url)).toBe(true);
      expect(await client(pair.github).listLocations(REPO, 1)).toHaveLength(100);
      expect(pair.decoy.seen).toEqual([]);
    } finally {
      await pair.github.close();
      await pair.decoy.close();
    }
  });

  it("fetches a location's URL only on the API origin and only for the alert's repository", async () => {
    stub.issueComments.set(`${REPO}#5`, { body: "comment body" });
    const gh = client(stub);
    expect(await gh.getApiUrl(`${stub.url}/repos/${REPO}/issues/comments/5`, REPO)).toMatchObject({ body: "comment body" });
    for (const url of ["https://elsewhere.example/repos/acme/repo/issues/1", `${stub.url}1/repos/${REPO}/issues/1`, `${stub.url}/repos/other/repo/issues/1`, `${stub.url}/user`]) {
      await expect(gh.getApiUrl(url, REPO)).rejects.toMatchObject({ reason: "github-foreign-url" });
    }
    expect(stub.calls).toHaveLength(1);
  });

  it("refuses a malformed repository name (`../..`) before any request", async () => {
    await expect(client(stub).getAlert("../..", 1)).rejects.toBeInstanceOf(GitHubError);
    await expect(client(stub).getAlert("acme/..", 1)).rejects.toBeInstanceOf(GitHubError);
    expect(stub.calls).toEqual([]);
  });
});

describe("rate limits: waited out when the wait fits the deadline, otherwise a typed retryable error", () => {
  it("a primary limit (403, x-ratelimit-remaining 0, reset in 2 s) is waited out and the call succeeds", async () => {
    stub.addAlert(REPO, { number: 1, secret: "s3cr3t-value-for-the-test", locations: [] });
    stub.rateLimits.push({ kind: "primary", resetInSeconds: 2, times: 1 });
    const alert = await client(stub)
      .withDeadline(Date.now() + 60_000)
      .getAlert(REPO, 1);
    expect(alert.number).toBe(1);
    expect(stub.calls).toHaveLength(2);
  }, 30_000);

  it("a secondary limit with retry-after (403 and 429) and a bare 429 with retry-after are waited out", async () => {
    stub.addAlert(REPO, { number: 1, secret: "s3cr3t-value-for-the-test", locations: [] });
    stub.rateLimits.push(
      { kind: "secondary", retryAfterSeconds: 1, times: 1 },
      { kind: "secondary-429", retryAfterSeconds: 1, times: 1 },
      { kind: "bare-429", retryAfterSeconds: 1, times: 1 },
    );
    const gh = client(stub).withDeadline(Date.now() + 60_000);
    for (let i = 0; i < 3; i++) expect((await gh.getAlert(REPO, 1)).number).toBe(1);
    expect(stub.calls).toHaveLength(6);
  }, 30_000);

  it.each([
    ["a 429 with retry-after: 30", { kind: "bare-429" as const, retryAfterSeconds: 30, times: 1 }, 30_000],
    ["a secondary limit without retry-after (GitHub: wait a minute)", { kind: "secondary" as const, times: 1 }, 60_000],
    ["a primary limit resetting in an hour", { kind: "primary" as const, resetInSeconds: 3600, times: 1 }, 3_601_000],
  ])("%s beyond the deadline fails at once as github-rate-limited, saying how long to wait", async (_label, limit, wait) => {
    stub.addAlert(REPO, { number: 1, secret: "s3cr3t-value-for-the-test", locations: [] });
    stub.rateLimits.push(limit);
    const err = (await client(stub)
      .withDeadline(Date.now() + 10_000)
      .getAlert(REPO, 1)
      .catch((e: unknown) => e)) as GitHubError;
    expect(err).toBeInstanceOf(GitHubError);
    expect(err).toMatchObject({ reason: "github-rate-limited", retryable: true });
    expect(err.retryAfterMs).toBeGreaterThanOrEqual(wait - 2_000);
    expect(err.retryAfterMs).toBeLessThanOrEqual(wait + 2_000);
    expect(err.hint).not.toMatch(/GITHUB_TOKEN/);
    expect(stub.calls).toHaveLength(1);
  });

  it("5xx is retried by plugin-retry; 403, 404 and 422 fail at once", async () => {
    const gh = await scripted((_req, res) => json(res, 200, { number: 1, state: "open" }));
    try {
      const c = createGitHubClient({ baseUrl: gh.url, token: "t0ken-value", retryUnitMs: 5, limits: { writeSpacingMs: 0 } });
      gh.script.push(
        (res) => json(res, 503, {}),
        (res) => json(res, 502, {}),
      );
      expect(await c.getAlert(REPO, 1)).toMatchObject({ number: 1 });
      expect(gh.seen).toHaveLength(3);
      for (const status of [403, 404, 422]) {
        const before = gh.seen.length;
        gh.script.push((res) => json(res, status, { message: "no" }));
        const err = await c.updateAlert(REPO, 1, { state: "resolved", resolution: "revoked" }).catch((e: unknown) => e);
        expect(err).toMatchObject({ status, retryable: false });
        expect(gh.seen.length - before).toBe(1);
      }
      expect(JSON.parse(gh.seen.at(-1)!.body)).toEqual({ state: "resolved", resolution: "revoked" });
    } finally {
      await gh.close();
    }
  });
});

describe("bounded: responses, redirects", () => {
  it("a 90 MB blob is refused with a clear error and the stream is cut (the default cap is 16 MiB)", async () => {
    stub.blobs.set("huge", { streamBytes: 90 * 1024 * 1024, fill: "GENESYS_CLIENT_ID=x\n" });
    const err = await client(stub)
      .getBlob(REPO, "huge")
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ reason: "github-response-too-large", retryable: false });
    expect((err as GitHubError).hint).toMatch(/KEYWARD_GITHUB_MAX_RESPONSE_BYTES/);
    expect(stub.streamedBytes).toBeLessThan(90 * 1024 * 1024);
  });

  it("a redirect off the API origin is not followed; on it, it is followed without the token", async () => {
    const elsewhere = await scripted((_req, res) => json(res, 200, { number: 1, state: "open" }));
    try {
      stub.addAlert(REPO, { number: 2, secret: "s3cr3t-value-for-the-test", locations: [] });
      stub.redirects.set(`/repos/${REPO}/secret-scanning/alerts/1`, `${elsewhere.url}/steal`);
      await expect(client(stub).getAlert(REPO, 1)).rejects.toMatchObject({ reason: "github-redirect-refused" });
      expect(elsewhere.seen).toEqual([]);
      stub.redirects.set(`/repos/${REPO}/secret-scanning/alerts/3`, `${stub.url}/repos/${REPO}/secret-scanning/alerts/2`);
      await expect(client(stub).getAlert(REPO, 3)).rejects.toMatchObject({ reason: "github-unauthorized" });
      expect(stub.calls.at(-1)).toMatchObject({ path: `/repos/${REPO}/secret-scanning/alerts/2`, scheme: "" });
    } finally {
      await elsewhere.close();
    }
  });
});
