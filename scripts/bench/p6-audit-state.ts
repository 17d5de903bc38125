import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUILTIN_ROLES } from "../../src/sandbox/genesys/index.js";
import { add, BIN, notes, QUICK, round, withSandbox, type BenchSection } from "./common.js";

/**
 * P6: `keyward audit-state` on a 10,000-resource state holding 50 unpaired secrets (no client id anywhere near them),
 * against an org of 500 clients, with the org's credentials: each secret can only be proven dead by every active
 * client-credentials client refusing it (each refusal re-checked once). Wall time and token grants made, beside the
 * fewest grants that proof takes. No timed assertion: the figures are reported.
 */
export const section: BenchSection = {
  id: "P6",
  title: "audit-state: 10,000-resource state, 50 unpaired secrets, an org of 500 clients",
  async run() {
    await withSandbox(async (s) => {
      const resources = QUICK ? 2_000 : 10_000;
      const orgClients = QUICK ? 100 : 500;
      const secrets = QUICK ? 10 : 50;
      for (let i = 0; i < orgClients; i += 100) {
        s.genesys.control.seed({ clients: Array.from({ length: Math.min(100, orgClients - i) }, (_, j) => ({ name: `bench-org-${i + j}`, roleIds: [BUILTIN_ROLES.readonly] })) });
      }
      s.genesys.control.setLimits({ tokenRequestsPerWindow: 100_000_000, apiRequestsPerWindow: 100_000 });
      const active = s.genesys.control.state().clients.filter((c) => c.state === "active" && c.authorizedGrantType === "CLIENT-CREDENTIALS").length;
      const every = Math.floor(resources / secrets);
      const state = {
        version: 4,
        terraform_version: "1.11.4",
        serial: 1,
        lineage: "bench-p6",
        outputs: {},
        resources: Array.from({ length: resources }, (_, i) => ({
          mode: "managed",
          type: "null_resource",
          name: `r${i}`,
          provider: 'provider["registry.terraform.io/hashicorp/null"]',
          instances: [
            {
              schema_version: 0,
              attributes: {
                id: String(1000 + i),
                triggers: i % every === 0 ? { leaked: randomBytes(32).toString("base64url") } : { epoch: String(i), noise: randomBytes(24).toString("hex") },
              },
              sensitive_attributes: [],
              dependencies: [],
            },
          ],
        })),
        check_results: null,
      };
      const dir = mkdtempSync(join(tmpdir(), "keyward-bench-p6-"));
      try {
        const path = join(dir, "big.tfstate");
        writeFileSync(path, JSON.stringify(state));
        const grantsBefore = Object.values(s.genesys.control.state().requests["POST /oauth/token"] ?? {}).reduce((a, b) => a + b, 0);
        const t0 = performance.now();
        const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
          const child = spawn(process.execPath, ["--", BIN, "audit-state", path, "--format", "json"], {
            env: { PATH: process.env.PATH, HOME: process.env.HOME, ...s.env },
            stdio: ["ignore", "pipe", "ignore"],
          });
          let out = "";
          child.stdout.on("data", (d: Buffer) => (out += d.toString()));
          child.on("error", reject);
          child.on("close", (c) => resolve({ code: c, stdout: out }));
        });
        const wall = performance.now() - t0;
        const grants = Object.values(s.genesys.control.state().requests["POST /oauth/token"] ?? {}).reduce((a, b) => a + b, 0) - grantsBefore;
        const report = JSON.parse(stdout) as { findings: Array<{ verdict: string }>; stats: { grants: number } };
        const dead = report.findings.filter((f) => f.verdict === "dead").length;
        const floor = secrets * active * 2;
        add({
          id: "P6",
          name: `audit-state wall time: ${resources} resources, ${secrets} unpaired secrets, org of ${active} active clients`,
          value: round(wall),
          unit: "ms",
          baseline: "none (reported)",
          baselineValue: null,
          ratio: null,
          samples: 1,
        });
        add({
          id: "P6",
          name: "audit-state token grants made (emulator count; incl. the org's own token)",
          value: grants,
          unit: "grants",
          baseline: `fewest for the proof (${secrets} secrets × ${active} clients × 2, each refusal re-checked)`,
          baselineValue: floor,
          samples: 1,
        });
        add({
          id: "P6",
          name: "audit-state secrets proven dead (exit code in note)",
          value: dead,
          unit: "count",
          baseline: `of ${secrets}`,
          baselineValue: null,
          ratio: null,
          samples: 1,
        });
        notes.push(`P6: audit-state exit ${code}; engine counted ${report.stats.grants} grants; ${round(grants / Math.max(1, wall / 1000))} grants/s on loopback`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
};
