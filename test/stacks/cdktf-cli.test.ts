// The real CLI, as CI runs it without Terraform: `cdktf synth` and `cdktf synth --hcl` into temp output
// directories, plus `npx tsx main.ts` from a fresh process (no CDKTF_CONTEXT_JSON). The three run in parallel,
// each takes about 10 s.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { auditSynthesizedStack, auditText } from "./audit.js";

const run = promisify(execFile);
const PROJECT = process.cwd();
const STACKS = ["keyward-clients", "keyward-scheduled-rotation"];
/** Resource types keyward binds by hand (terraform_data is built into cdktf: `DataResource`). */
const HAND_WRITTEN = [
  "genesyscloud_oauth_client",
  "genesyscloud_auth_role",
  "aws_secretsmanager_secret",
  "aws_iam_role",
  "aws_iam_role_policy",
  "aws_lambda_function",
  "aws_cloudwatch_log_group",
  "aws_scheduler_schedule",
  "aws_lambda_function_event_invoke_config",
  "aws_scheduler_schedule_group",
];

/** A clean environment: nothing that would redirect the config, the output or the format. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: "true", CHECKPOINT_DISABLE: "1", DISABLE_VERSION_CHECK: "1", ...extra };
  for (const key of ["SYNTH_HCL_OUTPUT", "CDKTF_CONTEXT_JSON", "CDKTF_OUTDIR", "KEYWARD_STACKS_CONFIG", "KEYWARD_STATE_BUCKET"]) {
    if (!(key in extra)) delete env[key];
  }
  return env;
}

/** The body of `resource "<type>" "<name>" { ... }` in formatted HCL (top-level blocks close with "}" at column 0). */
function hclResourceBody(hcl: string, type: string, name: string): string | undefined {
  const start = hcl.indexOf(`resource "${type}" "${name}" {\n`);
  if (start < 0) return undefined;
  const end = hcl.indexOf("\n}", start);
  return hcl.slice(start, end);
}

function hasTerraform(): boolean {
  return (process.env.PATH ?? "").split(":").some((dir) => dir && existsSync(join(dir, "terraform")));
}

describe("cdktf CLI synth (no terraform needed)", () => {
  let jsonOut: string;
  let hclOut: string;
  let tsxOut: string;
  const seconds: Record<string, number> = {};

  beforeAll(async () => {
    jsonOut = mkdtempSync(join(tmpdir(), "keyward-cli-json-"));
    hclOut = mkdtempSync(join(tmpdir(), "keyward-cli-hcl-"));
    tsxOut = mkdtempSync(join(tmpdir(), "keyward-tsx-"));
    const timed = async (label: string, file: string, args: string[], env: NodeJS.ProcessEnv) => {
      const started = Date.now();
      const result = await run(file, args, { cwd: PROJECT, env, maxBuffer: 16 * 1024 * 1024 });
      seconds[label] = (Date.now() - started) / 1000;
      return result;
    };
    const npx = process.platform === "win32" ? "npx.cmd" : "npx";
    await Promise.all([
      timed("cdktf synth", npx, ["cdktf", "synth", "--output", jsonOut], cleanEnv()),
      timed("cdktf synth --hcl", npx, ["cdktf", "synth", "--hcl", "--output", hclOut], cleanEnv()),
      timed("tsx main.ts", npx, ["tsx", "main.ts"], cleanEnv({ CDKTF_OUTDIR: tsxOut })),
    ]);
    // eslint-disable-next-line no-console
    console.log(`CLI timings (parallel): ${JSON.stringify(seconds)}`);
  }, 240_000);

  afterAll(() => {
    for (const dir of [jsonOut, hclOut, tsxOut]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const readJson = (dir: string, stack: string) => JSON.parse(readFileSync(join(dir, "stacks", stack, "cdk.tf.json"), "utf8"));
  const readHcl = (stack: string) => readFileSync(join(hclOut, "stacks", stack, "cdk.tf"), "utf8");

  it("produces every stack, in both formats", () => {
    for (const dir of [jsonOut, hclOut]) {
      const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
      expect(Object.keys(manifest.stacks).sort()).toEqual(STACKS);
    }
    for (const stack of STACKS) {
      expect(existsSync(join(jsonOut, "stacks", stack, "cdk.tf.json"))).toBe(true);
      expect(existsSync(join(hclOut, "stacks", stack, "cdk.tf"))).toBe(true);
    }
  });

  it("the HCL keeps every attribute of every hand-written resource the JSON has", () => {
    let checked = 0;
    for (const stack of STACKS) {
      const json = readJson(jsonOut, stack);
      const hcl = readHcl(stack);
      for (const type of HAND_WRITTEN) {
        for (const [name, body] of Object.entries((json.resource?.[type] ?? {}) as Record<string, Record<string, unknown>>)) {
          const block = hclResourceBody(hcl, type, name);
          expect({ resource: `${type}.${name}`, found: block !== undefined }).toEqual({ resource: `${type}.${name}`, found: true });
          for (const attribute of Object.keys(body).filter((k) => k !== "//")) {
            expect({ resource: `${type}.${name}`, attribute, present: new RegExp(`^\\s+${attribute}\\s*(=|\\{)`, "m").test(block!) }).toEqual({
              resource: `${type}.${name}`,
              attribute,
              present: true,
            });
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(60);
  });

  it("the HCL is syntactically valid (terraform fmt, when terraform is installed)", async () => {
    if (!hasTerraform()) return; // CI has no terraform; the attribute check above still runs.
    for (const stack of STACKS) {
      await expect(
        run("terraform", ["fmt", "-write=false", "-list=false", join(hclOut, "stacks", stack, "cdk.tf")], { env: { ...process.env, TF_CLI_CONFIG_FILE: "/dev/null" } }),
      ).resolves.toBeDefined();
    }
  });

  it("nothing secret-looking, no absolute paths, in any synthesized file", () => {
    for (const stack of STACKS) {
      expect(auditSynthesizedStack(readJson(jsonOut, stack), stack)).toEqual([]);
      const hcl = readHcl(stack);
      expect(auditText(hcl, `${stack}/cdk.tf`)).toEqual([]);
      for (const text of [hcl, JSON.stringify(readJson(jsonOut, stack))]) {
        expect(text).not.toContain(PROJECT);
        expect(text).not.toContain(tmpdir());
      }
    }
    expect(readHcl("keyward-clients")).toMatch(/expose_client_secret\s*=\s*false/);
    expect(readHcl("keyward-clients")).not.toMatch(/expose_client_secret\s*=\s*true/);
  });

  it("copies the Lambda bundle into the stack's assets", () => {
    const fn = Object.values(readJson(jsonOut, "keyward-scheduled-rotation").resource.aws_lambda_function)[0] as { filename: string };
    expect(existsSync(join(jsonOut, "stacks", "keyward-scheduled-rotation", fn.filename))).toBe(true);
    expect(existsSync(join(hclOut, "stacks", "keyward-scheduled-rotation", fn.filename))).toBe(true);
  });

  it("`npx tsx main.ts` from a fresh process reads cdktf.json itself and synthesizes the same configuration", () => {
    for (const stack of STACKS) expect(readJson(tsxOut, stack)).toEqual(readJson(jsonOut, stack));
  });
});
