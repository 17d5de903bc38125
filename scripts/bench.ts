/**
 * `npm run bench`: keyward's speed as ratios, never as pass/fail timings.
 *  1. CLI start-up (`keyward rotate --help`) against the floor (`node -e 0`) and a peer (loading the official
 *     Genesys SDK, which a hand-written rotation script would need).
 *  2. One rotation on the sandbox against the floor: the same six HTTP exchanges (token, GET client, POST secret,
 *     PutSecretValue, GetSecretValue, verifying token grant) made back to back with bare fetch calls.
 *  3. A 60-client fleet at concurrency 1, 4 and 8, against a peer: the official Genesys SDK + AWS SDK doing
 *     regenerate → PutSecretValue sequentially with no verification (what a typical script does).
 * Numbers vary with the machine; the ratios are what to compare between versions.
 */
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { PutSecretValueCommand, SecretsManagerClient, CreateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { silentLogger } from "../src/core/log.js";
import { createGenesysClient, genesysSettingsFromEnv } from "../src/genesys/index.js";
import { rotateClient } from "../src/rotation/rotate-client.js";
import { rotateFleet } from "../src/rotation/fleet.js";
import { rotationDeps } from "../src/rotation/wire.js";
import { BUILTIN_ROLES } from "../src/sandbox/genesys/index.js";
import { startSandbox } from "../src/sandbox/sandbox.js";
import { createSecretStore } from "../src/secrets/index.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const BIN = fileURLToPath(new URL("../bin/keyward.js", import.meta.url));
const rows: Array<[string, string, string, string]> = [];
const ms = (n: number) => `${n.toFixed(1)} ms`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timeIt(runs: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

// 1. start-up --------------------------------------------------------------------------------------------
const floorStart = await timeIt(7, () => execFileSync(process.execPath, ["-e", "0"]));
const keywardStart = await timeIt(7, () => execFileSync(process.execPath, ["--", BIN, "rotate", "--help"]));
const sdkStart = await timeIt(7, () => execFileSync(process.execPath, ["-e", "require('purecloud-platform-client-v2')"]));
rows.push(["start-up: keyward rotate --help", ms(keywardStart), `floor node -e 0: ${ms(floorStart)}`, `${(keywardStart / floorStart).toFixed(2)}x floor; official SDK load ${ms(sdkStart)} (${(keywardStart / sdkStart).toFixed(2)}x)`]);

// 2. one rotation against its floor --------------------------------------------------------------------
const sandbox = await startSandbox();
try {
  sandbox.genesys.control.setLimits({ apiRequestsPerWindow: 1_000_000, tokenRequestsPerWindow: 1_000_000 });
  const settings = genesysSettingsFromEnv(sandbox.env);
  const admin = createGenesysClient(settings);
  const sm = new SecretsManagerClient({ endpoint: sandbox.secretsManager.url, region: sandbox.region, credentials: sandbox.awsCredentials });
  const store = createSecretStore({ client: sm });
  const mkClient = (name: string) => admin.oauthClients.create({ name, authorizedGrantType: "CLIENT-CREDENTIALS", roleDivisions: [{ roleId: BUILTIN_ROLES.readonly, divisionId: "*" }] });

  const one = await mkClient("bench-one");
  await sm.send(new CreateSecretCommand({ Name: "bench/one" }));
  const deps = rotationDeps(admin, store, silentLogger);
  await rotateClient({ clientId: one.id, secretId: "bench/one" }, deps);
  const keywardOne = await timeIt(30, () => rotateClient({ clientId: one.id, secretId: "bench/one" }, deps));

  const url = sandbox.genesys.url;
  const basic = (id: string, secret: string) => "Basic " + Buffer.from(`${id}:${secret}`).toString("base64");
  const token = async (id: string, secret: string) => {
    const r = await fetch(`${url}/oauth/token`, { method: "POST", headers: { authorization: basic(id, secret), "content-type": "application/x-www-form-urlencoded" }, body: "grant_type=client_credentials" });
    return ((await r.json()) as { access_token: string }).access_token;
  };
  const bare = await mkClient("bench-floor");
  await sm.send(new CreateSecretCommand({ Name: "bench/floor" }));
  const floorOne = await timeIt(30, async () => {
    const t = await token(sandbox.admin.id, sandbox.admin.secret);
    await (await fetch(`${url}/api/v2/oauth/clients/${bare.id}`, { headers: { authorization: `Bearer ${t}` } })).json();
    const regenerated = (await (await fetch(`${url}/api/v2/oauth/clients/${bare.id}/secret`, { method: "POST", headers: { authorization: `Bearer ${t}` } })).json()) as { secret: string };
    await sm.send(new PutSecretValueCommand({ SecretId: "bench/floor", SecretString: JSON.stringify({ clientId: bare.id, clientSecret: regenerated.secret }), ClientRequestToken: randomUUID() }));
    await store.getValue("bench/floor");
    await token(bare.id, regenerated.secret);
  });
  rows.push(["one rotation (sandbox, loopback)", ms(keywardOne), `floor, 6 bare requests: ${ms(floorOne)}`, `${(keywardOne / floorOne).toFixed(2)}x floor (guards, describe, retries-ready transport, token revoke)`]);

  // 3. fleets against a peer ----------------------------------------------------------------------------
  const N = 60;
  const fleet = await Promise.all(Array.from({ length: N }, (_, i) => mkClient(`bench-fleet-${i}`)));
  await Promise.all(fleet.map((_, i) => sm.send(new CreateSecretCommand({ Name: `bench/fleet/${i}` }))));
  const targets = fleet.map((c, i) => ({ clientId: c.id, secretId: `bench/fleet/${i}` }));

  const { default: platformClient } = (await import("purecloud-platform-client-v2")) as unknown as { default: any };
  const sdk = new platformClient.ApiClient.constructor();
  sdk.config.setConfigPath("");
  sdk.setGateway({ host: "127.0.0.1", protocol: "http", port: sandbox.genesys.port });
  await sdk.loginClientCredentialsGrant(sandbox.admin.id, sandbox.admin.secret);
  const oauthApi = new platformClient.OAuthApi(sdk);
  const t0 = performance.now();
  for (const [i, c] of fleet.entries()) {
    const r = await oauthApi.postOauthClientSecret(c.id);
    await sm.send(new PutSecretValueCommand({ SecretId: `bench/fleet/${i}`, SecretString: JSON.stringify({ clientId: c.id, clientSecret: r.secret }), ClientRequestToken: randomUUID() }));
  }
  const peer = performance.now() - t0;
  rows.push([`peer: SDK script, ${N} clients, sequential, no verify`, ms(peer), `${(N / (peer / 1000)).toFixed(0)} clients/s`, "baseline"]);

  for (const concurrency of [1, 4, 8]) {
    const fleetAdmin = createGenesysClient(settings);
    const report = await rotateFleet(targets, rotationDeps(fleetAdmin, store, silentLogger), { concurrency });
    if (report.failed) throw new Error(`bench fleet had ${report.failed} failures`);
    rows.push([`keyward fleet, ${N} clients, concurrency ${concurrency}`, ms(report.totalMs), `${(N / (report.totalMs / 1000)).toFixed(0)} clients/s`, `${(peer / report.totalMs).toFixed(2)}x the peer's throughput, every client verified`]);
  }
} finally {
  await sandbox.close();
}

const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
process.stdout.write(`keyward bench (node ${process.version}, ${process.platform}/${process.arch})\n\n`);
for (const r of rows) process.stdout.write(r.map((c, i) => c.padEnd(widths[i]!)).join("  ") + "\n");
