import { silentLogger } from "../../src/core/log.js";
import { createGenesysClient, genesysSettingsFromEnv } from "../../src/genesys/index.js";
import { rotateClient, type RotationTarget } from "../../src/rotation/rotate-client.js";
import { rotationDeps } from "../../src/rotation/wire.js";
import { SecretConsumer } from "../../src/sandbox/consumer.js";
import { createSecretStore } from "../../src/secrets/index.js";
import { add, median, mkClient, QUICK, round, smClient, withSandbox, type BenchSection } from "./common.js";

/**
 * P7: what a consumer of a rotated secret sees. A consumer reads AWSCURRENT, then (one re-read interval later, which
 * here spans a whole rotation) takes a token with what it held and re-reads. Refused grants per rotation: alternating
 * clients (must be 0) against single-client rotation (at least 1: the cutover every consumer sees until it re-reads).
 */
export const section: BenchSection = {
  id: "P7",
  title: "consumer-visible refused grants per rotation: alternating clients vs a single client",
  async run() {
    await withSandbox(async (s) => {
      const rotations = QUICK ? 5 : 20;
      const admin = createGenesysClient(genesysSettingsFromEnv(s.env));
      const sm = smClient(s);
      s.genesys.control.setLimits({ apiRequestsPerWindow: 100_000, tokenRequestsPerWindow: 100_000 });
      const deps = rotationDeps(createGenesysClient(genesysSettingsFromEnv(s.env)), createSecretStore({ client: sm }), silentLogger);
      const measure = async (target: RotationTarget): Promise<{ refused: number; wall: number[] }> => {
        const first = await rotateClient(target, deps, { createSecret: true });
        if (first.status !== "rotated") throw new Error(`P7: the first rotation failed: ${first.reason}`);
        const consumer = new SecretConsumer(sm, target.secretId, { loginBaseUrl: s.genesys.url, apiBaseUrl: s.genesys.url }, 10);
        consumer.start();
        const wall: number[] = [];
        try {
          for (let k = 0; k < rotations; k++) {
            await consumer.pause();
            const t0 = performance.now();
            const r = await rotateClient(target, deps);
            wall.push(performance.now() - t0);
            if (r.status !== "rotated") throw new Error(`P7: rotation ${k} failed: ${r.reason}`);
            const done = consumer.iterations.length;
            consumer.resume();
            await consumer.waitForIterations(done + 1);
          }
        } finally {
          await consumer.stop();
        }
        return { refused: consumer.refused, wall };
      };
      const a = await mkClient(admin, "bench-p7-pair");
      const b = await mkClient(admin, "bench-p7-pair-standby");
      const single = await mkClient(admin, "bench-p7-single");
      const alternating = await measure({ clientId: a.id, standbyClientId: b.id, secretId: "bench/p7/alternating" });
      const singleRun = await measure({ clientId: single.id, secretId: "bench/p7/single" });
      add({
        id: "P7",
        name: `alternating clients: refused grants per rotation (${rotations} rotations)`,
        value: round(alternating.refused / rotations, 2),
        unit: "per rotation",
        baseline: "must be 0",
        baselineValue: null,
        ratio: null,
        samples: rotations,
      });
      add({
        id: "P7",
        name: `single client: refused grants per rotation (${rotations} rotations)`,
        value: round(singleRun.refused / rotations, 2),
        unit: "per rotation",
        baseline: "the cutover: at least 1",
        baselineValue: null,
        ratio: null,
        samples: rotations,
      });
      add({
        id: "P7",
        name: "alternating rotation wall time (p50)",
        value: round(median(alternating.wall)),
        unit: "ms",
        baseline: "single-client rotation p50",
        baselineValue: round(median(singleRun.wall)),
        samples: rotations,
      });
    });
  },
};
