/**
 * Stand-in for the GitHub REST API the janitor calls (tests and `npm start`): real HTTP on loopback.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface StubAlert {
  number: number;
  state: "open" | "resolved";
  resolution: string | null;
  secret: string;
  locations: Array<{ type: string; details: Record<string, unknown> }>;
}

export interface StubCall {
  method: string;
  path: string;
  body: string;
}

/** A GitHub REST stub (real HTTP on loopback): alerts, paginated locations, blobs, commits, PATCH, commit comments. */
export interface GitHubStub {
  url: string;
  token: string;
  alerts: Map<string, StubAlert>;
  blobs: Map<string, string>;
  commits: Map<string, { email?: string; files: Array<{ filename: string; patch?: string }> }>;
  issues: Map<string, { title?: string; body?: string }>;
  calls: StubCall[];
  /** Status the next PATCHes answer with instead of applying (e.g. 403 delegated dismissal). */
  patchStatus?: number;
  locationsPerPage: number;
  /** Alerts (`repo#n`) whose GET answers this status instead (e.g. 503). */
  alertStatus: Map<string, number>;
  /** A fixed round-trip latency added to every answer (benchmarks). */
  latencyMs: number;
  addAlert(repo: string, alert: Omit<StubAlert, "state" | "resolution"> & Partial<StubAlert>): StubAlert;
  close(): Promise<void>;
}

export async function startGitHubStub(token = "ghs_stubtoken_" + Math.random().toString(36).slice(2)): Promise<GitHubStub> {
  const stub = {
    token,
    alerts: new Map(),
    blobs: new Map(),
    commits: new Map(),
    issues: new Map(),
    calls: [],
    locationsPerPage: 1,
    alertStatus: new Map(),
    latencyMs: 0,
  } as unknown as GitHubStub;
  const send = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(body === undefined ? "" : JSON.stringify(body));
  };
  const server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://stub");
    if (stub.latencyMs > 0) await new Promise((r) => setTimeout(r, stub.latencyMs));
    stub.calls.push({ method: req.method ?? "", path: url.pathname + url.search, body });
    if (req.headers.authorization !== `Bearer ${token}`) return send(res, 401, { message: "Bad credentials" });
    let m: RegExpExecArray | null;
    if ((m = /^\/repos\/([^/]+\/[^/]+)\/secret-scanning\/alerts\/(\d+)$/.exec(url.pathname))) {
      const alert = stub.alerts.get(`${m[1]}#${m[2]}`);
      const forced = stub.alertStatus.get(`${m[1]}#${m[2]}`);
      if (forced) return send(res, forced, { message: "Service unavailable" });
      if (!alert) return send(res, 404, { message: "Not Found" });
      if (req.method === "GET") return send(res, 200, { number: alert.number, state: alert.state, resolution: alert.resolution, secret: alert.secret, secret_type: "keyward_genesys_client_secret", html_url: `https://github.example/${m[1]}/security/secret-scanning/${alert.number}` });
      if (req.method === "PATCH") {
        if (stub.patchStatus) return send(res, stub.patchStatus, { message: "refused" });
        const patch = JSON.parse(body) as { state: "open" | "resolved"; resolution?: string };
        alert.state = patch.state;
        alert.resolution = patch.resolution ?? null;
        return send(res, 200, { number: alert.number, state: alert.state, resolution: alert.resolution });
      }
    }
    if ((m = /^\/repos\/([^/]+\/[^/]+)\/secret-scanning\/alerts\/(\d+)\/locations$/.exec(url.pathname)) && req.method === "GET") {
      const alert = stub.alerts.get(`${m[1]}#${m[2]}`);
      if (!alert) return send(res, 404, { message: "Not Found" });
      const per = stub.locationsPerPage;
      const page = Number(url.searchParams.get("page") ?? 1);
      const slice = alert.locations.slice((page - 1) * per, page * per);
      const more = page * per < alert.locations.length;
      const link: Record<string, string> = more ? { link: `<http://${req.headers.host}${url.pathname}?per_page=100&page=${page + 1}>; rel="next"` } : {};
      return send(res, 200, slice, link);
    }
    if ((m = /^\/repos\/([^/]+\/[^/]+)\/git\/blobs\/([^/]+)$/.exec(url.pathname)) && req.method === "GET") {
      const content = stub.blobs.get(m[2]!);
      if (content === undefined) return send(res, 404, { message: "Not Found" });
      return send(res, 200, { sha: m[2], encoding: "base64", content: Buffer.from(content).toString("base64") });
    }
    if ((m = /^\/repos\/([^/]+\/[^/]+)\/commits\/([^/]+)$/.exec(url.pathname)) && req.method === "GET") {
      const c = stub.commits.get(m[2]!);
      if (!c) return send(res, 404, { message: "Not Found" });
      return send(res, 200, { sha: m[2], commit: { author: { name: "Dev", ...(c.email ? { email: c.email } : {}) } }, files: c.files });
    }
    if ((m = /^\/repos\/([^/]+\/[^/]+)\/commits\/([^/]+)\/comments$/.exec(url.pathname)) && req.method === "POST") return send(res, 201, { id: 1 });
    if ((m = /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)$/.exec(url.pathname)) && req.method === "GET") {
      const issue = stub.issues.get(`${m[1]}#${m[2]}`);
      return issue ? send(res, 200, issue) : send(res, 404, { message: "Not Found" });
    }
    send(res, 404, { message: "Not Found" });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stub.addAlert = (repo, alert) => {
    const full: StubAlert = { state: "open", resolution: null, ...alert };
    stub.alerts.set(`${repo}#${alert.number}`, full);
    return full;
  };
  stub.close = () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); });
  return stub;
}
