import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { detect } from "../src/scan/detect.js";
import { loadRules } from "../src/scan/rules.js";

/**
 * `npm start` end to end, as a user runs it (the built dist/demo.js in its own process): every lifecycle step is
 * computed against the emulators and stand-ins and reported in the summary; a failed step fails the run.
 */
/** About 10 s on an idle machine; a loaded one (two suites at once on 2 cores) may take many times that. */
const DEMO_TIMEOUT_MS = 300_000;

describe("npm start", () => {
  it(
    "runs the whole lifecycle, every step ok, and prints nothing a scanner would flag",
    async () => {
      // The simulated apply: `npm test` needs no Go (test:terraform runs the demo with real Terraform).
      const env = { PATH: process.env.PATH, HOME: process.env.HOME, KEYWARD_DEMO_TERRAFORM: "off" };
      const { stdout, stderr } = await promisify(execFile)(process.execPath, ["dist/demo.js"], { env, timeout: DEMO_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 });
      const summary = stdout.slice(stdout.lastIndexOf("── summary"));
      const rows = summary.split("\n").filter((l) => /^ {2}(ok {2}|FAIL)/.test(l));
      expect(rows.map((r) => r.trim().split(/\s+/)[1])).toEqual(["synth", "apply", "audit", "audit", "scan", "janitor", "contained", "final", "canary"]);
      expect(rows.filter((r) => r.includes("FAIL"))).toEqual([]);
      expect(stdout).toMatch(/\ndemo OK: /);
      expect(stdout).toMatch(/no real Terraform for this run \(KEYWARD_DEMO_TERRAFORM=off\): simulating terraform apply instead/);
      for (const command of ["$ keyward audit-state", "$ keyward scan --git --verify", "$ keyward janitor serve"]) expect(stdout).toContain(command);
      expect(detect(stdout + stderr, loadRules())).toEqual([]);
    },
    DEMO_TIMEOUT_MS + 30_000,
  );
});
