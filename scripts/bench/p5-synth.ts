import { spawnSync } from "node:child_process";
import { add, notes, QUICK, ROOT, round, type BenchSection } from "./common.js";

export const section: BenchSection = {
  id: "P5",
  title: "cdktf synth and npm test",
  async run() {
    const time = (argv: string[], env: Record<string, string | undefined>) => {
      const r = spawnSync("/usr/bin/time", ["-f", "%e %M", ...argv], { cwd: ROOT, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
      const m = /([\d.]+) (\d+)\s*$/.exec(r.stderr ?? "");
      return m ? { seconds: Number(m[1]), maxRssMb: round(Number(m[2]) / 1024) } : undefined;
    };
    const env = { ...process.env, CHECKPOINT_DISABLE: "1", CI: "true" };
    const floor = time([process.execPath, "-e", "0"], env);
    const synth = time([process.execPath, "node_modules/cdktf-cli/bundle/bin/cdktf", "synth"], env) ?? time(["npx", "--no-install", "cdktf", "synth"], env);
    if (synth && floor) {
      add({
        id: "P5",
        name: "cdktf synth (3 stacks), wall time",
        value: synth.seconds * 1000,
        unit: "ms",
        baseline: "node -e 0",
        baselineValue: floor.seconds * 1000 || 1,
        samples: 1,
      });
      add({ id: "P5", name: "cdktf synth, peak memory (largest process)", value: synth.maxRssMb, unit: "MiB", baseline: "node -e 0", baselineValue: floor.maxRssMb, samples: 1 });
    } else notes.push("cdktf synth: /usr/bin/time did not report; rows missing");
    if (!QUICK) {
      const tests = time(["npm", "test", "--silent"], env);
      if (tests) add({ id: "P5", name: "npm test wall time", value: tests.seconds, unit: "s", baseline: "CI budget for the suite (180 s)", baselineValue: 180, samples: 1 });
    } else notes.push("npm test wall time: skipped under --quick");
  },
};
