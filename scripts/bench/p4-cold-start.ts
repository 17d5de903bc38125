import { spawn } from "node:child_process";
import { CreateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGenesysClient, genesysSettingsFromEnv } from "../../src/genesys/index.js";
import { add, BIN, median, mkClient, QUICK, round, smClient, timeProcess, withSandbox, type BenchSection } from "./common.js";

export const section: BenchSection = {
  id: "P4",
  title: "cold start of three commands vs node -e 0",
  async run() {
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
        await new Promise<void>((resolve) =>
          spawn(process.execPath, ["--", BIN, "rotate", "--client-id", client.id, "--secret-id", "bench/cold"], {
            env: { PATH: process.env.PATH, HOME: process.env.HOME, ...s.env },
            stdio: "ignore",
          }).on("close", () => resolve()),
        );
        samples.push(performance.now() - t0);
      }
      return round(median(samples));
    });
    add({ id: "P4", name: "cold start: keyward --version", value: version, unit: "ms", baseline: "node -e 0", baselineValue: floor, samples: runs });
    add({ id: "P4", name: "cold start: keyward scan one small file", value: scan, unit: "ms", baseline: "node -e 0", baselineValue: floor, samples: runs });
    add({
      id: "P4",
      name: "keyward rotate, one client, against the sandbox (whole process)",
      value: rotate,
      unit: "ms",
      baseline: "node -e 0",
      baselineValue: floor,
      samples: runs,
    });
  },
};
