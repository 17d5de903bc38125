import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { chmod, cp, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { CreateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { parse } from "yaml";
import { newSecret } from "../src/sandbox/genesys/store.js";
import { leakedSecrets } from "./helpers/keyward-cli.js";
import { runUnderActionsRunner } from "./helpers/actions-runner.js";
import { useSandboxKit } from "./helpers/sandbox.js";
import { startUserProject, type UserProject } from "./helpers/user-project.js";

/**
 * The examples as users copy them: every `run:` block runs under `bash --noprofile --norc -eo pipefail`, the shell
 * GitHub Actions uses for `shell: bash`, in a project that installed keyward, against the sandbox. What is not
 * keyward (terraform, `npm ci`, cdktf, the user's own deploy script) is a stub on PATH; keyward is the real one.
 * The contract checked is the one that broke: a failing keyward fails the step with its own exit code, and its
 * report still reaches the log.
 */
const run = promisify(execFile);
const EXAMPLES = join(process.cwd(), "examples");
const kit = useSandboxKit();
const outputs: string[] = [];

interface WorkflowStep {
  name?: string;
  id?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  "working-directory"?: string;
}
interface Workflow {
  defaults?: { run?: { shell?: string } };
  env?: Record<string, string>;
  jobs: Record<string, { env?: Record<string, string>; steps: WorkflowStep[] }>;
}

const workflow = async (name: string) => parse(await readFile(join(EXAMPLES, "github-actions", name), "utf8")) as Workflow;

/** GitHub's `${{ … }}` expressions, evaluated from `values` (an expression the test does not know fails the test). */
function expand(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_m, expr: string) => {
    if (!(expr in values)) throw new Error(`the test does not know the expression \${{ ${expr} }}`);
    return values[expr]!;
  });
}

interface StepRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one `run:` step as the runner does: workflow, job and step env; the working directory; bash -e -o pipefail. */
async function runStep(
  project: UserProject,
  file: string,
  job: string,
  match: (step: WorkflowStep) => boolean,
  options: { values?: Record<string, string>; env?: Record<string, string> } = {},
): Promise<StepRun> {
  const doc = await workflow(file);
  const step = doc.jobs[job]!.steps.find((s) => s.run !== undefined && match(s));
  if (!step) throw new Error(`${file}: job ${job} has no such run step`);
  const values = options.values ?? {};
  const env: Record<string, string> = { ...runnerEnv(project), ...options.env };
  for (const scope of [doc.env, doc.jobs[job]!.env, step.env]) for (const [k, v] of Object.entries(scope ?? {})) env[k] = expand(String(v), values);
  const script = join(project.dir, ".step.sh");
  await writeFile(script, expand(step.run!, values));
  const cwd = join(project.dir, step["working-directory"] ?? ".");
  await mkdir(cwd, { recursive: true });
  // Started by a process named Runner.Worker that reads the step's stdout pipe, as on a hosted runner
  // (`keyward rotate --github-output` proves that is where its stdout goes).
  const { code, stdout, stderr } = await runUnderActionsRunner(["bash", "--noprofile", "--norc", "-eo", "pipefail", script], { cwd, env, timeoutMs: 120_000 });
  outputs.push(
    stdout
      .split("\n")
      .filter((l) => !l.startsWith("::add-mask::"))
      .join("\n"),
    stderr,
  );
  return { code, stdout, stderr };
}

/** What the runner's environment holds: the tools (stubs first on PATH), RUNNER_TEMP, GITHUB_OUTPUT, and where the sandbox is. */
function runnerEnv(project: UserProject): Record<string, string> {
  const { GENESYSCLOUD_OAUTHCLIENT_ID: _id, GENESYSCLOUD_OAUTHCLIENT_SECRET: _secret, ...sandbox } = kit.env;
  void _id;
  void _secret;
  return {
    ...project.env,
    ...sandbox,
    PATH: `${join(project.dir, ".stubs")}:${project.env.PATH}`,
    CI: "true",
    GITHUB_ACTIONS: "true",
    RUNNER_TEMP: join(project.dir, ".runner-temp"),
    GITHUB_OUTPUT: join(project.dir, ".runner-temp", "output"),
  };
}

async function stub(path: string, body: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
}

/** A project with keyward installed, the stubs, a runner temp directory and an admin pair for `secrets.*`. */
async function project(): Promise<UserProject> {
  const p = await startUserProject();
  const stubs = join(p.dir, ".stubs");
  await stub(
    join(stubs, "terraform"),
    'case "$1 $2" in\n  "state pull") [ -z "$STUB_STATE_PULL_FAILS" ] || { echo "Error: Failed to load state" >&2; exit 1; }; cat "$STUB_STATE" ;;\n  *) echo "terraform $*" ;;\nesac',
  );
  await stub(join(stubs, "npm"), 'echo "npm $* (stub)"');
  await stub(join(p.dir, "node_modules", ".bin", "cdktf"), 'echo "cdktf $* (stub)"');
  await mkdir(join(p.dir, ".runner-temp"), { recursive: true });
  await writeFile(join(p.dir, ".runner-temp", "output"), "");
  return p;
}

const secretsValues = () => ({ "secrets.GENESYS_ADMIN_CLIENT_ID": kit.sandbox.admin.id, "secrets.GENESYS_ADMIN_CLIENT_SECRET": kit.sandbox.admin.secret });

afterAll(() => {
  expect(leakedSecrets(outputs, kit.minted)).toEqual([]);
});

describe("the example workflows run every run: block with `shell: bash` (bash -e -o pipefail)", () => {
  it.each(["deploy.yml", "rotate-scheduled.yml", "scan.yml"])("%s", async (file) => {
    const doc = await workflow(file);
    expect(doc.defaults?.run?.shell).toBe("bash");
    for (const job of Object.values(doc.jobs))
      for (const step of job.steps) expect({ step: step.name ?? step.run, shell: step.shell ?? "bash" }).toEqual({ step: step.name ?? step.run, shell: "bash" });
  });
});

describe("deploy.yml, as Actions runs it", () => {
  let p: UserProject;
  beforeAll(async () => (p = await project()));
  afterAll(() => p.close());
  const state = async (resources: unknown[]) => {
    const path = join(p.dir, "state.json");
    await writeFile(path, JSON.stringify({ version: 4, terraform_version: "1.11.4", serial: 1, lineage: randomUUID(), outputs: {}, resources, check_results: null }));
    return path;
  };
  const oauthClient = (id: string, secret: string) => ({
    mode: "managed",
    type: "genesyscloud_oauth_client",
    name: "billing",
    provider: 'provider["registry.terraform.io/mypurecloud/genesyscloud"]',
    instances: [
      {
        schema_version: 0,
        attributes: { id, name: "Billing Export", authorized_grant_type: "CLIENT-CREDENTIALS", state: "active", expose_client_secret: secret !== "", client_secret: secret },
        sensitive_attributes: [],
        dependencies: [],
      },
    ],
  });
  const audit = (env: Record<string, string>) => runStep(p, "deploy.yml", "deploy", (s) => /audit-state/.test(s.run!), { env });

  it("installs and deploys (npm and cdktf are stubs here; cdktf runs through npx --no-install)", async () => {
    expect((await runStep(p, "deploy.yml", "deploy", (s) => s.run === "npm ci")).code).toBe(0);
    const deploy = await runStep(p, "deploy.yml", "deploy", (s) => /cdktf deploy/.test(s.run!), { values: secretsValues() });
    expect(deploy).toMatchObject({ code: 0, stdout: "cdktf deploy keyward-* --auto-approve (stub)\n" });
  });

  it("audits a clean state: exit 0, and the JSON report is printed", async () => {
    const result = await audit({ STUB_STATE: await state([oauthClient("0b9e3c43-5d5f-4c0e-9b7a-3c1f2e4d5a6b", "")]) });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ exitCode: 0 });
  });

  it("fails the step with exit 1 on a live secret in the state, after printing the report (and keeping it in RUNNER_TEMP)", async () => {
    const client = await kit.createClient(`deploy-example-${randomUUID()}`);
    const result = await audit({ STUB_STATE: await state([oauthClient(client.id, client.secret)]) });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { exitCode: number; findings: unknown[] };
    expect(report).toMatchObject({ exitCode: 1 });
    expect(report.findings.length).toBeGreaterThan(0);
    expect(await readFile(join(p.dir, ".runner-temp", "audit.json"), "utf8")).toBe(result.stdout);
  });

  it("fails the step when `terraform state pull` fails: the pipe does not hide it", async () => {
    const result = await audit({ STUB_STATE: "/nonexistent", STUB_STATE_PULL_FAILS: "1" });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/Failed to load state/);
  });
});

describe("rotate-scheduled.yml, as Actions runs it", () => {
  let p: UserProject;
  beforeAll(async () => (p = await project()));
  afterAll(() => p.close());

  async function managedClient(name: string): Promise<{ clientId: string; secretId: string }> {
    const client = await kit.createClient(`${name}-${randomUUID()}`);
    const secretId = `keyward/clients/${name}-${randomUUID().slice(0, 8)}`;
    await kit.sm.send(new CreateSecretCommand({ Name: secretId }));
    return { clientId: client.id, secretId };
  }
  const manifest = async (clients: Array<{ clientId: string; secretId: string }>) => {
    await mkdir(join(p.dir, "rotation"), { recursive: true });
    await writeFile(join(p.dir, "rotation", "fleet.yaml"), `clients:\n${clients.map((c) => `  - clientId: ${c.clientId}\n    secretId: ${c.secretId}\n`).join("")}`);
  };
  const fleet = () => runStep(p, "rotate-scheduled.yml", "rotate", (s) => /--manifest/.test(s.run!), { values: secretsValues() });

  it("rotates the fleet: exit 0, the JSON report printed and kept", async () => {
    const clients = [await managedClient("reporting"), await managedClient("wfm")];
    await manifest(clients);
    const result = await fleet();
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    expect(JSON.parse(result.stdout)).toMatchObject({ schema: expect.stringMatching(/^keyward\./) });
    expect(await readFile(join(p.dir, ".runner-temp", "rotation.json"), "utf8")).toBe(result.stdout);
    for (const c of clients) {
      const stored = await kit.stored(c.secretId);
      expect(await kit.check(c.clientId, stored.clientSecret)).toBe("live");
    }
  });

  it("fails the step with keyward's exit code when a client fails, and the report still reaches the log", async () => {
    await manifest([await managedClient("ok"), { clientId: randomUUID(), secretId: "keyward/clients/missing-client" }]);
    const result = await fleet();
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ schema: expect.stringMatching(/^keyward\./) });
  });

  it("hands one client's secret, masked, to the next step", async () => {
    const reporting = await kit.createClient(`reporting-${randomUUID()}`);
    await kit.sm.send(new CreateSecretCommand({ Name: "keyward/clients/reporting" }));
    const rotated = await runStep(p, "rotate-scheduled.yml", "rotate-and-hand-over", (s) => /--github-output/.test(s.run!), {
      values: { ...secretsValues(), "vars.REPORTING_CLIENT_ID": reporting.id },
    });
    expect({ code: rotated.code, stderr: rotated.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    const output = await readFile(join(p.dir, ".runner-temp", "output"), "utf8");
    const secret = /^client_secret<<(\S+)\n([\s\S]*?)\n\1$/m.exec(output)?.[2];
    expect(secret).toBeDefined();
    kit.minted.add(secret!);
    expect(rotated.stdout).toContain(`::add-mask::${secret}`);
    expect(await kit.check(reporting.id, secret!)).toBe("live");
    await stub(join(p.dir, "deploy-reporting.sh"), '[ -n "$CLIENT_SECRET" ] && echo "deployed with a secret of ${#CLIENT_SECRET} characters"');
    const used = await runStep(p, "rotate-scheduled.yml", "rotate-and-hand-over", (s) => s.run === "./deploy-reporting.sh", {
      values: { "steps.rotate.outputs.client_secret": secret! },
    });
    expect(used).toMatchObject({ code: 0, stdout: `deployed with a secret of ${secret!.length} characters\n` });
  });
});

/** A git work tree inside the project, with one commit. */
async function gitProject(files: Record<string, string>): Promise<{ p: UserProject; git: (...args: string[]) => Promise<string> }> {
  const p = await project();
  const env = { ...p.env, GIT_AUTHOR_NAME: "Dev", GIT_AUTHOR_EMAIL: "dev@example.com", GIT_COMMITTER_NAME: "Dev", GIT_COMMITTER_EMAIL: "dev@example.com" };
  const git = async (...args: string[]) => (await run("git", args, { cwd: p.dir, env })).stdout;
  await git("init", "-q", "-b", "main");
  await writeFile(join(p.dir, ".gitignore"), "node_modules/\n.stubs/\n.runner-temp/\n.step.sh\n");
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(p.dir, name)), { recursive: true });
    await writeFile(join(p.dir, name), text);
  }
  await git("add", "-A");
  await git("commit", "-q", "-m", "first");
  return { p, git };
}
const leakFile = (secret: string) => `# billing export\nGENESYSCLOUD_OAUTHCLIENT_ID=3f0b1d2e-8c4a-4e1b-9f2d-6a7c8b9d0e1f\nGENESYSCLOUD_OAUTHCLIENT_SECRET=${secret}\n`;

describe("scan.yml, as Actions runs it", () => {
  it("prints the Action's outputs, and says so when the Action produced none", async () => {
    const p = await project();
    try {
      const match = (s: WorkflowStep) => /echo "findings=/.test(s.run!);
      expect(await runStep(p, "scan.yml", "keyward", match, { values: { "steps.scan.outputs.findings": "2", "steps.scan.outputs.new-findings": "1" } })).toMatchObject({
        code: 0,
        stdout: "findings=2 new=1\n",
      });
      expect(await runStep(p, "scan.yml", "keyward", match, { values: { "steps.scan.outputs.findings": "", "steps.scan.outputs.new-findings": "" } })).toMatchObject({
        code: 0,
        stdout: "findings=none new=none\n",
      });
    } finally {
      await p.close();
    }
  });

  it("scans the history into SARIF: exit 0 when clean, exit 1 with the SARIF written when a commit leaked a credential", async () => {
    const secret = newSecret();
    kit.minted.add(secret);
    const { p, git } = await gitProject({ "README.md": "# project\n" });
    try {
      const history = () => runStep(p, "scan.yml", "history", (s) => /--git/.test(s.run!));
      expect((await history()).code).toBe(0);
      await writeFile(join(p.dir, "billing.env"), leakFile(secret));
      await git("add", "billing.env");
      await git("commit", "-q", "-m", "oops");
      const leaked = await history();
      expect(leaked.code).toBe(1);
      const sarif = JSON.parse(await readFile(join(p.dir, "history.sarif"), "utf8")) as { runs: Array<{ results: unknown[] }> };
      expect(sarif.runs[0]!.results).toHaveLength(1);
    } finally {
      await p.close();
    }
  });
});

describe("the pre-commit examples, in a repository that installed keyward", () => {
  const hookCommands = async () => {
    const config = parse(await readFile(join(EXAMPLES, "pre-commit", ".pre-commit-config.yaml"), "utf8")) as {
      repos: Array<{ repo: string; hooks: Array<{ entry: string; language: string; pass_filenames: boolean }> }>;
    };
    expect(config.repos[0]).toMatchObject({ repo: "local", hooks: [{ language: "system", pass_filenames: false }] });
    return { framework: config.repos[0]!.hooks[0]!.entry };
  };

  it("the git hook and the pre-commit framework's entry refuse a staged credential (exit 1) and let a clean change through", async () => {
    const secret = newSecret();
    kit.minted.add(secret);
    const { p, git } = await gitProject({ "README.md": "# project\n" });
    try {
      await cp(join(EXAMPLES, "pre-commit", "pre-commit"), join(p.dir, ".git", "hooks", "pre-commit"));
      const { framework } = await hookCommands();
      const hook = () =>
        run(join(p.dir, ".git", "hooks", "pre-commit"), [], { cwd: p.dir, env: p.env }).then(
          () => 0,
          (e: { code: number; stdout: string; stderr: string }) => {
            outputs.push(e.stdout, e.stderr);
            return e.code;
          },
        );
      const entry = () =>
        run("sh", ["-c", framework], { cwd: p.dir, env: p.env }).then(
          () => 0,
          (e: { code: number; stdout: string; stderr: string }) => {
            outputs.push(e.stdout, e.stderr);
            return e.code;
          },
        );
      await writeFile(join(p.dir, "notes.md"), "nothing secret\n");
      await git("add", "notes.md");
      expect([await hook(), await entry()]).toEqual([0, 0]);
      await writeFile(join(p.dir, "billing.env"), leakFile(secret));
      await git("add", "billing.env");
      expect([await hook(), await entry()]).toEqual([1, 1]);
    } finally {
      await p.close();
    }
  });
});
