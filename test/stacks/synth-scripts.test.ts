// The synth entry points as a user runs them, in a temporary copy of the project (real processes): exit codes
// for a bad configuration, cdktf.json left untouched by a synth, and `npm run synth` clearing the output between
// a JSON and an HCL synth.
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const exec = promisify(execFile);
const PROJECT = process.cwd();
/** One synth: seconds on an idle machine, minutes on a loaded one. Each test's own timeout covers its runs. */
const RUN_TIMEOUT_MS = 240_000;
const testTimeout = (runs: number) => runs * RUN_TIMEOUT_MS + 30_000;

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Ran> {
  try {
    const { stdout, stderr } = await exec(file, args, { cwd, env, maxBuffer: 16 * 1024 * 1024, timeout: RUN_TIMEOUT_MS });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

function baseEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: "true", npm_config_update_notifier: "false", ...extra };
  for (const key of ["SYNTH_HCL_OUTPUT", "CDKTF_CONTEXT_JSON", "CDKTF_OUTDIR", "KEYWARD_STACKS_CONFIG", "KEYWARD_STATE_BUCKET", "KEYWARD_VALIDATE_ONLY"]) {
    if (!(key in extra)) delete env[key];
  }
  return env;
}

const BAD = { genesysRegion: "mars-1", awsRegion: "eu-west-1", clients: [{ name: "A", authorizedGrantType: "TOKEN" }] };
const ISSUE = '$.genesysRegion: unknown Genesys Cloud region "mars-1"';
const count = (text: string, needle: string) => text.split(needle).length - 1;

describe("synth entry points (real processes, temporary copy of the project)", () => {
  let copy: string;
  let badConfig: string;
  let hostileConfig: string;

  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), "keyward-project-"));
    for (const entry of ["cdktf.json", "main.ts", "package.json", "tsconfig.json", "stacks", "src", "scripts"]) {
      cpSync(join(PROJECT, entry), join(copy, entry), { recursive: true });
    }
    symlinkSync(join(PROJECT, "node_modules"), join(copy, "node_modules"));
    badConfig = join(copy, "bad-stacks.json");
    writeFileSync(badConfig, JSON.stringify(BAD));
    // The example plus a client whose name and description Terraform would evaluate if they were not escaped.
    const example = JSON.parse(readFileSync(join(PROJECT, "stacks", "examples", "clients.json"), "utf8")) as { clients: unknown[] };
    example.clients.push({ name: 'Export ${file("/etc/hostname")}', description: "%{if true}x%{endif}", roles: [{ roleId: "8c5f0c2e-4a8b-4a5e-9d0a-3f3b2a1c9e7d" }] });
    hostileConfig = join(copy, "hostile-stacks.json");
    writeFileSync(hostileConfig, JSON.stringify(example));
  });

  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it(
    "`npx tsx main.ts` with a bad configuration: the issue list once, no stack trace, exit 2",
    async () => {
      const ran = await run("npx", ["--no-install", "tsx", "main.ts"], copy, baseEnv({ KEYWARD_STACKS_CONFIG: badConfig }));
      expect(ran.code).toBe(2);
      expect(count(ran.stderr, ISSUE)).toBe(1);
      expect(ran.stderr).toMatch(/^keyward: .*invalid keyward stacks configuration/);
      expect(ran.stderr).not.toMatch(/^\s+at /m);
    },
    testTimeout(1),
  );

  it(
    "`npm run synth` with a bad configuration: validates first, the list once, exit 2, nothing written",
    async () => {
      const ran = await run("npm", ["run", "--silent", "synth"], copy, baseEnv({ KEYWARD_STACKS_CONFIG: badConfig }));
      expect(ran.code).toBe(2);
      expect(count(ran.stderr, ISSUE)).toBe(1);
      expect(existsSync(join(copy, "cdktf.out", "manifest.json"))).toBe(false);
    },
    testTimeout(1),
  );

  it(
    "`npx cdktf synth` with a bad configuration: exit 1 (cdktf-cli maps every app failure to 1, as the README says)",
    async () => {
      const ran = await run("npx", ["--no-install", "cdktf", "synth"], copy, baseEnv({ KEYWARD_STACKS_CONFIG: badConfig, CHECKPOINT_DISABLE: "1" }));
      expect(ran.code).toBe(1);
      expect(`${ran.stdout}${ran.stderr}`).toContain(ISSUE);
    },
    testTimeout(1),
  );

  it(
    "`npm run synth` then `npm run synth -- --hcl`: cdktf.json untouched, no telemetry noise offline, only cdk.tf left, literals escaped in both",
    async () => {
      const before = readFileSync(join(copy, "cdktf.json"), "utf8");
      const env = baseEnv({ KEYWARD_STACKS_CONFIG: hostileConfig });
      delete env.CHECKPOINT_DISABLE;
      const json = await run("npm", ["run", "--silent", "synth"], copy, env);
      expect(json.code).toBe(0);
      // The script turns cdktf-cli's checkpoint call off itself: nothing about it, or a failed DNS lookup, is printed.
      expect(`${json.stdout}${json.stderr}`).not.toMatch(/checkpoint|ENOTFOUND|EAI_AGAIN/i);
      const clientsJson = readFileSync(join(copy, "cdktf.out", "stacks", "keyward-clients", "cdk.tf.json"), "utf8");
      expect(clientsJson).toContain('"name": "Export $${file(\\"/etc/hostname\\")}"');
      expect(clientsJson).toContain('"description": "%%{if true}x%%{endif}"');
      expect(clientsJson).not.toContain('"Export ${');
      // cdktf-cli writes a projectId into cdktf.json unless it already has one.
      expect(readFileSync(join(copy, "cdktf.json"), "utf8")).toBe(before);

      const hcl = await run("npm", ["run", "--silent", "synth", "--", "--hcl"], copy, baseEnv({ CHECKPOINT_DISABLE: "1", KEYWARD_STACKS_CONFIG: hostileConfig }));
      expect(hcl.code).toBe(0);
      const clientsHcl = readFileSync(join(copy, "cdktf.out", "stacks", "keyward-clients", "cdk.tf"), "utf8");
      expect(clientsHcl).toMatch(/name += "Export \$\$\{file\(\\"\/etc\/hostname\\"\)\}"/);
      expect(clientsHcl).toMatch(/description += "%%\{if true\}x%%\{endif\}"/);
      for (const stack of ["keyward-clients", "keyward-scheduled-rotation"]) {
        const files = readdirSync(join(copy, "cdktf.out", "stacks", stack));
        expect(files).toContain("cdk.tf");
        expect(files).not.toContain("cdk.tf.json");
        // References are bare expressions, as `terraform fmt` writes them (test:terraform runs `terraform fmt -check`).
        const text = readFileSync(join(copy, "cdktf.out", "stacks", stack, "cdk.tf"), "utf8");
        expect(text).not.toMatch(/(^|[^$\\])"\$\{[^"]*\}"/m);
        expect(text).toMatch(/= (genesyscloud_oauth_client|aws_[a-z_]+)\.[\w-]+\.(id|arn|name)$/m);
      }
      expect(readFileSync(join(copy, "cdktf.json"), "utf8")).toBe(before);
    },
    testTimeout(2),
  );

  it("the tracked cdktf.json is exactly what cdktf-cli would write (projectId present, its formatting)", () => {
    const text = readFileSync(join(PROJECT, "cdktf.json"), "utf8");
    const parsed = JSON.parse(text) as { projectId?: string };
    expect(parsed.projectId).toMatch(/^[0-9a-f-]{36}$/);
    expect(text).toBe(JSON.stringify(parsed, null, 2));
  });
});
