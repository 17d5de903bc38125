import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { CreateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { createLogger, silentLogger } from "../../src/core/log.js";
import { createGenesysClient, genesysSettingsFromEnv } from "../../src/genesys/index.js";
import { createJanitorRuntime, InProcessQueue, loadJanitorConfig, processWorkItem, startJanitorServer } from "../../src/janitor/index.js";
import { startGitHubStub } from "../../src/sandbox/stubs/github.js";
import { startSlackStub } from "../../src/sandbox/stubs/slack.js";
import { serializeStoredCredentials } from "../../src/secrets/index.js";
import { add, mkClient, percentile, QUICK, round, sleep, smClient, withSandbox, type BenchSection } from "./common.js";

export const section: BenchSection = {
  id: "P1",
  title: "leak → contained through the janitor server",
  async run() {
    await withSandbox(async (s) => {
      const RTT = 50;
      const N = QUICK ? 20 : 100;
      const CONCURRENT = 10;
      const admin = createGenesysClient(genesysSettingsFromEnv(s.env));
      const sm = smClient(s);
      const github = await startGitHubStub();
      const slack = await startSlackStub();
      const webhookSecret = randomBytes(24).toString("base64url");
      const REPO = "acme/bench";
      const janitorArn = (await sm.send(new CreateSecretCommand({ Name: "bench/janitor", SecretString: serializeStoredCredentials({ clientId: s.janitor.id, clientSecret: s.janitor.secret, region: s.region, gateway: { host: "127.0.0.1", port: String(s.genesys.port), protocol: "http" } }) }))).ARN!;
      const config = loadJanitorConfig({ KEYWARD_WEBHOOK_SECRET: webhookSecret, GITHUB_TOKEN: github.token, GITHUB_API_URL: github.url, SLACK_BOT_TOKEN: slack.token, SLACK_API_URL: slack.url, KEYWARD_SLACK_FALLBACK_CHANNEL: "C-SOC", KEYWARD_JANITOR_CREDENTIALS_ARN: janitorArn });
      const runtime = await createJanitorRuntime(config, { logger: createLogger({ level: "silent" }), secretsManager: sm, auditWrite: () => undefined });
      const queue = new InProcessQueue({ process: (item) => processWorkItem(item, runtime.processorDeps), logger: silentLogger });
      const server = await startJanitorServer({ webhookSecrets: runtime.webhookSecrets, enqueue: queue.enqueue, logger: silentLogger });
      try {
        const leaks: Array<{ id: string; secret: string }> = [];
        for (let i = 0; i < N; i += 20) leaks.push(...(await Promise.all(Array.from({ length: Math.min(20, N - i) }, (_, j) => mkClient(admin, `bench-leak-${i + j}`)))));
        for (const [n, c] of leaks.entries()) {
          await sm.send(new CreateSecretCommand({ Name: `bench/leak/${n}`, SecretString: serializeStoredCredentials({ clientId: c.id, clientSecret: c.secret, region: s.region }), Tags: [{ Key: "keyward:client-id", Value: c.id }] }));
          const blob = `blob${n}`;
          const commit = `c0ffee${String(n).padStart(6, "0")}`;
          github.blobs.set(blob, `# Genesys Cloud\nGENESYSCLOUD_OAUTHCLIENT_ID=${c.id}\nGENESYSCLOUD_OAUTHCLIENT_SECRET=${c.secret}\n`);
          github.commits.set(commit, { email: "dev@acme.example", files: [{ filename: "config/genesys.env" }] });
          github.addAlert(REPO, { number: n + 1, secret: c.secret, locations: [{ type: "commit", details: { path: "config/genesys.env", start_line: 3, end_line: 3, blob_sha: blob, commit_sha: commit } }] });
        }
        github.defaultPerPage = 100;
        s.genesys.control.setLimits({ apiRequestsPerWindow: 1_000_000, tokenRequestsPerWindow: 1_000_000 });
        s.genesys.control.setFaults([{ latencyMs: RTT }]);
        github.latencyMs = RTT;
        const deliver = async (n: number) => {
          const body = JSON.stringify({ action: "created", alert: { number: n + 1 }, repository: { full_name: REPO } });
          const t0 = performance.now();
          const res = await fetch(`${server.url}/api/github/webhooks`, { method: "POST", headers: { "content-type": "application/json", "x-github-event": "secret_scanning_alert", "x-github-delivery": randomUUID(), "x-hub-signature-256": "sha256=" + createHmac("sha256", webhookSecret).update(body).digest("hex") }, body });
          await res.text();
          const c = leaks[n]!;
          while (s.genesys.control.isSecretValid(c.id, c.secret)) {
            if (performance.now() - t0 > 30_000) return Number.NaN;
            await sleep(2);
          }
          return performance.now() - t0;
        };
        // One leak alone first, with request logs, to count the sequential round trips on its critical path.
        const gBefore = JSON.stringify(s.genesys.control.state().requests);
        const ghBefore = github.calls.length;
        const first = await deliver(0);
        await queue.idle();
        const gAfter = s.genesys.control.state().requests;
        const gCalls = Object.values(gAfter).reduce((a, b) => a + Object.values(b).reduce((x, y) => x + y, 0), 0) - Object.values(JSON.parse(gBefore) as Record<string, Record<string, number>>).reduce((a, b) => a + Object.values(b).reduce((x, y) => x + y, 0), 0);
        const ghCalls = github.calls.length - ghBefore;
        const latencies = [first];
        for (let i = 1; i < N; i += CONCURRENT) latencies.push(...(await Promise.all(Array.from({ length: Math.min(CONCURRENT, N - i) }, (_, j) => deliver(i + j)))));
        await queue.idle();
        const ok = latencies.filter((x) => Number.isFinite(x));
        const floor = 5 * RTT;
        add({ id: "P1", name: `leak → contained p50 (janitor server, ${RTT} ms RTT on Genesys and GitHub, ${CONCURRENT} leaks at a time)`, value: round(percentile(ok, 50)), unit: "ms", baseline: `floor: 5 sequential calls × ${RTT} ms`, baselineValue: floor, samples: ok.length });
        add({ id: "P1", name: "leak → contained p99", value: round(percentile(ok, 99)), unit: "ms", baseline: `floor: 5 sequential calls × ${RTT} ms`, baselineValue: floor, samples: ok.length });
        add({ id: "P1", name: "leak → contained, one leak alone", value: round(first), unit: "ms", baseline: `floor: 5 sequential calls × ${RTT} ms`, baselineValue: floor, samples: 1 });
        add({ id: "P1", name: "round trips per delivery (Genesys + GitHub, from the request logs; not all are on the critical path)", value: gCalls + ghCalls, unit: "count", baseline: "minimum on the critical path", baselineValue: 5, samples: 1 });
        add({ id: "P1", name: "leaks not contained within 30 s", value: latencies.length - ok.length, unit: "count", baseline: "must be 0", baselineValue: null, ratio: null, samples: N });
      } finally {
        s.genesys.control.clearFaults();
        await server.close();
        await queue.idle();
        await github.close();
        await slack.close();
      }
    });
  },
};
