// `npm start` with real Terraform: when Go and a Terraform are on the machine the demo applies the clients stack
// through the stand-in providers (from the cache) and audits the states Terraform wrote.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { detect } from "../../src/scan/detect.js";
import { loadRules } from "../../src/scan/rules.js";
import { terraformTool } from "./harness.js";

describe("npm start with real Terraform", () => {
  it("applies the clients stack with the stand-ins, every step ok, nothing a scanner would flag", async () => {
    const tool = terraformTool(); // builds the stand-ins first if this run has not yet
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      KEYWARD_DEMO_TERRAFORM: "on",
      ...(process.env.KEYWARD_CACHE_DIR ? { KEYWARD_CACHE_DIR: process.env.KEYWARD_CACHE_DIR } : {}),
    };
    const started = Date.now();
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ["dist/demo.js"], { env, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 });
    console.log(`npm start with ${tool.name} ${tool.version}: ${((Date.now() - started) / 1000).toFixed(1)} s (stand-ins cached)`);
    expect(stdout).toContain(`terraform apply of the clients stack (${tool.name} ${tool.version}, keyward's stand-in providers`);
    expect(stdout).toMatch(/Apply complete! Resources: 10 added/);
    const summary = stdout.slice(stdout.lastIndexOf("── summary"));
    const rows = summary.split("\n").filter((l) => /^ {2}(ok {2}|FAIL)/.test(l));
    expect(rows).toHaveLength(9);
    expect(rows.filter((r) => r.includes("FAIL"))).toEqual([]);
    expect(detect(stdout + stderr, loadRules())).toEqual([]);
  });
});
