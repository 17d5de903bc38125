// A recording pass-through in front of the Genesys emulator, for the secret canary of `npm run test:terraform`: the
// provider and `keyward rotate` reach the emulator through it (the stacks' gateway and GENESYSCLOUD_GATEWAY_* point
// here), and every client secret and bearer token the emulator hands out is remembered. The creation-time secret of a
// client created with `expose_client_secret` off exists nowhere else: the provider keeps it in memory only, so this is
// how the test learns it, to prove it dead and to search every output and file for it.
import { createServer, request, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Tap {
  url: string;
  port: number;
  /** Every `secret` and `access_token` value seen in an emulator answer. */
  minted: Set<string>;
  /** Creation-time secrets by client id: the `secret` of each `POST /api/v2/oauth/clients` answer. */
  creationSecrets: Map<string, string>;
  close(): Promise<void>;
}

function collect(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) for (const v of value) collect(v, into);
  else if (value && typeof value === "object") {
    for (const [key, v] of Object.entries(value)) {
      if ((key === "secret" || key === "access_token") && typeof v === "string" && v) into.add(v);
      else collect(v, into);
    }
  }
}

export async function startTap(target: string): Promise<Tap> {
  const upstream = new URL(target);
  const minted = new Set<string>();
  const creationSecrets = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const forward = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
        (answer: IncomingMessage) => {
          const parts: Buffer[] = [];
          answer.on("data", (c: Buffer) => parts.push(c));
          answer.on("end", () => {
            const text = Buffer.concat(parts);
            try {
              const json = JSON.parse(text.toString("utf8")) as unknown;
              collect(json, minted);
              const path = (req.url ?? "").split("?")[0]!;
              if (req.method === "POST" && /\/api\/v2\/oauth\/clients\/?$/.test(path) && answer.statusCode === 200) {
                const created = json as { id?: string; secret?: string };
                if (created.id && created.secret) creationSecrets.set(created.id, created.secret);
              }
            } catch {
              // not JSON: nothing to remember
            }
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(text);
          });
        },
      );
      forward.on("error", () => {
        res.writeHead(502);
        res.end();
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    minted,
    creationSecrets,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
