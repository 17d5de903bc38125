/**
 * Stand-in for a SIEM's HTTP intake (Splunk HEC's `/services/collector/event`): real HTTP on loopback, keeping
 * every event it was sent (tests and `npm start`).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface SiemStub {
  /** `KEYWARD_SPLUNK_HEC_URL`. */
  url: string;
  token: string;
  /** The raw request bodies, in order. */
  events: string[];
  close(): Promise<void>;
}

export async function startSiemStub(token = "hec-" + Math.random().toString(36).slice(2)): Promise<SiemStub> {
  const stub = { token, events: [] as string[] } as unknown as SiemStub;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.headers.authorization !== `Splunk ${token}`) {
      res.writeHead(401, { "content-type": "application/json" });
      return res.end(JSON.stringify({ text: "Invalid token", code: 4 }));
    }
    stub.events.push(Buffer.concat(chunks).toString("utf8"));
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ text: "Success", code: 0 }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/collector/event`;
  stub.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return stub;
}
