import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { registerSecret, resetSecretRegistry } from "../../src/core/redact.js";
import { summarizeErrorBody } from "../../src/genesys/error-body.js";
import { DeadlineError, GenesysApiError, RateGate, Transport } from "../../src/genesys/index.js";
import { errorFromException } from "../../src/genesys/errors.js";

/** Limits the transport puts on what a server can make it do: body size, pauses, the run's deadline. */
let server: Server;
let url: string;
let handler: (res: import("node:http").ServerResponse) => void;
beforeAll(async () => {
  server = createServer((_req, res) => handler(res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const get = () => ({ method: "GET" as const, url: `${url}/api/v2/oauth/clients/c-1`, route: "/api/v2/oauth/clients/{clientId}", endpoint: "api" as const, clientId: "c-1" });

describe("the transport's limits", () => {
  it("refuses a streamed body past 1 MiB with a clear error, without reading the rest", async () => {
    let written = 0;
    handler = (res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (written < 700 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end();
      };
      res.on("close", () => (written = Infinity));
      pump();
    };
    const err = await new Transport({ maxBodyBytes: 1024 * 1024 }).send(get()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GenesysApiError);
    expect((err as GenesysApiError).reason).toBe("invalid-response");
    expect((err as GenesysApiError).message).toMatch(/body is larger than 1024 KiB/);
  });

  it("refuses a declared Content-Length past the limit before reading anything", async () => {
    handler = (res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": String(5 * 1024 * 1024) });
      res.end();
    };
    const err = await new Transport({ maxBodyBytes: 1024 * 1024 }).send(get()).catch((e: unknown) => e);
    expect((err as GenesysApiError).message).toMatch(/larger than/);
  });

  it("does not start a request once the run's deadline has passed", async () => {
    handler = (res) => res.end("{}");
    const err = await new Transport({ deadline: Date.now() - 1 }).send(get()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeadlineError);
    expect((err as DeadlineError).hint).toMatch(/KEYWARD_DEADLINE_SECONDS/);
  });

  it("gives up instead of waiting when a rate-limit pause would run past the deadline", async () => {
    handler = (res) => res.end("{}");
    const gate = new RateGate();
    gate.pauseUntil(Date.now() + 30_000);
    const err = await new Transport({ gate, deadline: Date.now() + 1_000 }).send(get()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeadlineError);
  });
});

describe("error bodies", () => {
  afterEach(() => resetSecretRegistry());

  it("are scrubbed before they are cut, so an echoed token straddling the cut survives in no part", () => {
    const token = "tok" + "x".repeat(60);
    registerSecret(token);
    const message = `${"a".repeat(280)} ${token} trailing`;
    const summary = summarizeErrorBody({ message, code: "bad.request" });
    expect(summary.message).not.toMatch(/tokx/);
    expect(summary.message).toContain("[REDACTED]");
  });

  it("lose bearer and basic credentials even when nobody registered them", () => {
    const summary = summarizeErrorBody({ message: "echo: Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123 and Basic Zm9vOmJhcmJhemJhcg==" });
    expect(summary.message).toBe("echo: Authorization: Bearer [REDACTED] and Basic [REDACTED]");
  });
});

describe("timeout errors", () => {
  it("name the setting that changes the timeout, with its current value", () => {
    const err = errorFromException({ operation: "GET /x", endpoint: "api", host: "api.example", idempotent: true, timeoutMs: 15_000 }, { kind: "timeout" }, "ETIMEDOUT");
    expect(err.hint).toMatch(/KEYWARD_HTTP_TIMEOUT_SECONDS \(now 15\)/);
    expect(err.hint).not.toMatch(/allow a longer timeout/);
  });
});
