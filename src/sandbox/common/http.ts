import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface RunningServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  server: Server;
  /** Stops listening and destroys every open socket, including requests an injected `hang` is holding. */
  close(): Promise<void>;
}

/** Starts a loopback HTTP server; port 0 picks a free one. Handler exceptions become a bare 500. */
export async function startHttpServer(handler: Handler, options: { port?: number; host?: string } = {}): Promise<RunningServer> {
  const host = options.host ?? "127.0.0.1";
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    Promise.resolve(handler(req, res)).catch(() => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: "emulator error", code: "internal.server.error", status: 500 }));
    });
  });
  // An idle keep-alive connection is closed after a long while, not Node's 5 s: a client that reuses a pooled socket
  // just as the server closes it gets ECONNRESET, and on a loaded machine (one event loop serving the emulator and
  // its test client) that race is hit often. close() still ends every socket at once.
  server.keepAliveTimeout = 120_000;
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://${host}:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Reads the whole request body as UTF-8, refusing bodies larger than `limit` bytes. */
export async function readBody(req: IncomingMessage, limit = 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLargeError(limit);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body exceeds ${limit} bytes`);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, { ...(text ? { "content-type": "application/json" } : {}), ...headers });
  res.end(text);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
