import { createServer, type IncomingMessage, type Server } from "node:http";
import type { Socket } from "node:net";
import type { Logger } from "../core/log.js";
import { MAX_BODY_BYTES, receiveDelivery, respond, type DeliveryRequest, type ReceiverDeps } from "./receive.js";

export interface JanitorServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** Bounds of the local server: what unsigned requests can make it hold before their signature is checked. */
export interface ServerLimits {
  /** Open connections at most (more are refused by the kernel's backlog, then dropped). Default 128. */
  maxConnections: number;
  /** Body bytes held across all requests being read, before any of them is verified. Default 16 MiB. */
  maxBufferedBytes: number;
  /** A request (headers and body) must arrive within this. Default 15 s. */
  requestTimeoutMs: number;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = Object.freeze({ maxConnections: 128, maxBufferedBytes: 16 * 1024 * 1024, requestTimeoutMs: 15_000 });

/**
 * Reads at most MAX_BODY_BYTES, taking each chunk from the server-wide budget as it arrives; past either bound the
 * rest is not buffered. A signature cannot be checked before the whole body is there, so what unsigned bodies can
 * hold is bounded instead: per request, across requests, and in time.
 */
async function readLimited(req: IncomingMessage, budget: { left: number }, held: { bytes: number }): Promise<Buffer | "tooLarge" | "busy"> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) return "tooLarge";
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    const c = chunk as Buffer;
    if (held.bytes + c.length > MAX_BODY_BYTES) return "tooLarge";
    if (c.length > budget.left) return "busy";
    budget.left -= c.length;
    held.bytes += c.length;
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

/** The local janitor: `POST /api/github/webhooks`, `GET /healthz`, on loopback by default. */
export async function startJanitorServer(
  deps: ReceiverDeps & { logger: Logger },
  options: { port?: number; host?: string; limits?: Partial<ServerLimits> } = {},
): Promise<JanitorServer> {
  const limits: ServerLimits = { ...DEFAULT_SERVER_LIMITS, ...options.limits };
  const sockets = new Set<Socket>();
  const budget = { left: limits.maxBufferedBytes };
  const server = createServer((req, res) => {
    void (async () => {
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v[0] : v;
      const method = req.method ?? "GET";
      const socket = req.socket;
      const held = { bytes: 0 };
      try {
        const body = method === "POST" ? await readLimited(req, budget, held) : Buffer.alloc(0);
        if (body === "busy") {
          const out = respond(503, { "retry-after": "5", connection: "close" });
          res.writeHead(out.status, out.headers);
          res.end(out.body);
          res.once("finish", () => socket.destroy());
          return;
        }
        const request: DeliveryRequest = { method, path: req.url ?? "/", headers, body };
        const out = await receiveDelivery(request, deps);
        res.writeHead(out.status, { ...out.headers, ...(body === "tooLarge" ? { connection: "close" } : {}) });
        res.end(method === "HEAD" ? undefined : out.body);
        if (body === "tooLarge") res.once("finish", () => socket.destroy());
      } finally {
        budget.left += held.bytes;
      }
    })().catch(() => {
      if (!res.headersSent) res.writeHead(503, { "content-type": "text/plain; charset=utf-8" });
      res.end("unavailable\n");
    });
  });
  server.maxConnections = limits.maxConnections;
  server.requestTimeout = limits.requestTimeoutMs;
  server.headersTimeout = Math.min(limits.requestTimeoutMs, 10_000);
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
