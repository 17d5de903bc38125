/**
 * Stand-in for the GitHub REST API the janitor calls (tests, bench and `npm start`): real HTTP on loopback, answering
 * in the shapes of GitHub's OpenAPI description (test/sandbox/stubs/github-openapi.test.ts validates every answer
 * against `@octokit/openapi`'s schemas): both token schemes (`token` and `Bearer`), `per_page`/`page` with `Link`
 * headers, `x-ratelimit-*` headers on every answer, and rate-limit answers shaped as GitHub sends them.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { signPayload } from "../../janitor/signature.js";

export interface StubAlert {
  number: number;
  state: "open" | "resolved";
  resolution: string | null;
  resolution_comment?: string | null;
  secret: string;
  /** Default `keyward_genesys_client_secret` (keyward's custom pattern). */
  secret_type: string;
  locations: Array<{ type: string; details: Record<string, unknown> }>;
  created_at: string;
}

export interface StubCall {
  method: string;
  path: string;
  body: string;
  /** The Authorization scheme the client used (`token` or `Bearer`), lower case. */
  scheme: string;
}

/** A scripted rate limit: the next `times` matching requests are answered with it instead. */
export interface StubRateLimit {
  /** `primary`: 403 + `x-ratelimit-remaining: 0` + reset; `secondary`: 403 "secondary rate limit" (+ `retry-after` when given); `secondary-429`: the same as 429; `bare-429`: 429 + `retry-after` only. */
  kind: "primary" | "secondary" | "secondary-429" | "bare-429";
  /** Seconds until `x-ratelimit-reset` (primary). */
  resetInSeconds?: number;
  retryAfterSeconds?: number;
  times: number;
  /** Which requests (method + path); all when absent. */
  match?: (method: string, path: string) => boolean;
}

export interface StubBlob {
  /** Served as a stream of this many bytes of `fill`, never held in memory (a huge file). */
  streamBytes: number;
  fill: string;
}

/** A GitHub REST stub (real HTTP on loopback): alerts, paginated locations, blobs, commits, issues and comments, PATCH, commit comments. */
export interface GitHubStub {
  url: string;
  token: string;
  alerts: Map<string, StubAlert>;
  blobs: Map<string, string | StubBlob>;
  commits: Map<string, { email?: string; files: Array<{ filename: string; patch?: string }> }>;
  /** `repo#n` → an issue's title and body. */
  issues: Map<string, { title?: string; body?: string }>;
  /** `repo#id` → an issue comment's body. */
  issueComments: Map<string, { body: string }>;
  calls: StubCall[];
  /** Status the next PATCHes answer with instead of applying (e.g. 403 delegated dismissal). */
  patchStatus?: number;
  /** `per_page` when the client sends none (GitHub: 30). */
  defaultPerPage: number;
  /** Alerts (`repo#n`) whose GET answers this status instead (e.g. 503). */
  alertStatus: Map<string, number>;
  /** Scripted rate limits, applied in order. */
  rateLimits: StubRateLimit[];
  /** Path → Location: answered with a 307 redirect. */
  redirects: Map<string, string>;
  /** The base of `Link` URLs (default: this stub's URL). */
  linkBase?: string;
  /** A fixed round-trip latency added to every answer (benchmarks). */
  latencyMs: number;
  /** Requests that match wait for `until` before they are answered (tests: which calls are on the critical path). */
  holds: Array<{ match: (method: string, path: string) => boolean; until: Promise<unknown> }>;
  /** Bytes actually written for streamed blobs (a client that stops reading stops the stream). */
  streamedBytes: number;
  addAlert(repo: string, alert: Omit<StubAlert, "state" | "resolution" | "secret_type" | "created_at"> & Partial<StubAlert>): StubAlert;
  close(): Promise<void>;
}

const SHA = (seed: string) => (Buffer.from(seed).toString("hex") + "0".repeat(40)).slice(0, 40).replace(/[^0-9a-f]/g, "0");
const NOW = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");
const RATE_DOCS = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api";

function user(base: string, login: string, id: number) {
  const u = `${base}/users/${login}`;
  return {
    login,
    id,
    node_id: `MDQ6VXNlcj${id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: "",
    url: u,
    html_url: `https://github.com/${login}`,
    followers_url: `${u}/followers`,
    following_url: `${u}/following{/other_user}`,
    gists_url: `${u}/gists{/gist_id}`,
    starred_url: `${u}/starred{/owner}{/repo}`,
    subscriptions_url: `${u}/subscriptions`,
    organizations_url: `${u}/orgs`,
    repos_url: `${u}/repos`,
    events_url: `${u}/events{/privacy}`,
    received_events_url: `${u}/received_events`,
    type: login.endsWith("[bot]") ? "Bot" : "User",
    user_view_type: "public",
    site_admin: false,
  };
}

export async function startGitHubStub(token = "ghs_stubtoken_" + Math.random().toString(36).slice(2), options: { port?: number } = {}): Promise<GitHubStub> {
  const stub = {
    token,
    alerts: new Map(),
    blobs: new Map(),
    commits: new Map(),
    issues: new Map(),
    issueComments: new Map(),
    calls: [],
    defaultPerPage: 30,
    alertStatus: new Map(),
    rateLimits: [],
    redirects: new Map(),
    latencyMs: 0,
    holds: [],
    streamedBytes: 0,
  } as unknown as GitHubStub;
  let remaining = 5000;
  const rateHeaders = (): Record<string, string> => ({
    "x-ratelimit-limit": "5000",
    "x-ratelimit-remaining": String(Math.max(0, remaining)),
    "x-ratelimit-used": String(5000 - Math.max(0, remaining)),
    "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
    "x-ratelimit-resource": "core",
    "x-github-api-version-selected": "2022-11-28",
  });
  const send = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...rateHeaders(), ...headers });
    res.end(body === undefined ? "" : JSON.stringify(body));
  };
  const notFound = (res: ServerResponse) => send(res, 404, { message: "Not Found", documentation_url: "https://docs.github.com/rest", status: "404" });

  const alertBody = (repo: string, a: StubAlert) => {
    const api = `${stub.url}/repos/${repo}/secret-scanning/alerts/${a.number}`;
    const first = a.locations[0];
    return {
      number: a.number,
      created_at: a.created_at,
      updated_at: a.state === "resolved" ? NOW() : null,
      url: api,
      html_url: `https://github.com/${repo}/security/secret-scanning/${a.number}`,
      locations_url: `${api}/locations`,
      state: a.state,
      resolution: a.resolution,
      resolved_at: a.state === "resolved" ? NOW() : null,
      resolved_by: a.state === "resolved" ? user(stub.url, "keyward-janitor[bot]", 9000001) : null,
      resolution_comment: a.resolution_comment ?? null,
      secret_type: a.secret_type,
      secret_type_display_name: a.secret_type === "keyward_genesys_client_secret" ? "Genesys Cloud OAuth client secret (keyward)" : a.secret_type,
      secret: a.secret,
      push_protection_bypassed: false,
      push_protection_bypassed_by: null,
      push_protection_bypassed_at: null,
      push_protection_bypass_request_reviewer: null,
      push_protection_bypass_request_reviewer_comment: null,
      push_protection_bypass_request_comment: null,
      push_protection_bypass_request_html_url: null,
      validity: "unknown",
      publicly_leaked: false,
      multi_repo: false,
      is_base64_encoded: false,
      first_location_detected: first ? locationBody(repo, first).details : null,
      has_more_locations: a.locations.length > 1,
      assigned_to: null,
    };
  };
  /** Fills the URL fields GitHub always sends (`blob_url`, `commit_url`) that a test left out. */
  const locationBody = (repo: string, loc: StubAlert["locations"][number]) => {
    const d = { ...loc.details };
    if (loc.type === "commit" || loc.type === "wiki_commit") {
      d.path ??= "unknown";
      d.start_line ??= 1;
      d.end_line ??= d.start_line;
      d.start_column ??= 1;
      d.end_column ??= 2;
      d.blob_sha ??= SHA("blob");
      d.commit_sha ??= SHA("commit");
      if (loc.type === "commit") d.blob_url = typeof d.blob_url === "string" && d.blob_url.startsWith("http") ? d.blob_url : `${stub.url}/repos/${repo}/git/blobs/${d.blob_sha}`;
      else d.page_url = typeof d.page_url === "string" && d.page_url.startsWith("http") ? d.page_url : `https://github.com/${repo}/wiki/Home/${d.commit_sha}`;
      d.commit_url = typeof d.commit_url === "string" && d.commit_url.startsWith("http") ? d.commit_url : `${stub.url}/repos/${repo}/commits/${d.commit_sha}`;
    }
    return { type: loc.type, details: d };
  };

  const server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://stub");
    if (stub.latencyMs > 0) await new Promise((r) => setTimeout(r, stub.latencyMs));
    for (const hold of stub.holds) if (hold.match(req.method ?? "", url.pathname)) await hold.until;
    const auth = /^(token|bearer) (.+)$/i.exec(req.headers.authorization ?? "");
    const method = req.method ?? "";
    const path = url.pathname;
    stub.calls.push({ method, path: path + url.search, body, scheme: auth?.[1]?.toLowerCase() ?? "" });
    if (!auth || auth[2] !== token) return send(res, 401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest", status: "401" });
    remaining--;

    const limit = stub.rateLimits.find((l) => l.times > 0 && (!l.match || l.match(method, path)));
    if (limit) {
      limit.times--;
      const secondary = {
        message:
          "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0000:0000:0000000:0000000:00000000.",
        documentation_url: "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
        status: "403",
      };
      const retryAfter: Record<string, string> = limit.retryAfterSeconds !== undefined ? { "retry-after": String(limit.retryAfterSeconds) } : {};
      switch (limit.kind) {
        case "primary":
          return send(
            res,
            403,
            { message: "API rate limit exceeded for installation ID 1234567.", documentation_url: RATE_DOCS, status: "403" },
            { "x-ratelimit-remaining": "0", "x-ratelimit-used": "5000", "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + (limit.resetInSeconds ?? 60)) },
          );
        case "secondary":
          return send(res, 403, secondary, retryAfter);
        case "secondary-429":
          return send(res, 429, { ...secondary, status: "429" }, retryAfter);
        case "bare-429":
          return send(res, 429, { message: "Too Many Requests", documentation_url: RATE_DOCS, status: "429" }, { "retry-after": String(limit.retryAfterSeconds ?? 60) });
      }
    }
    const redirect = stub.redirects.get(path);
    if (redirect) return send(res, 307, { message: "Temporary Redirect", url: redirect, documentation_url: "https://docs.github.com/rest" }, { location: redirect });

    let m: RegExpExecArray | null;
    if ((m = /^\/repos\/([^/]+\/[^/]+)\/secret-scanning\/alerts\/(\d+)$/.exec(path))) {
      const repo = m[1]!;
      const alert = stub.alerts.get(`${repo}#${m[2]}`);
      const forced = stub.alertStatus.get(`${repo}#${m[2]}`);
      if (forced) return send(res, forced, { message: "Service unavailable", documentation_url: "https://docs.github.com/rest" });
      if (!alert) return notFound(res);
      if (method === "GET") return send(res, 200, alertBody(repo, alert));
      if (method === "PATCH") {
        if (stub.patchStatus)
          return send(res, stub.patchStatus, {
            message: "Resource not accessible by integration",
            documentation_url: "https://docs.github.com/rest/secret-scanning/secret-scanning#update-a-secret-scanning-alert",
            status: String(stub.patchStatus),
          });
        const patch = JSON.parse(body) as { state: "open" | "resolved"; resolution?: string; resolution_comment?: string };
        if (patch.state === "resolved" && !patch.resolution)
          return send(res, 422, { message: "Validation Failed", documentation_url: "https://docs.github.com/rest", status: "422" });
        alert.state = patch.state;
        alert.resolution = patch.state === "resolved" ? (patch.resolution ?? null) : null;
        alert.resolution_comment = patch.resolution_comment ?? null;
        return send(res, 200, alertBody(repo, alert));
      }
    }
    if ((m = /^\/repos\/([^/]+\/[^/]+)\/secret-scanning\/alerts\/(\d+)\/locations$/.exec(path)) && method === "GET") {
      const repo = m[1]!;
      const alert = stub.alerts.get(`${repo}#${m[2]}`);
      if (!alert) return notFound(res);
      const per = Math.min(100, Math.max(1, Number(url.searchParams.get("per_page") ?? stub.defaultPerPage) || stub.defaultPerPage));
      const page = Math.max(1, Number(url.searchParams.get("page") ?? 1) || 1);
      const last = Math.max(1, Math.ceil(alert.locations.length / per));
      const slice = alert.locations.slice((page - 1) * per, page * per).map((l) => locationBody(repo, l));
      const at = (p: number) => `<${stub.linkBase ?? stub.url}${path}?per_page=${per}&page=${p}>`;
      const rels = [
        ...(page > 1 ? [`${at(page - 1)}; rel="prev"`] : []),
        ...(page < last ? [`${at(page + 1)}; rel="next"`, `${at(last)}; rel="last"`] : []),
        ...(page > 1 ? [`${at(1)}; rel="first"`] : []),
      ];
      return send(res, 200, slice, rels.length ? { link: rels.join(", ") } : {});
    }
    if ((m = /^\/repos\/([^/]+\/[^/]+)\/git\/blobs\/([^/]+)$/.exec(path)) && method === "GET") {
      const blob = stub.blobs.get(m[2]!);
      if (blob === undefined) return notFound(res);
      const blobUrl = `${stub.url}${path}`;
      if (typeof blob === "string") {
        const bytes = Buffer.from(blob);
        const content = bytes.toString("base64").replace(/(.{60})/g, "$1\n");
        return send(res, 200, { sha: m[2], node_id: `B_${m[2]}`, size: bytes.length, url: blobUrl, content, encoding: "base64" });
      }
      return streamBlob(res, m[2]!, blobUrl, blob);
    }
    if ((m = /^\/repos\/([^/]+\/[^/]+)\/commits\/([^/]+)$/.exec(path)) && method === "GET") {
      const repo = m[1]!;
      const c = stub.commits.get(m[2]!);
      if (!c) return send(res, 422, { message: `No commit found for SHA: ${m[2]}`, documentation_url: "https://docs.github.com/rest/commits/commits#get-a-commit", status: "422" });
      const api = `${stub.url}/repos/${repo}/commits/${m[2]}`;
      const person = { name: "Dev", ...(c.email ? { email: c.email } : {}), date: "2030-01-15T11:00:00Z" };
      return send(res, 200, {
        sha: m[2],
        node_id: `C_${m[2]}`,
        url: api,
        html_url: `https://github.com/${repo}/commit/${m[2]}`,
        comments_url: `${api}/comments`,
        commit: {
          url: `${stub.url}/repos/${repo}/git/commits/${m[2]}`,
          author: person,
          committer: person,
          message: "Add configuration",
          comment_count: 0,
          tree: { sha: SHA("tree" + m[2]), url: `${stub.url}/repos/${repo}/git/trees/${SHA("tree" + m[2])}` },
        },
        author: c.email ? user(stub.url, "dev", 1001) : null,
        committer: c.email ? user(stub.url, "dev", 1001) : null,
        parents: [
          { sha: SHA("parent" + m[2]), url: `${stub.url}/repos/${repo}/commits/${SHA("parent" + m[2])}`, html_url: `https://github.com/${repo}/commit/${SHA("parent" + m[2])}` },
        ],
        stats: { total: c.files.length, additions: c.files.length, deletions: 0 },
        files: c.files.map((f) => ({
          sha: SHA(f.filename),
          filename: f.filename,
          status: "added",
          additions: 1,
          deletions: 0,
          changes: 1,
          blob_url: `https://github.com/${repo}/blob/${m![2]}/${f.filename}`,
          raw_url: `https://github.com/${repo}/raw/${m![2]}/${f.filename}`,
          contents_url: `${stub.url}/repos/${repo}/contents/${f.filename}?ref=${m![2]}`,
          ...(f.patch ? { patch: f.patch } : {}),
        })),
      });
    }
    if ((m = /^\/repos\/([^/]+\/[^/]+)\/commits\/([^/]+)\/comments$/.exec(path)) && method === "POST") {
      const repo = m[1]!;
      const { body: text } = JSON.parse(body || "{}") as { body?: string };
      if (typeof text !== "string" || !text) return send(res, 422, { message: "Validation Failed", documentation_url: "https://docs.github.com/rest", status: "422" });
      const id = 4000 + stub.calls.length;
      return send(res, 201, {
        html_url: `https://github.com/${repo}/commit/${m[2]}#commitcomment-${id}`,
        url: `${stub.url}/repos/${repo}/comments/${id}`,
        id,
        node_id: `CC_${id}`,
        body: text,
        path: null,
        position: null,
        line: null,
        commit_id: m[2],
        user: user(stub.url, "keyward-janitor[bot]", 9000001),
        created_at: NOW(),
        updated_at: NOW(),
        author_association: "NONE",
      });
    }
    if ((m = /^\/repos\/([^/]+\/[^/]+)\/issues\/comments\/(\d+)$/.exec(path)) && method === "GET") {
      const repo = m[1]!;
      const comment = stub.issueComments.get(`${repo}#${m[2]}`);
      if (!comment) return notFound(res);
      return send(res, 200, {
        id: Number(m[2]),
        node_id: `IC_${m[2]}`,
        url: `${stub.url}${path}`,
        html_url: `https://github.com/${repo}/issues/1#issuecomment-${m[2]}`,
        body: comment.body,
        user: user(stub.url, "dev", 1001),
        created_at: "2030-01-15T11:00:00Z",
        updated_at: "2030-01-15T11:00:00Z",
        issue_url: `${stub.url}/repos/${repo}/issues/1`,
        author_association: "CONTRIBUTOR",
      });
    }
    if ((m = /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)$/.exec(path)) && method === "GET") {
      const repo = m[1]!;
      const issue = stub.issues.get(`${repo}#${m[2]}`);
      if (!issue) return notFound(res);
      const api = `${stub.url}${path}`;
      return send(res, 200, {
        id: 5000 + Number(m[2]),
        node_id: `I_${m[2]}`,
        url: api,
        repository_url: `${stub.url}/repos/${repo}`,
        labels_url: `${api}/labels{/name}`,
        comments_url: `${api}/comments`,
        events_url: `${api}/events`,
        html_url: `https://github.com/${repo}/issues/${m[2]}`,
        number: Number(m[2]),
        state: "open",
        title: issue.title ?? "",
        body: issue.body ?? null,
        user: user(stub.url, "dev", 1001),
        labels: [],
        assignee: null,
        assignees: [],
        milestone: null,
        locked: false,
        comments: 0,
        closed_at: null,
        created_at: "2030-01-15T11:00:00Z",
        updated_at: "2030-01-15T11:00:00Z",
        author_association: "CONTRIBUTOR",
      });
    }
    notFound(res);
  });

  const streamBlob = (res: ServerResponse, sha: string, blobUrl: string, blob: StubBlob) => {
    // The JSON document GitHub would send, written in pieces: the base64 content is never held whole.
    const head = JSON.stringify({ sha, node_id: `B_${sha}`, size: blob.streamBytes, url: blobUrl, encoding: "base64", content: "" }).replace(/"content":""}$/, '"content":"');
    res.writeHead(200, { "content-type": "application/json; charset=utf-8", ...rateHeaders() });
    res.write(head);
    const piece = Buffer.from(blob.fill.repeat(Math.ceil((48 * 1024) / blob.fill.length)).slice(0, 48 * 1024)).toString("base64");
    let sent = 0;
    const more = () => {
      while (sent < blob.streamBytes) {
        sent += 48 * 1024;
        stub.streamedBytes += piece.length;
        if (!res.write(piece)) return void res.once("drain", more);
      }
      res.end('"}');
    };
    res.on("close", () => (sent = blob.streamBytes));
    more();
  };

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stub.addAlert = (repo, alert) => {
    const full: StubAlert = { state: "open", resolution: null, secret_type: "keyward_genesys_client_secret", created_at: "2030-01-15T11:00:00Z", ...alert };
    stub.alerts.set(`${repo}#${alert.number}`, full);
    return full;
  };
  stub.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return stub;
}

/**
 * What GitHub sends a webhook on a new secret scanning alert: the `secret_scanning_alert` event, signed with the
 * webhook's secret (`x-hub-signature-256`), under a fresh delivery id. Returns the HTTP status of the answer.
 */
export async function sendSecretScanningAlert(webhookUrl: string, webhookSecret: string, repo: string, alertNumber: number, action = "created"): Promise<number> {
  const body = JSON.stringify({ action, alert: { number: alertNumber, secret_type: "keyward_genesys_client_secret" }, repository: { full_name: repo } });
  const res = await fetch(webhookUrl, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": "secret_scanning_alert",
      "x-github-delivery": randomUUID(),
      "x-hub-signature-256": signPayload(webhookSecret, body),
    },
    body,
  });
  await res.text();
  return res.status;
}
