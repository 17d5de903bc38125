import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import { CreateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { createGenesysClient, genesysSettingsFromEnv } from "../../src/genesys/index.js";
import { sendSecretScanningAlert, startGitHubStub } from "../../src/sandbox/stubs/github.js";
import { startSlackStub } from "../../src/sandbox/stubs/slack.js";
import { serializeStoredCredentials } from "../../src/secrets/index.js";
import { add, BIN, mkClient, notes, percentile, QUICK, round, smClient, withSandbox, type BenchSection } from "./common.js";

/**
 * `keyward janitor serve` as its own process, as in production: the emulators and stand-ins (and this bench's
 * poller) share this process's event loop, not the janitor's. Resolves once it listens; `audited(n)` settles when the
 * audit event of alert `n` is on its stdout (the delivery's whole processing is over).
 */
async function startJanitorProcess(env: Record<string, string>): Promise<{ url: string; audited(alert: number): Promise<void>; close(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ["--", BIN, "janitor", "serve", "--port", "0"], { env, stdio: ["ignore", "pipe", "pipe"] });
  const waiting = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  const seen = new Set<number>();
  child.once("exit", (code) => {
    for (const w of waiting.values()) w.reject(new Error(`P1: keyward janitor serve exited ${code} with deliveries in flight`));
  });
  createInterface({ input: child.stdout! }).on("line", (line) => {
    const event = JSON.parse(line) as { alertNumber?: number };
    if (typeof event.alertNumber !== "number") return;
    seen.add(event.alertNumber);
    waiting.get(event.alertNumber)?.resolve();
  });
  const errors: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stderr! }).on("line", (line) => {
      if (line.includes('"janitor listening"')) resolve((JSON.parse(line) as { url: string }).url);
      else errors.push(line);
    });
    child.once("exit", (code) => reject(new Error(`P1: keyward janitor serve exited ${code}: ${errors.slice(-5).join(" | ")}`)));
  });
  return {
    url,
    audited: (alert) => (seen.has(alert) ? Promise.resolve() : new Promise<void>((resolve, reject) => waiting.set(alert, { resolve, reject }))),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** The calls a leak cannot be contained without, one after the other (everything else runs beside them or after). */
const CRITICAL_PATH = {
  unmanaged: ["GET alert", "GET locations", "GET blob holding the client id", "token grant (verify)", "POST regenerate"],
  managed: ["GET alert", "token grant (verify, the id from the managed secrets' tags)", "POST regenerate"],
};

export const section: BenchSection = {
  id: "P1",
  title: "leak → contained through the janitor server (keyward janitor serve, its own process)",
  async run() {
    await withSandbox(async (s) => {
      const RTT = 50;
      const N = QUICK ? 20 : 60;
      const CONCURRENT = 10;
      const admin = createGenesysClient(genesysSettingsFromEnv(s.env));
      const sm = smClient(s);
      const github = await startGitHubStub();
      const slack = await startSlackStub();
      slack.users.set("dev@acme.example", "U-DEV");
      const webhookSecret = randomBytes(24).toString("base64url");
      const REPO = "acme/bench";
      const janitorArn = (
        await sm.send(
          new CreateSecretCommand({
            Name: "keyward/janitor/bench",
            SecretString: serializeStoredCredentials({
              clientId: s.janitor.id,
              clientSecret: s.janitor.secret,
              region: s.region,
              gateway: { host: "127.0.0.1", port: String(s.genesys.port), protocol: "http" },
            }),
          }),
        )
      ).ARN!;
      let janitor: Awaited<ReturnType<typeof startJanitorProcess>> | undefined;
      try {
        // Leaks: 1 + N unmanaged (revoke: no managed secret) and 1 + N managed (rotate into keyward/clients/…), the first of each a warm-up.
        const make = async (count: number, prefix: string) => {
          const out: Array<{ id: string; secret: string }> = [];
          for (let i = 0; i < count; i += 20) out.push(...(await Promise.all(Array.from({ length: Math.min(20, count - i) }, (_, j) => mkClient(admin, `${prefix}-${i + j}`)))));
          return out;
        };
        const unmanaged = await make(N + 1, "bench-unmanaged");
        const managed = await make(N + 1, "bench-managed");
        let alert = 0;
        const numbers = new Map<string, number>();
        for (const c of [...unmanaged, ...managed]) {
          const n = ++alert;
          numbers.set(c.id, n);
          github.blobs.set(`blob${n}`, `# Genesys Cloud\nGENESYSCLOUD_OAUTHCLIENT_ID=${c.id}\nGENESYSCLOUD_OAUTHCLIENT_SECRET=${c.secret}\n`);
          github.commits.set(`c0ffee${String(n).padStart(6, "0")}`, {
            email: "dev@acme.example",
            files: [{ filename: "config/genesys.env", patch: "+GENESYSCLOUD_OAUTHCLIENT_SECRET=…" }],
          });
          github.addAlert(REPO, {
            number: n,
            secret: c.secret,
            locations: [
              { type: "commit", details: { path: "config/genesys.env", start_line: 3, end_line: 3, blob_sha: `blob${n}`, commit_sha: `c0ffee${String(n).padStart(6, "0")}` } },
            ],
          });
        }
        for (const [i, c] of managed.entries()) {
          await sm.send(
            new CreateSecretCommand({
              Name: `keyward/clients/bench-${i}`,
              SecretString: serializeStoredCredentials({
                clientId: c.id,
                clientSecret: c.secret,
                region: s.region,
                gateway: { host: "127.0.0.1", port: String(s.genesys.port), protocol: "http" },
              }),
              Tags: [{ Key: "keyward:client-id", Value: c.id }],
            }),
          );
        }
        github.defaultPerPage = 100;
        // The janitor starts after the managed secrets exist (its listing of them is taken at start-up).
        const { GENESYSCLOUD_OAUTHCLIENT_ID: _id, GENESYSCLOUD_OAUTHCLIENT_SECRET: _secret, ...sandboxEnv } = s.env;
        janitor = await startJanitorProcess({
          PATH: process.env.PATH ?? "",
          ...sandboxEnv,
          KEYWARD_WEBHOOK_SECRET: webhookSecret,
          GITHUB_TOKEN: github.token,
          GITHUB_API_URL: github.url,
          SLACK_BOT_TOKEN: slack.token,
          SLACK_API_URL: slack.url,
          KEYWARD_SLACK_FALLBACK_CHANNEL: "C-SOC",
          KEYWARD_SLACK_DM_DOMAINS: "acme.example",
          KEYWARD_ADMIN_SECRET_ARN: janitorArn,
          KEYWARD_JANITOR_CONCURRENCY: "32",
          KEYWARD_LOG_LEVEL: "error",
        });
        s.genesys.control.setLimits({ apiRequestsPerWindow: 1_000_000, tokenRequestsPerWindow: 1_000_000 });
        s.genesys.control.setFaults([{ latencyMs: RTT }]);
        github.latencyMs = RTT;

        // One poller for every leak in flight (the bench shares the janitor's event loop: ten pollers would compete with it).
        const watching = new Map<string, { c: { id: string; secret: string }; t0: number; done: (ms: number) => void }>();
        const poller = setInterval(() => {
          const now = performance.now();
          for (const [id, w] of watching) {
            if (!s.genesys.control.isSecretValid(w.c.id, w.c.secret)) w.done(now - w.t0);
            else if (now - w.t0 > 30_000) w.done(Number.NaN);
            else continue;
            watching.delete(id);
          }
        }, 2);
        const deliver = async (c: { id: string; secret: string }) => {
          const t0 = performance.now();
          const refused = new Promise<number>((done) => watching.set(c.id, { c, t0, done }));
          await sendSecretScanningAlert(`${janitor!.url}/api/github/webhooks`, webhookSecret, REPO, numbers.get(c.id)!);
          const ms = await refused;
          await janitor!.audited(numbers.get(c.id)!);
          return ms;
        };
        const calls = () => Object.values(s.genesys.control.state().requests).reduce((a, b) => a + Object.values(b).reduce((x, y) => x + y, 0), 0) + github.calls.length;

        const scenario = async (label: "unmanaged" | "managed", leaks: Array<{ id: string; secret: string }>) => {
          await deliver(leaks[0]!); // warm-up (not measured)
          const before = calls();
          const alone = await deliver(leaks[1]!);
          const perDelivery = calls() - before;
          const latencies = [alone];
          for (let i = 2; i < leaks.length; i += CONCURRENT) latencies.push(...(await Promise.all(leaks.slice(i, i + CONCURRENT).map((c) => deliver(c)))));
          const ok = latencies.slice(1).filter((x) => Number.isFinite(x));
          const path = CRITICAL_PATH[label];
          const floor = path.length * RTT;
          const what = label === "unmanaged" ? "unmanaged client (revoke)" : "managed client (rotate; 3-call path)";
          notes.push(`P1 critical path, ${what}: ${path.join(" → ")} = ${path.length} calls × ${RTT} ms = ${floor} ms floor`);
          add({
            id: "P1",
            name: `${what}: one leak alone, delivery → leaked secret refused`,
            value: round(alone),
            unit: "ms",
            baseline: `floor: ${path.length} sequential calls × ${RTT} ms (goal ≤ 1.2x)`,
            baselineValue: floor,
            samples: 1,
          });
          add({
            id: "P1",
            name: `${what}: ${CONCURRENT} leaks at a time, p50`,
            value: round(percentile(ok, 50)),
            unit: "ms",
            baseline: `floor: ${path.length} sequential calls × ${RTT} ms`,
            baselineValue: floor,
            samples: ok.length,
          });
          add({
            id: "P1",
            name: `${what}: ${CONCURRENT} leaks at a time, p99`,
            value: round(percentile(ok, 99)),
            unit: "ms",
            baseline: `floor: ${path.length} sequential calls × ${RTT} ms (goal ≤ 1.5x)`,
            baselineValue: floor,
            samples: ok.length,
          });
          add({
            id: "P1",
            name: `${what}: calls per delivery (Genesys + GitHub, all of them; ${path.length} on the critical path)`,
            value: perDelivery,
            unit: "count",
            baseline: "calls on the critical path",
            baselineValue: path.length,
            samples: 1,
          });
          add({
            id: "P1",
            name: `${what}: leaks not contained within 30 s`,
            value: latencies.length - 1 - ok.length + (Number.isFinite(alone) ? 0 : 1),
            unit: "count",
            baseline: "must be 0",
            baselineValue: null,
            ratio: null,
            samples: latencies.length,
          });
        };
        await scenario("unmanaged", unmanaged);
        await scenario("managed", managed);
        clearInterval(poller);
      } finally {
        s.genesys.control.clearFaults();
        await janitor?.close();
        await github.close();
        await slack.close();
      }
    });
  },
};
