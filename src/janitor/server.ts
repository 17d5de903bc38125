import { createServer, type IncomingMessage, type Server } from "node:http";
import type { Socket } from "node:net";
import type { Logger } from "../core/log.js";
import { MAX_BODY_BYTES, receiveDelivery, type DeliveryRequest, type ReceiverDeps } from "./receive.js";

export interface JanitorServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** Reads at most MAX_BODY_BYTES; past that the rest is not buffered. */
async function readLimited(req: IncomingMessage): Promise<Buffer | "tooLarge"> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) return "tooLarge";
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return "tooLarge";
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The local janitor: `POST /api/github/webhooks`, `GET /healthz`, on loopback by default. */
export async function startJanitorServer(deps: ReceiverDeps & { logger: Logger }, options: { port?: number; host?: string } = {}): Promise<JanitorServer> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    void (async () => {
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v[0] : v;
      const method = req.method ?? "GET";
      const needsBody = method === "POST";
      const body = needsBody ? await readLimited(req) : Buffer.alloc(0);
      const request: DeliveryRequest = { method, path: req.url ?? "/", headers, body };
      const out = await receiveDelivery(request, deps);
      res.writeHead(out.status, { ...out.headers, ...(body === "tooLarge" ? { connection: "close" } : {}) });
      res.end(method === "HEAD" ? undefined : out.body);
      if (body === "tooLarge") res.once("finish", () => req.socket.destroy());
    })().catch(() => {
      if (!res.headersSent) res.writeHead(503, { "content-type": "text/plain; charset=utf-8" });
      res.end("unavailable\n");
    });
  });
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
