import { randomUUID } from "node:crypto";
import { CreateSecretCommand, PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { silentLogger } from "../../src/core/log.js";
import { createGenesysClient, genesysSettingsFromEnv } from "../../src/genesys/index.js";
import { rotateFleet } from "../../src/rotation/fleet.js";
import { rotationDeps } from "../../src/rotation/wire.js";
import { createSecretStore } from "../../src/secrets/index.js";
import { add, mkClient, QUICK, round, smClient, withSandbox, type BenchSection } from "./common.js";

export const section: BenchSection = {
  id: "P2",
  title: "fleet rotation under a 429-only rate limit, and the SDK peer",
  async run() {
    await withSandbox(async (s) => {
      const N = QUICK ? 60 : 200;
      const perSecond = 50; // 3,000 requests/min per token, answered with 429 + Retry-After only (no inin-ratelimit-*)
      const admin = createGenesysClient(genesysSettingsFromEnv(s.env));
      const sm = smClient(s);
      const store = createSecretStore({ client: sm });
      const fleet: Array<{ id: string; secret: string }> = [];
      for (let i = 0; i < N; i += 20) fleet.push(...(await Promise.all(Array.from({ length: Math.min(20, N - i) }, (_, j) => mkClient(admin, `bench-fleet-${i + j}`)))));
      for (let i = 0; i < N; i += 25) await Promise.all(fleet.slice(i, i + 25).map((_, j) => sm.send(new CreateSecretCommand({ Name: `bench/fleet/${i + j}` }))));
      const apiCount = () =>
        Object.entries(s.genesys.control.state().requests)
          .filter(([k]) => k.includes("/api/v2/"))
          .reduce((sum, [, byStatus]) => sum + Object.values(byStatus).reduce((a, b) => a + b, 0), 0);
      s.genesys.control.setLimits({ apiRequestsPerWindow: perSecond, apiWindowSeconds: 1, tokenRequestsPerWindow: 100_000, tokenWindowSeconds: 60 });
      const before = apiCount();
      const t0 = performance.now();
      const report = await rotateFleet(
        fleet.map((c, i) => ({ clientId: c.id, secretId: `bench/fleet/${i}` })),
        rotationDeps(createGenesysClient(genesysSettingsFromEnv(s.env)), store, silentLogger),
        { concurrency: 8 },
      );
      const wall = performance.now() - t0;
      const requests = apiCount() - before;
      const accepted = requests - (s.genesys.control.state().tooManyRequests ?? 0);
      let lost = 0;
      for (const [i, c] of fleet.entries()) {
        const value = JSON.parse((await store.getValue(`bench/fleet/${i}`)).value) as { clientSecret: string };
        if (!s.genesys.control.isSecretValid(c.id, value.clientSecret)) lost++;
      }
      const floorMs = (accepted / perSecond) * 1000;
      add({
        id: "P2",
        name: `fleet of ${N}, concurrency 8, limit ${perSecond * 60}/min (429 + Retry-After only)`,
        value: round(wall),
        unit: "ms",
        baseline: `rate-limit floor (${accepted} accepted API requests ÷ ${perSecond}/s)`,
        baselineValue: round(floorMs),
        samples: 1,
      });
      add({ id: "P2", name: "fleet: failed clients", value: report.failed, unit: "count", baseline: "must be 0", baselineValue: null, ratio: null, samples: N });
      add({
        id: "P2",
        name: "fleet: lost secrets (stored value does not authenticate)",
        value: lost,
        unit: "count",
        baseline: "must be 0",
        baselineValue: null,
        ratio: null,
        samples: N,
      });

      // The peer: the official Genesys SDK + AWS SDK, regenerate → PutSecretValue, sequential, no verification.
      // biome-ignore lint/suspicious/noExplicitAny: the Genesys SDK ships no types for its constructor-style API
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
          await sm.send(
            new PutSecretValueCommand({ SecretId: `bench/fleet/${i}`, SecretString: JSON.stringify({ clientId: c.id, clientSecret: r.secret }), ClientRequestToken: randomUUID() }),
          );
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
      add({
        id: "P2",
        name: `peer: SDK script, same fleet and limit, sequential, no verification`,
        value: round(peer),
        unit: "ms",
        baseline: "keyward's fleet wall time",
        baselineValue: round(wall),
        samples: 1,
      });
      add({
        id: "P2",
        name: "peer: failed clients / lost secrets",
        value: peerFailed,
        unit: "count",
        baseline: `lost secrets: ${peerLost}`,
        baselineValue: null,
        ratio: null,
        samples: N,
      });
    });
  },
};
