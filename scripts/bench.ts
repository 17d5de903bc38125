/**
 * `npm run bench [-- --json FILE] [--quick]`: keyward's speed as ratios taken in one run against a floor or a peer,
 * never as pass/fail timings. Rows (ids P1…P5, several rows may share an id):
 *   P1 leak → contained: signed alert accepted → leaked secret refused, through the janitor's server, with a fixed
 *      round-trip latency on the Genesys emulator and the GitHub stand-in; p50/p99 and the sequential round trips
 *      on the critical path, against the floor (the minimum sequential calls × RTT).
 *   P2 fleet rotation under a per-token limit answered only with 429 + Retry-After: wall time ÷ the rate-limit
 *      floor, failures and lost secrets; the same fleet through an SDK-script peer.
 *   P3 scanner MB/s on a generated corpus with planted credentials, beside ripgrep (the seed's regex), gitleaks and
 *      TruffleHog (each given keyward's exported rule), with 1 and 2 threads; recall and precision of each; git-history
 *      scan against `git log -p -U0` itself.
 *   P4 cold start of three commands ÷ `node -e 0`.   P5 `cdktf synth` wall time and peak memory; `npm test` wall time.
 * Every figure is a median (samples given) or a count; machine details are in the JSON.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { cpus, totalmem, tmpdir } from "node:os";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { createLogger, silentLogger } from "../src/core/log.js";
import { createGenesysClient, genesysSettingsFromEnv } from "../src/genesys/index.js";
import { createJanitorRuntime, InProcessQueue, loadJanitorConfig, processWorkItem, startJanitorServer } from "../src/janitor/index.js";
import { rotateFleet } from "../src/rotation/fleet.js";
import { rotationDeps } from "../src/rotation/wire.js";
import { BUILTIN_ROLES } from "../src/sandbox/genesys/index.js";
import { startSandbox, type Sandbox } from "../src/sandbox/sandbox.js";
import { startGitHubStub } from "../src/sandbox/stubs/github.js";
import { startSlackStub } from "../src/sandbox/stubs/slack.js";
import { createSecretStore, serializeStoredCredentials } from "../src/secrets/index.js";
// @ts-expect-error plain ESM helper without types
import { ensureTool } from "./go-tools.mjs";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const args = process.argv.slice(2);
const QUICK = args.includes("--quick");
const jsonFile = args.includes("--json") ? args[args.indexOf("--json") + 1] : undefined;
const BIN = fileURLToPath(new URL("../bin/keyward.js", import.meta.url));
const ROOT = dirname(dirname(BIN));

interface Row {
  id: string;
  name: string;
  value: number;
  unit: string;
  baseline: string;
  baselineValue: number | null;
  ratio: number | null;
  samples: number;
}
const rows: Row[] = [];
const notes: string[] = [];
const add = (row: Omit<Row, "ratio"> & { ratio?: number | null }) => {
  const r: Row = { ...row, ratio: row.ratio !== undefined ? row.ratio : row.baselineValue ? round(row.value / row.baselineValue, 2) : null };
  rows.push(r);
  process.stderr.write(`  ${r.id} ${r.name}: ${r.value} ${r.unit}${r.ratio !== null ? ` (${r.ratio}x ${r.baseline})` : ""}\n`);
};
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function timeProcess(file: string, argv: string[], env: Record<string, string | undefined> = process.env, runs = 7): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    spawnSync(file, argv, { env, stdio: "ignore" });
    samples.push(performance.now() - t0);
  }
  return round(median(samples));
}

async function withSandbox<T>(fn: (s: Sandbox) => Promise<T>): Promise<T> {
  const sandbox = await startSandbox();
  try {
    return await fn(sandbox);
  } finally {
    await sandbox.close();
  }
}
const smClient = (s: Sandbox) => new SecretsManagerClient({ endpoint: s.secretsManager.url, region: s.region, credentials: { accessKeyId: s.env.AWS_ACCESS_KEY_ID!, secretAccessKey: s.env.AWS_SECRET_ACCESS_KEY! } });
const mkClient = (admin: ReturnType<typeof createGenesysClient>, name: string) => admin.oauthClients.create({ name, authorizedGrantType: "CLIENT-CREDENTIALS", roleDivisions: [{ roleId: BUILTIN_ROLES.readonly, divisionId: "*" }] });

process.stderr.write(`keyward bench${QUICK ? " (--quick)" : ""}\n`);

// ---- P4 cold start -------------------------------------------------------------------------------------------
{
  const runs = QUICK ? 5 : 9;
  const floor = timeProcess(process.execPath, ["-e", "0"], process.env, runs);
  const version = timeProcess(process.execPath, ["--", BIN, "--version"], process.env, runs);
  const dir = mkdtempSync(join(tmpdir(), "keyward-bench-"));
  writeFileSync(join(dir, "app.py"), "import os\nclient_id = os.environ['GENESYSCLOUD_OAUTHCLIENT_ID']\n");
  const scan = timeProcess(process.execPath, ["--", BIN, "scan", join(dir, "app.py")], process.env, runs);
  rmSync(dir, { recursive: true, force: true });
  const rotate = await withSandbox(async (s) => {
    const admin = createGenesysClient(genesysSettingsFromEnv(s.env));
    const client = await mkClient(admin, "bench-cold");
    await smClient(s).send(new CreateSecretCommand({ Name: "bench/cold" }));
    // The sandbox serves from this process: the child is awaited asynchronously (spawnSync would block it).
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await new Promise<void>((resolve) => spawn(process.execPath, ["--", BIN, "rotate", "--client-id", client.id, "--secret-id", "bench/cold"], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...s.env }, stdio: "ignore" }).on("close", () => resolve()));
      samples.push(performance.now() - t0);
    }
    return round(median(samples));
  });
  add({ id: "P4", name: "cold start: keyward --version", value: version, unit: "ms", baseline: "node -e 0", baselineValue: floor, samples: runs });
  add({ id: "P4", name: "cold start: keyward scan one small file", value: scan, unit: "ms", baseline: "node -e 0", baselineValue: floor, samples: runs });
  add({ id: "P4", name: "keyward rotate, one client, against the sandbox (whole process)", value: rotate, unit: "ms", baseline: "node -e 0", baselineValue: floor, samples: runs });
}

// ---- P2 fleet rotation under a 429-only rate limit ---------------------------------------------------------------
await withSandbox(async (s) => {
  const N = QUICK ? 60 : 200;
  const perSecond = 50; // 3,000 requests/min per token, answered with 429 + Retry-After only (no inin-ratelimit-*)
  const admin = createGenesysClient(genesysSettingsFromEnv(s.env));
  const sm = smClient(s);
  const store = createSecretStore({ client: sm });
  const fleet: Array<{ id: string; secret: string }> = [];
  for (let i = 0; i < N; i += 20) fleet.push(...(await Promise.all(Array.from({ length: Math.min(20, N - i) }, (_, j) => mkClient(admin, `bench-fleet-${i + j}`)))));
  for (let i = 0; i < N; i += 25) await Promise.all(fleet.slice(i, i + 25).map((_, j) => sm.send(new CreateSecretCommand({ Name: `bench/fleet/${i + j}` }))));
  const apiCount = () => Object.entries(s.genesys.control.state().requests).filter(([k]) => k.includes("/api/v2/")).reduce((sum, [, byStatus]) => sum + Object.values(byStatus).reduce((a, b) => a + b, 0), 0);
  s.genesys.control.setLimits({ apiRequestsPerWindow: perSecond, apiWindowSeconds: 1, tokenRequestsPerWindow: 100_000, tokenWindowSeconds: 60 });
  const before = apiCount();
  const t0 = performance.now();
  const report = await rotateFleet(fleet.map((c, i) => ({ clientId: c.id, secretId: `bench/fleet/${i}` })), rotationDeps(createGenesysClient(genesysSettingsFromEnv(s.env)), store, silentLogger), { concurrency: 8 });
  const wall = performance.now() - t0;
  const requests = apiCount() - before;
  const accepted = requests - (s.genesys.control.state().tooManyRequests ?? 0);
  let lost = 0;
  for (const [i, c] of fleet.entries()) {
    const value = JSON.parse((await store.getValue(`bench/fleet/${i}`)).value) as { clientSecret: string };
    if (!s.genesys.control.isSecretValid(c.id, value.clientSecret)) lost++;
  }
  const floorMs = (accepted / perSecond) * 1000;
  add({ id: "P2", name: `fleet of ${N}, concurrency 8, limit ${perSecond * 60}/min (429 + Retry-After only)`, value: round(wall), unit: "ms", baseline: `rate-limit floor (${accepted} accepted API requests ÷ ${perSecond}/s)`, baselineValue: round(floorMs), samples: 1 });
  add({ id: "P2", name: "fleet: failed clients", value: report.failed, unit: "count", baseline: "must be 0", baselineValue: null, ratio: null, samples: N });
  add({ id: "P2", name: "fleet: lost secrets (stored value does not authenticate)", value: lost, unit: "count", baseline: "must be 0", baselineValue: null, ratio: null, samples: N });

  // The peer: the official Genesys SDK + AWS SDK, regenerate → PutSecretValue, sequential, no verification.
  const { default: platformClient } = (await import("purecloud-platform-client-v2")) as unknown as { default: any };
  const sdk = new platformClient.ApiClient.constructor();
  sdk.config.setConfigPath("");
  sdk.setGateway({ host: "127.0.0.1", protocol: "http", port: s.genesys.port });
  await sdk.loginClientCredentialsGrant(s.admin.id, s.admin.secret);
  const oauthApi = new platformClient.OAuthApi(sdk);
  let peerFailed = 0;
  const p0 = performance.now();
  for (const [i, c] of fleet.entries()) {
    try {
      const r = await oauthApi.postOauthClientSecret(c.id);
      await sm.send(new PutSecretValueCommand({ SecretId: `bench/fleet/${i}`, SecretString: JSON.stringify({ clientId: c.id, clientSecret: r.secret }), ClientRequestToken: randomUUID() }));
    } catch {
      peerFailed++;
    }
  }
  const peer = performance.now() - p0;
  let peerLost = 0;
  for (const [i, c] of fleet.entries()) {
    const value = JSON.parse((await store.getValue(`bench/fleet/${i}`)).value) as { clientSecret: string };
    if (!s.genesys.control.isSecretValid(c.id, value.clientSecret)) peerLost++;
  }
  add({ id: "P2", name: `peer: SDK script, same fleet and limit, sequential, no verification`, value: round(peer), unit: "ms", baseline: "keyward's fleet wall time", baselineValue: round(wall), samples: 1 });
  add({ id: "P2", name: "peer: failed clients / lost secrets", value: peerFailed, unit: "count", baseline: `lost secrets: ${peerLost}`, baselineValue: null, ratio: null, samples: N });
});

// ---- P1 leak → contained --------------------------------------------------------------------------------------
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
    github.locationsPerPage = 100;
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

// ---- P3 scanner -------------------------------------------------------------------------------------------------
{
  const MB = QUICK ? 20 : 100;
  const dir = mkdtempSync(join(tmpdir(), "keyward-corpus-"));
  const planted = new Set<string>();
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
  const secret = () => {
    for (;;) {
      const s = Array.from(randomBytes(43), (b) => alphabet[b % 64]).join("");
      if (/[A-Z]/.test(s) && /[a-z]/.test(s) && /[0-9]/.test(s)) return s;
    }
  };
  const uuid = () => randomUUID();
  const filler = [
    "export function handler(event, context) {\n  const items = event.records.map((r) => ({ id: r.id, value: r.value * 2 }));\n  return { statusCode: 200, body: JSON.stringify(items) };\n}\n",
    'import os\nimport json\n\ndef load(path):\n    with open(path) as f:\n        return json.load(f)\n\nCONFIG = {"timeout": 30, "retries": 3, "region": "us-east-1"}\n',
    `"node_modules/some-lib": {\n  "version": "1.2.3",\n  "resolved": "https://registry.npmjs.org/some-lib/-/some-lib-1.2.3.tgz",\n  "integrity": "sha512-${randomBytes(48).toString("base64")}"\n},\n`,
    `!function(e){var t={};function n(r){if(t[r])return t[r].exports;var o=t[r]={i:r,l:!1,exports:{}};return e[r].call(o.exports,o,o.exports,n),o.l=!0,o.exports}n.m=e}({${randomBytes(20).toString("hex")}:1});\n`,
    `{"cell_type": "code", "execution_count": 3, "metadata": {}, "outputs": [], "source": ["df = pd.read_csv('data.csv')\\n", "df.describe()"]},\n`,
  ];
  let bytes = 0;
  let file = 0;
  while (bytes < MB * 1024 * 1024) {
    const parts: string[] = [];
    let size = 0;
    while (size < 256 * 1024) {
      const chunk = filler[Math.floor(Math.random() * filler.length)]!;
      parts.push(chunk);
      size += chunk.length;
    }
    if (file % 8 === 0) {
      const s = secret();
      planted.add(s);
      parts.splice(Math.floor(parts.length / 2), 0, `# Genesys Cloud\nGENESYSCLOUD_OAUTHCLIENT_ID = "${uuid()}"\nGENESYSCLOUD_OAUTHCLIENT_SECRET = "${s}"\n`);
    }
    const text = parts.join("");
    writeFileSync(join(dir, `f${file}.${["js", "py", "json", "min.js", "ipynb"][file % 5]}`), text);
    bytes += text.length;
    file++;
  }
  const mb = bytes / 1024 / 1024;
  const found = (text: string) => {
    const hits = new Set<string>();
    for (const m of text.matchAll(/[A-Za-z0-9_-]{43}/g)) hits.add(m[0]);
    const tp = [...hits].filter((h) => planted.has(h)).length;
    return { recall: round((tp / planted.size) * 100), precision: hits.size === 0 ? 100 : round((tp / hits.size) * 100) };
  };
  const runTool = (name: string, file: string, argv: string[], env: Record<string, string | undefined> = process.env, outputFile?: string) => {
    const t0 = performance.now();
    const r = spawnSync(file, argv, { env, maxBuffer: 512 * 1024 * 1024, encoding: "utf8" });
    const seconds = (performance.now() - t0) / 1000;
    const out = outputFile && existsSync(outputFile) ? readFileSync(outputFile, "utf8") : `${r.stdout}`;
    return { name, seconds, out, status: r.status };
  };
  const results: Array<{ name: string; threads: number; mbs: number; recall: number; precision: number }> = [];
  for (const jobs of [1, 2]) {
    const r = runTool("keyward scan", process.execPath, ["--", BIN, "scan", dir, "--format", "json", "--jobs", String(jobs)]);
    // keyward's JSON never holds the secret: recall is counted from its findings against the planted count.
    const findings = (JSON.parse(r.out || '{"findings":[]}') as { findings: unknown[] }).findings.length;
    results.push({ name: "keyward scan", threads: jobs, mbs: round(mb / r.seconds), recall: round((Math.min(findings, planted.size) / planted.size) * 100), precision: findings === 0 ? 100 : round((Math.min(findings, planted.size) / findings) * 100) });
  }
  let rg = spawnSync("rg", ["--version"]).status === 0 ? "rg" : undefined;
  if (!rg && spawnSync("apt-get", ["install", "-y", "-qq", "ripgrep"], { stdio: "ignore" }).status === 0) rg = "rg";
  const seedRegex = `(?i)(?:genesys|purecloud|client[_]?secret|oauth).*?['"][a-zA-Z0-9_-]{43}['"]`;
  if (rg) {
    for (const j of [1, 2]) {
      const r = runTool("ripgrep (seed regex)", rg, ["-j", String(j), "-o", "--no-filename", "--no-line-number", seedRegex, dir]);
      results.push({ name: "ripgrep, the seed's context regex", threads: j, mbs: round(mb / r.seconds), ...found(r.out) });
    }
  } else notes.push("ripgrep: not installed and apt-get could not install it; its rows are missing");
  const exported = mkdtempSync(join(tmpdir(), "keyward-rules-"));
  execFileSync(process.execPath, ["--", BIN, "patterns", "--format", "gitleaks", "--output", join(exported, "gitleaks.toml")]);
  execFileSync(process.execPath, ["--", BIN, "patterns", "--format", "trufflehog", "--output", join(exported, "trufflehog.yaml")]);
  const gitleaks = ensureTool("gitleaks") as { path?: string; reason?: string; built?: boolean; seconds?: number };
  if (gitleaks.path) {
    if (gitleaks.built) notes.push(`gitleaks built from its Go module in ${gitleaks.seconds} s (cached afterwards)`);
    for (const j of [1, 2]) {
      const report = join(exported, `gitleaks-${j}.json`);
      const r = runTool("gitleaks", gitleaks.path, ["dir", dir, "--config", join(exported, "gitleaks.toml"), "--no-banner", "--report-format", "json", "--report-path", report, "--max-decode-depth", "0"], { ...process.env, GOMAXPROCS: String(j) }, report);
      const secrets = (JSON.parse(r.out || "[]") as Array<{ Secret?: string; Match?: string }>).map((f) => f.Secret ?? f.Match ?? "").join("\n");
      results.push({ name: "gitleaks, keyward's exported rule", threads: j, mbs: round(mb / r.seconds), ...found(secrets) });
    }
  } else notes.push(`gitleaks: ${gitleaks.reason}; its rows are missing`);
  const trufflehog = ensureTool("trufflehog") as { path?: string; reason?: string; built?: boolean; seconds?: number };
  if (trufflehog.path) {
    if (trufflehog.built) notes.push(`TruffleHog built from its Go module in ${trufflehog.seconds} s (cached afterwards)`);
    for (const j of [1, 2]) {
      const r = runTool("trufflehog", trufflehog.path, ["filesystem", dir, "--config", join(exported, "trufflehog.yaml"), "--no-verification", "--json", "--concurrency", String(j), "--no-update"], { ...process.env, GOMAXPROCS: String(j) });
      const secrets = r.out.split("\n").filter(Boolean).map((l) => { try { return (JSON.parse(l) as { Raw?: string }).Raw ?? ""; } catch { return ""; } }).join("\n");
      results.push({ name: "TruffleHog, keyward's exported rule", threads: j, mbs: round(mb / r.seconds), ...found(secrets) });
    }
  } else notes.push(`TruffleHog: ${trufflehog.reason}; its rows are missing`);
  const keyward1 = results.find((r) => r.name === "keyward scan" && r.threads === 1)!.mbs;
  for (const r of results) {
    add({ id: "P3", name: `${r.name}, ${r.threads} thread(s), ${round(mb)} MB corpus: recall ${r.recall}%, precision ${r.precision}% of ${planted.size} planted`, value: r.mbs, unit: "MB/s", baseline: "keyward scan, 1 thread", baselineValue: keyward1, samples: 1 });
  }
  // Git history: patch text scanned by keyward against `git log -p -U0` producing it.
  const repo = mkdtempSync(join(tmpdir(), "keyward-history-"));
  const git = (...a: string[]) => execFileSync("git", a, { cwd: repo, env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", HOME: repo }, maxBuffer: 1024 * 1024 * 1024 });
  git("init", "-q", "-b", "main");
  git("config", "user.email", "bench@example.com");
  git("config", "user.name", "bench");
  const commits = QUICK ? 20 : 60;
  for (let c = 0; c < commits; c++) {
    for (let f = 0; f < 5; f++) writeFileSync(join(repo, `m${c}-${f}.js`), readFileSync(join(dir, `f${(c * 5 + f) % file}.${["js", "py", "json", "min.js", "ipynb"][((c * 5 + f) % file) % 5]}`), "utf8"));
    git("add", ".");
    git("commit", "-q", "-m", `c${c}`);
  }
  const t0 = performance.now();
  const patch = git("log", "-p", "-U0", "--no-color");
  const floorS = (performance.now() - t0) / 1000;
  const patchMb = patch.length / 1024 / 1024;
  const r = runTool("keyward scan --git", process.execPath, ["--", BIN, "scan", "--git", repo, "--format", "json"]);
  add({ id: "P3", name: `keyward scan --git, ${commits} commits, ${round(patchMb)} MB of patch text`, value: round(patchMb / r.seconds), unit: "MB/s", baseline: "git log -p -U0 alone", baselineValue: round(patchMb / floorS), samples: 1 });
  rmSync(repo, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
  rmSync(exported, { recursive: true, force: true });
}

// ---- P5 synth and tests -----------------------------------------------------------------------------------------
{
  const time = (argv: string[], env: Record<string, string | undefined>) => {
    const r = spawnSync("/usr/bin/time", ["-f", "%e %M", ...argv], { cwd: ROOT, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    const m = /([\d.]+) (\d+)\s*$/.exec(r.stderr ?? "");
    return m ? { seconds: Number(m[1]), maxRssMb: round(Number(m[2]) / 1024) } : undefined;
  };
  const env = { ...process.env, CHECKPOINT_DISABLE: "1", CI: "true" };
  const floor = time([process.execPath, "-e", "0"], env);
  const synth = time([process.execPath, "node_modules/cdktf-cli/bundle/bin/cdktf", "synth"], env) ?? time(["npx", "--no-install", "cdktf", "synth"], env);
  if (synth && floor) {
    add({ id: "P5", name: "cdktf synth (3 stacks), wall time", value: synth.seconds * 1000, unit: "ms", baseline: "node -e 0", baselineValue: floor.seconds * 1000 || 1, samples: 1 });
    add({ id: "P5", name: "cdktf synth, peak memory (largest process)", value: synth.maxRssMb, unit: "MiB", baseline: "node -e 0", baselineValue: floor.maxRssMb, samples: 1 });
  } else notes.push("cdktf synth: /usr/bin/time did not report; rows missing");
  if (!QUICK) {
    const tests = time(["npm", "test", "--silent"], env);
    if (tests) add({ id: "P5", name: "npm test wall time", value: tests.seconds, unit: "s", baseline: "CI budget for the suite (180 s)", baselineValue: 180, samples: 1 });
  } else notes.push("npm test wall time: skipped under --quick");
}

// ---- report --------------------------------------------------------------------------------------------------------
const machine = { node: process.version, platform: `${process.platform}/${process.arch}`, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? "?", memoryGiB: round(totalmem() / 1024 ** 3), date: new Date().toISOString(), quick: QUICK };
if (jsonFile) {
  mkdirSync(dirname(jsonFile), { recursive: true });
  writeFileSync(jsonFile, JSON.stringify({ machine, rows, notes }, null, 2) + "\n");
}
const table = [["id", "measured", "value", "vs", "ratio", "samples"], ...rows.map((r) => [r.id, r.name, `${r.value} ${r.unit}`, r.baselineValue === null ? r.baseline : `${r.baseline} (${r.baselineValue})`, r.ratio === null ? "-" : `${r.ratio}x`, String(r.samples)])];
const widths = table[0]!.map((_, i) => Math.min(90, Math.max(...table.map((r) => r[i]!.length))));
process.stdout.write(`keyward bench — node ${machine.node}, ${machine.platform}, ${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB${QUICK ? ", --quick" : ""}\n\n`);
for (const r of table) process.stdout.write(r.map((c, i) => (c.length > widths[i]! ? c.slice(0, widths[i]! - 1) + "…" : c).padEnd(widths[i]!)).join("  ").trimEnd() + "\n");
for (const n of notes) process.stdout.write(`note: ${n}\n`);

