/**
 * `npm start`: keyward's whole lifecycle on the sandbox, each step's outcome computed (a failed step fails the run):
 *   declare → apply (expose_client_secret off, provisioner rotates) → audit the state → a developer leaks a secret →
 *   detect (`keyward scan --git --verify`) → alert → contain (`keyward janitor serve`) → tell (Slack DM, SIEM) → prove.
 * Everything runs on loopback: the Genesys Cloud and Secrets Manager emulators, and stand-ins for GitHub's REST API,
 * Slack's Web API and a Splunk HEC intake. Every keyward command runs as a real process and is printed as it runs.
 *
 * The apply is real Terraform when Go and a Terraform >= 1.4 (or OpenTofu, built with Go) are on the machine: the
 * clients stack applies through keyward's stand-in providers (test/terraform/providers, built once into the cache
 * with a progress line, `npm run terraform:rc`), and the states audited are the ones Terraform wrote. Otherwise the
 * demo says so and simulates the apply (the synthesized provisioner still runs for real). KEYWARD_DEMO_TERRAFORM:
 * `auto` (default), `off` (always simulate), `on` (fail when Terraform cannot run).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { checkCredentials, createGenesysClient, genesysSettingsFromEnv } from "../src/genesys/index.js";
import { BUILTIN_ROLES } from "../src/sandbox/genesys/index.js";
import { startSandbox } from "../src/sandbox/sandbox.js";
import { sendSecretScanningAlert, startGitHubStub } from "../src/sandbox/stubs/github.js";
import { startSiemStub } from "../src/sandbox/stubs/siem.js";
import { startSlackStub } from "../src/sandbox/stubs/slack.js";
import { synthStacks } from "../stacks/app.js";
import { stateBackendSettings } from "../stacks/backend.js";
import { loadStacksConfigFile, parseStacksConfig, slugOf } from "../stacks/config.js";
import { interpolationsIn, readProvisioners, resolveProvisioner } from "../stacks/provisioners.js";
import { ensureStandins, findTerraform } from "./terraform-standins.mjs";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const BIN = fileURLToPath(new URL("../bin/keyward.js", import.meta.url));
const PROJECT = dirname(dirname(BIN));
const started = performance.now();
const printed: string[] = [];
const secrets = new Set<string>();
const written: string[] = [];
const summary: Array<{ step: string; outcome: string; ok: boolean }> = [];
const say = (text = "") => {
  printed.push(text);
  process.stdout.write(text + "\n");
};
const step = (n: number, title: string) => say(`\n── ${n}. ${title}`);
const record = (name: string, ok: boolean, outcome: string) => {
  summary.push({ step: name, outcome, ok });
  say(`  ${ok ? "✓" : "✗"} ${outcome}`);
};
const writeFile = (path: string, text: string) => {
  writeFileSync(path, text);
  written.push(path);
};

/** Runs the real keyward executable, printing the command first and its output after. */
function keyward(args: string[], env: Record<string, string>, options: { cwd?: string; show?: string } = {}): Promise<{ code: number | null; out: string; stdout: string }> {
  say(`$ keyward ${options.show ?? args.join(" ")}`);
  return run(process.execPath, ["--", BIN, ...args], env, options.cwd);
}

function run(file: string, args: string[], env: Record<string, string>, cwd?: string): Promise<{ code: number | null; out: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"], ...(cwd ? { cwd } : {}) });
    let out = "";
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      for (const line of out.trimEnd().split("\n").slice(0, 12)) if (line) say(`  ${line.length > 220 ? line.slice(0, 220) + "…" : line}`);
      say(`  (exit ${code})`);
      resolve({ code, out, stdout });
    });
  });
}

/** Every regular file under `dir` but Terraform's provider links (for the canary). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => !f.startsWith(".terraform/providers"))
    .map((f) => join(dir, f))
    .filter((f) => existsSync(f) && statSync(f).isFile());
}

/** The Terraform CLI with the stand-ins' CLI config, or why the demo simulates the apply instead. */
function terraformForDemo(): { path: string; name: string; version: string; rc: string } | { reason: string } {
  const mode = process.env.KEYWARD_DEMO_TERRAFORM ?? "auto";
  if (mode === "off") return { reason: "KEYWARD_DEMO_TERRAFORM=off" };
  const standins = ensureStandins((line) => say(`  ${line}`));
  if (!standins.rc) return { reason: standins.reason ?? "the stand-in providers could not be built" };
  const terraform = findTerraform((line) => say(`  ${line}`));
  if (!terraform.path) return { reason: terraform.reason ?? "no Terraform" };
  return { path: terraform.path, name: terraform.name, version: terraform.version, rc: standins.rc };
}

/**
 * Runs the Terraform CLI in `cwd` with the sandbox's environment (asynchronously: the emulators answer from this
 * process); prints the command and the lines that matter. `state pull` output is not printed (it is written to a file).
 */
function terraformRun(
  tool: { path: string; rc: string },
  cwd: string,
  args: string[],
  env: Record<string, string>,
  show: (line: string) => boolean,
): Promise<{ code: number | null; stdout: string }> {
  say(`$ ${tool.path === "terraform" ? "terraform" : tool.path} ${args.join(" ")}`);
  return new Promise((resolve, reject) => {
    const child = spawn(tool.path, args, {
      cwd,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", TF_CLI_CONFIG_FILE: tool.rc, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const out = `${stdout}${stderr}`;
      if (args[0] !== "state" && args[0] !== "output") {
        for (const line of out.split("\n")) if (line.trim() && (code !== 0 || show(line))) say(`  ${line.length > 220 ? line.slice(0, 220) + "…" : line}`);
        printed.push(out);
      }
      if (args[0] !== "output") say(`  (exit ${code})`);
      resolve({ code, stdout });
    });
  });
}

/** The state file Terraform would write for the applied clients stack (format version 4). */
function terraformState(
  clients: Array<{ address: string; id: string; name: string; secret: string; exposed: boolean }>,
  containers: Array<{ name: string; arn: string; clientId: string }>,
) {
  return {
    version: 4,
    terraform_version: "1.11.4",
    serial: 3,
    lineage: randomUUID(),
    outputs: {},
    resources: [
      ...clients.map((c) => ({
        mode: "managed",
        type: "genesyscloud_oauth_client",
        name: c.address.split(".")[1],
        provider: 'provider["registry.terraform.io/mypurecloud/genesyscloud"]',
        instances: [
          {
            schema_version: 0,
            attributes: {
              id: c.id,
              name: c.name,
              authorized_grant_type: "CLIENT-CREDENTIALS",
              state: "active",
              expose_client_secret: c.exposed,
              client_secret: c.exposed ? c.secret : "",
              access_token_validity_seconds: 86400,
            },
            sensitive_attributes: [[{ type: "get_attr", value: "client_secret" }]],
            dependencies: [],
          },
        ],
      })),
      ...containers.map((s) => ({
        mode: "managed",
        type: "aws_secretsmanager_secret",
        name: s.name.replace(/\W/g, "_"),
        provider: 'provider["registry.terraform.io/hashicorp/aws"]',
        instances: [
          {
            schema_version: 0,
            attributes: { id: s.arn, arn: s.arn, name: s.name, recovery_window_in_days: 7, tags: { "keyward:client-id": s.clientId, "managed-by": "keyward" } },
            sensitive_attributes: [],
          },
        ],
      })),
    ],
    check_results: null,
  };
}

const sandbox = await startSandbox();
const github = await startGitHubStub();
const slack = await startSlackStub();
const siem = await startSiemStub();
let janitor: ChildProcess | undefined;
const work = mkdtempSync(join(tmpdir(), "keyward-demo-"));
try {
  const env = sandbox.env;
  secrets.add(sandbox.admin.secret).add(sandbox.janitor.secret).add(github.token).add(slack.token).add(siem.token);
  const gateway = { loginBaseUrl: sandbox.genesys.url, apiBaseUrl: sandbox.genesys.url };
  const sm = new SecretsManagerClient({
    endpoint: sandbox.secretsManager.url,
    region: sandbox.region,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
  });
  const stored = async (id: string) => {
    const value = JSON.parse((await sm.send(new GetSecretValueCommand({ SecretId: id }))).SecretString ?? "{}") as { clientId: string; clientSecret: string };
    secrets.add(value.clientSecret);
    return value;
  };
  const admin = createGenesysClient(genesysSettingsFromEnv(env));

  say("keyward demo: the whole lifecycle of a Genesys Cloud OAuth client secret, on the sandbox (nothing leaves this machine)");
  step(1, "sandbox: emulators and stand-ins");
  say(`  Genesys Cloud emulator   ${sandbox.genesys.url}    Secrets Manager emulator ${sandbox.secretsManager.url}`);
  say(`  GitHub REST stand-in     ${github.url}    Slack Web API stand-in  ${slack.url}    SIEM (Splunk HEC) stand-in ${siem.url}`);

  step(2, "cdktf synth: the clients, janitor and scheduled-rotation stacks");
  const config = loadStacksConfigFile(join(PROJECT, "stacks", "examples", "clients.json"));
  mkdirSync(join(PROJECT, "cdktf.out"), { recursive: true });
  const outdir = mkdtempSync(join(PROJECT, "cdktf.out", ".demo-"));
  let stacks: ReturnType<typeof synthStacks>;
  try {
    stacks = synthStacks({ config, backend: stateBackendSettings({}), outdir, janitor: {} });
    for (const stack of Object.values(stacks)) {
      const resources = Object.entries((stack.json.resource ?? {}) as Record<string, object>).map(([t, byId]) => `${t} ×${Object.keys(byId).length}`);
      say(`  ${stack.name}: ${resources.join(", ")}`);
    }
    const synthesized = readdirSync(join(outdir, "stacks"), { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".json"))
      .map((f) => readFileSync(join(outdir, "stacks", f), "utf8"));
    const exposed = synthesized.filter((t) => /"expose_client_secret":\s*true/.test(t)).length;
    record("synth", Object.keys(stacks).length === 3 && exposed === 0, `${Object.keys(stacks).length} stacks synthesized; expose_client_secret is true nowhere (${exposed})`);

    const applied: Array<{ address: string; id: string; name: string; secret: string; exposed: boolean }> = [];
    const containers: Array<{ name: string; arn: string; clientId: string }> = [];
    const statePath = join(work, "terraform.keyward-clients.tfstate");
    const exposedPath = join(work, "terraform.exposed.tfstate");
    const tool = terraformForDemo();
    let exposedExpected: number;

    if ("path" in tool) {
      step(3, `terraform apply of the clients stack (${tool.name} ${tool.version}, keyward's stand-in providers; exposure off, the provisioner rotates)`);
      // The example, pointed at the sandbox: the gateway and the Secrets Manager endpoint go to the emulators, the
      // provisioner runs the local binary, and each client gets the sandbox's read-only role (a Terraform client may
      // grant only roles it holds: the example's role ids are placeholders, and a role declared in the same stack is
      // held by nobody yet).
      const example = JSON.parse(readFileSync(join(PROJECT, "stacks", "examples", "clients.json"), "utf8")) as Record<string, unknown> & {
        clients: Array<Record<string, unknown>>;
      };
      const genesysUrl = new URL(sandbox.genesys.url);
      const sandboxRaw = (overrides: Record<string, unknown>) => ({
        ...example,
        awsRegion: sandbox.region,
        scheduledRotation: false,
        gateway: { host: genesysUrl.hostname, port: genesysUrl.port, protocol: "http" },
        awsEndpoints: { secretsmanager: sandbox.secretsManager.url },
        rotateCommand: `node ${BIN} rotate --client-id "$KEYWARD_CLIENT_ID" --secret-id "$KEYWARD_SECRET_ARN"`,
        clients: example.clients.map((c) => ({ ...c, roles: [{ roleId: BUILTIN_ROLES.readonly, divisionId: "*" }] })),
        ...overrides,
      });
      const apply = async (raw: Record<string, unknown>, label: string, edit?: (json: Record<string, unknown>) => void) => {
        const parsed = parseStacksConfig(raw, `demo ${label} config`);
        const stack = Object.values(synthStacks({ config: parsed, backend: stateBackendSettings({}), outdir: join(outdir, label) })).find((st) => st.name.endsWith("-clients"))!;
        if (edit) {
          edit(stack.json);
          writeFileSync(stack.file, JSON.stringify(stack.json, null, 2));
        }
        const init = await terraformRun(tool, stack.workingDirectory, ["init", "-no-color", "-input=false"], env, (l) => /Installed|Terraform has been successfully/.test(l));
        const applyRun =
          init.code === 0
            ? await terraformRun(tool, stack.workingDirectory, ["apply", "-auto-approve", "-no-color", "-input=false"], env, (l) =>
                /\(local-exec\): rotated|Apply complete/.test(l),
              )
            : init;
        const outputs =
          applyRun.code === 0
            ? (JSON.parse((await terraformRun(tool, stack.workingDirectory, ["output", "-json"], env, () => false)).stdout || "{}") as Record<string, { value: string }>)
            : {};
        const state = applyRun.code === 0 ? (await terraformRun(tool, stack.workingDirectory, ["state", "pull"], env, () => false)).stdout : "";
        return { ok: applyRun.code === 0, outputs, state, parsed, dir: stack.workingDirectory };
      };
      const main = await apply(sandboxRaw({}), "clients");
      let rotatedOk = main.ok;
      for (const client of main.parsed.clients) {
        const slug = slugOf(client.name);
        const id = main.outputs[`${slug}-client-id`]?.value;
        const arn = main.outputs[`${slug}-secret-arn`]?.value;
        if (!id || !arn) {
          rotatedOk = false;
          continue;
        }
        const value = await stored(arn);
        // The emulator counts each new secret: 2 = the creation-time one, replaced by the provisioner's rotation.
        const view = sandbox.genesys.control.state().clients.find((c) => c.id === id);
        rotatedOk &&= view?.secretVersion === 2 && value.clientId === id && (await checkCredentials(id, value.clientSecret, gateway)) === "live";
        applied.push({ address: "", id, name: client.name, secret: "", exposed: false });
        containers.push({ name: client.secretName, arn, clientId: id });
        written.push(...filesUnder(main.dir));
      }
      record(
        "apply",
        rotatedOk,
        `${applied.length} clients applied by ${tool.name}; the provisioner rotated each: its creation-time secret replaced (the emulator's secret count is 2), the stored secret accepted`,
      );

      step(4, "keyward audit-state: the state Terraform wrote holds nothing usable");
      writeFile(statePath, main.state);
      const clean = await keyward(["audit-state", statePath], env);
      record(
        "audit clean state",
        clean.code === 0 && /no Genesys client secret found/.test(clean.out),
        "audit-state on the state (expose_client_secret off): exit 0, no secret in it",
      );
      say("  the same client applied with expose_client_secret = true (which keyward never synthesizes):");
      const crm = example.clients.find((c) => c.name === "CRM Sync") ?? example.clients[0]!;
      const exposed = await apply(
        sandboxRaw({ stackPrefix: "keyward-exposed", secretNamePrefix: "keyward/exposed/", clients: [{ ...crm, roles: [{ roleId: BUILTIN_ROLES.readonly, divisionId: "*" }] }] }),
        "exposed",
        (json) => {
          for (const client of Object.values((json.resource as Record<string, Record<string, Record<string, unknown>>>).genesyscloud_oauth_client!))
            client.expose_client_secret = true;
        },
      );
      const exposedState = JSON.parse(exposed.state || "{}") as { resources?: Array<{ type: string; instances: Array<{ attributes: { client_secret?: string } }> }> };
      for (const r of exposedState.resources ?? [])
        for (const i of r.instances) if (r.type === "genesyscloud_oauth_client" && i.attributes.client_secret) secrets.add(i.attributes.client_secret);
      writeFile(exposedPath, exposed.state);
      exposedExpected = exposed.ok ? 1 : -1;
    } else {
      say(`  no real Terraform for this run (${tool.reason}): simulating terraform apply instead; the synthesized provisioner still runs for real`);
      step(3, "apply the clients stack as Terraform would: create each client (exposure off), its empty container, then run the provisioner");
      const clientsStack = Object.values(stacks).find((st) => readProvisioners(st.json).length > 0)!;
      const resources = clientsStack.json.resource as Record<string, Record<string, { name?: string }>>;
      let provisionersOk = true;
      for (const spec of readProvisioners(clientsStack.json)) {
        const clientRef = interpolationsIn(spec.environment.KEYWARD_CLIENT_ID ?? "")[0]!;
        const secretRef = interpolationsIn(spec.environment.KEYWARD_SECRET_ARN ?? "")[0]!;
        const address = clientRef.replace(/\.id$/, "");
        const name = resources.genesyscloud_oauth_client![address.split(".")[1]!]!.name!;
        const secretName = resources.aws_secretsmanager_secret![secretRef.split(".")[1]!]!.name!;
        // The provider creates the client; the creation-time secret stays in its memory (expose_client_secret off).
        const client = await admin.oauthClients.create({ name, authorizedGrantType: "CLIENT-CREDENTIALS", roleDivisions: [{ roleId: BUILTIN_ROLES.readonly, divisionId: "*" }] });
        secrets.add(client.secret);
        const container = await sm.send(
          new CreateSecretCommand({
            Name: secretName,
            Tags: [
              { Key: "keyward:client-id", Value: client.id },
              { Key: "managed-by", Value: "keyward" },
            ],
          }),
        );
        applied.push({ address, id: client.id, name, secret: client.secret, exposed: false });
        containers.push({ name: secretName, arn: container.ARN!, clientId: client.id });
        const resolved = resolveProvisioner(spec, (expr) => (expr === clientRef ? client.id : expr === secretRef ? container.ARN : undefined));
        say(`  ${spec.resourceAddress}: client "${name}" → ${secretName}`);
        const result = await run("/bin/sh", ["-c", resolved.command], { ...env, ...resolved.environment }, clientsStack.workingDirectory);
        const value = await stored(secretName);
        const verdicts = [await checkCredentials(client.id, client.secret, gateway), await checkCredentials(client.id, value.clientSecret, gateway)];
        provisionersOk &&= result.code === 0 && verdicts[0] === "dead" && verdicts[1] === "live";
      }
      record(
        "apply",
        provisionersOk,
        `${applied.length} clients created and rotated by the synthesized provisioner: every creation-time secret refused, every stored secret accepted`,
      );

      step(4, "keyward audit-state: the state holds nothing usable");
      writeFile(statePath, JSON.stringify(terraformState(applied, containers), null, 2));
      const clean = await keyward(["audit-state", statePath], env);
      record(
        "audit clean state",
        clean.code === 0 && /no Genesys client secret found/.test(clean.out),
        "audit-state on the state (expose_client_secret off): exit 0, no secret in it",
      );
      // The same apply with exposure on would have stored each creation-time secret; the provisioner killed them.
      writeFile(
        exposedPath,
        JSON.stringify(
          terraformState(
            applied.map((c) => ({ ...c, exposed: true })),
            containers,
          ),
          null,
          2,
        ),
      );
      exposedExpected = applied.length;
    }
    const exposedAudit = await keyward(["audit-state", exposedPath, "--json"], env, { show: `audit-state ${exposedPath} --json` });
    const exposedReport = exposedAudit.code === 0 ? (JSON.parse(exposedAudit.stdout) as { findings: Array<{ verdict: string }> }) : { findings: [] };
    record(
      "audit exposed state",
      exposedAudit.code === 0 && exposedReport.findings.length === exposedExpected && exposedReport.findings.every((f) => f.verdict === "dead"),
      `a state written with expose_client_secret = true holds ${exposedReport.findings.length} secret(s), every one proven dead (exit ${exposedAudit.code})`,
    );

    step(5, "a developer commits a working credential to a repository; keyward scan finds it live");
    const leaked = applied.find((c) => c.name === "CRM Sync") ?? applied[0]!;
    const leakedContainer = containers.find((c) => c.clientId === leaked.id)!;
    const leakedSecret = (await stored(leakedContainer.name)).clientSecret;
    const repo = join(work, "integrations");
    mkdirSync(join(repo, "config"), { recursive: true });
    const git = (...args: string[]) =>
      execFileSync("git", args, { cwd: repo, env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", HOME: work }, stdio: ["ignore", "pipe", "pipe"] })
        .toString()
        .trim();
    git("init", "-q", "-b", "main");
    git("config", "user.email", "dev@acme.example");
    git("config", "user.name", "A Developer");
    writeFileSync(join(repo, "README.md"), "# integrations\n");
    git("add", ".");
    git("commit", "-q", "-m", "start");
    const leakedFile = ["# Genesys Cloud (us-east-1)", `GENESYSCLOUD_OAUTHCLIENT_ID=${leaked.id}`, `GENESYSCLOUD_OAUTHCLIENT_SECRET=${leakedSecret}`, ""].join("\n");
    writeFileSync(join(repo, "config", "genesys.env"), leakedFile);
    git("add", ".");
    git("commit", "-q", "-m", "wire the CRM sync");
    const commitSha = git("rev-parse", "HEAD");
    const blobSha = git("rev-parse", "HEAD:config/genesys.env");
    const scan = await keyward(["scan", "--git", "--verify", "--format", "json", repo], env, { show: `scan --git --verify --format json ${repo}` });
    const scanReport = (() => {
      try {
        return JSON.parse(scan.stdout) as { findings: Array<{ verdict: string; client_id?: string; clientId?: string; path: string }> };
      } catch {
        return { findings: [] };
      }
    })();
    const liveFinding = scanReport.findings.find((f) => f.verdict === "live");
    record(
      "scan",
      scan.code === 1 && liveFinding !== undefined,
      `scan --git --verify: exit ${scan.code}, ${scanReport.findings.length} finding(s), ${liveFinding ? `live in ${liveFinding.path}` : "none live"}`,
    );

    step(6, "GitHub raises a secret-scanning alert; keyward janitor serve verifies, contains, resolves, tells");
    const REPO = "acme/integrations";
    github.blobs.set(blobSha, leakedFile);
    github.commits.set(commitSha, { email: "dev@acme.example", files: [{ filename: "config/genesys.env", patch: "+…" }] });
    github.addAlert(REPO, {
      number: 1,
      secret: leakedSecret,
      locations: [
        { type: "commit", details: { path: "config/genesys.env", start_line: 3, end_line: 3, start_column: 33, end_column: 76, blob_sha: blobSha, commit_sha: commitSha } },
      ],
    });
    slack.users.set("dev@acme.example", "U-DEV");
    const webhookSecret = randomBytes(24).toString("base64url");
    secrets.add(webhookSecret);
    const policyPath = join(work, "janitor-policy.json");
    writeFile(policyPath, JSON.stringify({ defaultAction: "rotate", dryRun: false, protectedClients: [], clients: {} }));
    const janitorArn = (await sm.send(new DescribeSecretCommand({ SecretId: sandbox.secretNames.janitor }))).ARN!;
    const janitorEnv: Record<string, string> = {
      KEYWARD_WEBHOOK_SECRET: webhookSecret,
      GITHUB_TOKEN: github.token,
      GITHUB_API_URL: github.url,
      SLACK_BOT_TOKEN: slack.token,
      SLACK_API_URL: slack.url,
      KEYWARD_SLACK_FALLBACK_CHANNEL: "C-SOC",
      KEYWARD_SLACK_DM_DOMAINS: "acme.example",
      KEYWARD_SPLUNK_HEC_URL: siem.url,
      KEYWARD_SPLUNK_HEC_TOKEN: siem.token,
      KEYWARD_ADMIN_SECRET_ARN: janitorArn,
      KEYWARD_POLICY_FILE: policyPath,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: env.AWS_ENDPOINT_URL_SECRETS_MANAGER!,
      AWS_REGION: env.AWS_REGION!,
      AWS_ACCESS_KEY_ID: env.AWS_ACCESS_KEY_ID!,
      AWS_SECRET_ACCESS_KEY: env.AWS_SECRET_ACCESS_KEY!,
      KEYWARD_LOG_LEVEL: "warn",
    };
    say("$ keyward janitor serve --port 0");
    janitor = spawn(process.execPath, ["--", BIN, "janitor", "serve", "--port", "0"], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...janitorEnv },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let janitorOut = "";
    janitor.stdout!.on("data", (d: Buffer) => (janitorOut += d.toString()));
    janitor.stderr!.on("data", (d: Buffer) => (janitorOut += d.toString()));
    const webhook = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the janitor did not start: ${janitorOut.slice(-500)}`)), 10_000);
      const poll = setInterval(() => {
        const m = /"webhook":"([^"]+)"/.exec(janitorOut);
        if (m) {
          clearInterval(poll);
          clearTimeout(timer);
          resolve(m[1]!);
        }
      }, 20);
    });
    say(`  listening: ${webhook}`);
    const accepted = performance.now();
    const status = await sendSecretScanningAlert(webhook, webhookSecret, REPO, 1);
    say(`  POST signed secret_scanning_alert #1 → ${status}`);
    // Done when the leaked secret is refused, the alert resolved, the developer told and the SIEM has its event.
    let containedMs = -1;
    for (let i = 0; i < 200; i++) {
      const alert = github.alerts.get(`${REPO}#1`)!;
      if (containedMs < 0 && (await checkCredentials(leaked.id, leakedSecret, gateway)) === "dead") containedMs = performance.now() - accepted;
      if (containedMs >= 0 && alert.state === "resolved" && slack.posts.length > 0 && siem.events.length > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const alert = github.alerts.get(`${REPO}#1`)!;
    const dm = slack.posts.find((p) => p.channel.startsWith("D-"));
    say(`  leaked secret refused ${containedMs >= 0 ? `${Math.round(containedMs)} ms after the alert was accepted` : "NOT YET"}`);
    say(`  alert #1: ${alert.state}${alert.resolution ? ` (${alert.resolution})` : ""}; Slack DM to the committer: ${dm ? "sent" : "none"}; SIEM events: ${siem.events.length}`);
    if (dm) say(`  DM: ${dm.text.split("\n")[0]!.slice(0, 160)}`);
    record(
      "janitor",
      status === 202 && containedMs >= 0 && alert.state === "resolved" && alert.resolution === "revoked" && dm !== undefined && siem.events.length === 1,
      `alert accepted (202), leaked secret refused, alert resolved as revoked, committer told on Slack, one audit event in the SIEM`,
    );

    step(7, "proof");
    const leakedNow = await checkCredentials(leaked.id, leakedSecret, gateway);
    const current = await stored(leakedContainer.name);
    const currentNow = await checkCredentials(leaked.id, current.clientSecret, gateway);
    say(`  the leaked secret: ${leakedNow === "dead" ? "refused" : leakedNow}; the secret now in ${leakedContainer.name}: ${currentNow === "live" ? "accepted" : currentNow}`);
    record(
      "contained",
      leakedNow === "dead" && currentNow === "live" && current.clientSecret !== leakedSecret,
      "the integration keeps working from Secrets Manager; the leaked secret is dead",
    );
    const finalAudit = await keyward(["audit-state", statePath, exposedPath], env);
    record("final audit", finalAudit.code === 0, "the states hold nothing usable (exit 0)");
    for (const c of containers) await stored(c.name);
    await stored(sandbox.secretNames.janitor);
    for (const t of slack.raw) printed.push(t);
    for (const e of siem.events) printed.push(e);
    for (const c of github.calls) printed.push(c.body);
    printed.push(janitorOut);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }

  step(8, "canary: no secret in any printed line, Slack message, SIEM event, GitHub request or written file");
  // The exposed state holds the creation-time secrets on purpose (all proven dead); the repository is the leak itself.
  const files = written.filter((f) => f !== join(work, "terraform.exposed.tfstate") && existsSync(f)).map((f) => readFileSync(f, "utf8"));
  const haystack = [...printed, ...files].join("\n");
  const forms = (s: string) => [s, encodeURIComponent(s), JSON.stringify(s).slice(1, -1)];
  const leaks = [...secrets].filter((s) => forms(s).some((f) => haystack.includes(f)));
  record("canary", leaks.length === 0, `${secrets.size} secrets minted, stored or used; ${leaks.length} appear anywhere they must not`);
} catch (err) {
  record("run", false, `the demo stopped: ${(err as Error).message}`);
} finally {
  janitor?.kill("SIGTERM");
  await Promise.all([sandbox.close(), github.close(), slack.close(), siem.close()]);
  rmSync(work, { recursive: true, force: true });
}

const failed = summary.some((s) => !s.ok);
const width = Math.max(...summary.map((s) => s.step.length));
say(`\n── summary (${((performance.now() - started) / 1000).toFixed(1)} s)`);
for (const s of summary) say(`  ${s.ok ? "ok  " : "FAIL"}  ${s.step.padEnd(width)}  ${s.outcome}`);
say(
  failed
    ? "\ndemo FAILED"
    : "\ndemo OK: no live secret in any state; a leaked credential was detected live, contained, resolved and reported; the integration still works from Secrets Manager; nothing printed or written holds a secret",
);
process.exitCode = failed ? 1 : 0;
