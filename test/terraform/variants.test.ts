// The other ways keyward's stacks meet real Terraform, through the stand-in providers against a sandbox:
// - exposed: the same client with `expose_client_secret = true` (which keyward never synthesizes) keeps the
//   creation-time secret in the state, and the provisioner has already killed it: `keyward audit-state` proves it dead;
// - HCL: `npm run synth -- --hcl` output passes `terraform fmt -check` and applies like the JSON;
// - bring-your-own secret: a client naming an existing secret ARN needs no AWS provider at all;
// - an alternating pair: two clients, one container tagged with both ids in lower case; each rotation makes the other
//   client current while the one consumers hold keeps working;
// - the janitor and scheduled-rotation stacks (with Secrets Manager's own rotation of a pair) pass `terraform validate`.
// Afterwards, nothing printed and no file of any working directory (but the exposed variant's state) holds a secret the
// sandbox minted.
import { CreateSecretCommand, DescribeSecretCommand } from "@aws-sdk/client-secrets-manager";
import { spawn } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BUILTIN_ROLES } from "../../src/sandbox/genesys/index.js";
import { startSandboxKit, type SandboxKit } from "../helpers/sandbox.js";
import {
  ALTERNATING_ROTATE_COMMAND,
  cleanup,
  encodings,
  filesUnder,
  keyward,
  PROJECT,
  placeStack,
  printed,
  readText,
  sandboxConfig,
  synth,
  terraform,
  terraformOk,
  terraformTool,
  workDir,
  type TerraformTool,
} from "./harness.js";
import { startTap, type Tap } from "./tap.js";

let tool: TerraformTool;
let kit: SandboxKit;
let tap: Tap;
let env: Record<string, string>;
const dirs: Record<string, string> = {};

const CLIENT = { name: "Variant Client", description: "variant", roles: [{ roleId: BUILTIN_ROLES.readonly, divisionId: "*" }] };

function config(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return sandboxConfig({ genesysUrl: tap.url, secretsManagerUrl: kit.sandbox.secretsManager.url }, kit.sandbox.region, { clients: [CLIENT], ...overrides });
}

async function outputs(dir: string): Promise<Record<string, string>> {
  const out = JSON.parse((await terraformOk(tool, dir, ["output", "-json"], env)).stdout) as Record<string, { value: string }>;
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.value]));
}

const valid = (id: string, secret: string) => kit.sandbox.genesys.control.isSecretValid(id, secret);

beforeAll(async () => {
  tool = terraformTool();
  kit = await startSandboxKit();
  tap = await startTap(kit.sandbox.genesys.url);
  env = { ...kit.env, GENESYSCLOUD_GATEWAY_HOST: "127.0.0.1", GENESYSCLOUD_GATEWAY_PORT: String(tap.port) };
});

afterAll(async () => {
  await tap?.close();
  await kit?.close();
  cleanup();
});

describe("expose_client_secret = true (keyward never synthesizes it)", () => {
  let state: string;

  it("keeps the creation-time secret in the state, which the provisioner has already killed", async () => {
    const dir = (dirs.exposed = workDir("exposed"));
    const stack = synth(config({ stackPrefix: "kwexp", secretNamePrefix: "keyward/exposed/" }), workDir("exposed-synth"))["kwexp-clients"]!;
    placeStack(stack, dir, (json) => {
      for (const client of Object.values((json.resource as Record<string, Record<string, Record<string, unknown>>>).genesyscloud_oauth_client!)) client.expose_client_secret = true;
    });
    await terraformOk(tool, dir, ["init", "-no-color"], env);
    await terraformOk(tool, dir, ["apply", "-auto-approve", "-no-color"], env);
    const out = await outputs(dir);
    const clientId = out["variant-client-client-id"]!;
    // The state holds the creation-time secret by design: this output is the test's, not Terraform's chatter.
    state = (await terraformOk(tool, dir, ["state", "pull"], env, { record: false })).stdout;
    const creation = tap.creationSecrets.get(clientId)!;
    expect(state).toContain(`"client_secret": ${JSON.stringify(creation)}`);
    expect(valid(clientId, creation)).toBe(false);
    expect(valid(clientId, (await kit.stored(out["variant-client-secret-arn"]!)).clientSecret)).toBe(true);
  });

  it("keyward audit-state finds that secret and proves it dead (exit 0)", async () => {
    const audit = await keyward(["audit-state", "-", "--format", "json"], env, state);
    expect(audit.code).toBe(0);
    const report = JSON.parse(audit.stdout) as { findings: Array<{ verdict: string }> };
    expect(report.findings.map((f) => f.verdict)).toEqual(["dead"]);
  });

  it("destroys cleanly", async () => {
    await terraformOk(tool, dirs.exposed!, ["destroy", "-auto-approve", "-no-color"], env);
  });
});

/** `npm run synth [-- --hcl]` as a user runs it, with the stacks configuration in a file. */
function npmSynth(configFile: string, output: string, hcl: boolean): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const args = ["run", "--silent", "synth", "--", "--output", output, ...(hcl ? ["--hcl"] : [])];
    const child = spawn("npm", args, {
      cwd: PROJECT,
      env: { ...process.env, KEYWARD_STACKS_CONFIG: configFile, CI: "true", CHECKPOINT_DISABLE: "1", npm_config_update_notifier: "false" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, out }));
  });
}

describe("the HCL output (npm run synth -- --hcl)", () => {
  let dir: string;

  it("passes terraform fmt -check", async () => {
    const root = workDir("hcl");
    const configFile = join(root, "stacks.json");
    writeFileSync(configFile, JSON.stringify(config({ stackPrefix: "kwhcl", secretNamePrefix: "keyward/hcl/", scheduledRotation: {} })));
    const synthesized = await npmSynth(configFile, join(root, "out"), true);
    expect(synthesized).toMatchObject({ code: 0 });
    const stacks = readdirSync(join(root, "out", "stacks"));
    expect(stacks.sort()).toEqual(["kwhcl-clients", "kwhcl-scheduled-rotation"]);
    const fmt = await terraform(tool, join(root, "out"), ["fmt", "-check", "-recursive", "-diff", "-no-color"], {});
    expect(fmt.stdout).toBe("");
    expect(fmt.code).toBe(0);
    dir = join(root, "out", "stacks", "kwhcl-clients");
    expect(existsSync(join(dir, "cdk.tf"))).toBe(true);
    dirs.hcl = dir;
  });

  it("applies the same way: the provisioner rotates, a second plan shows no changes, destroy removes the client", async () => {
    await terraformOk(tool, dir, ["init", "-no-color"], env);
    await terraformOk(tool, dir, ["validate", "-no-color"], env);
    const apply = await terraformOk(tool, dir, ["apply", "-auto-approve", "-no-color"], env);
    expect(apply.stdout).toMatch(/\(local-exec\): rotated /);
    const out = await outputs(dir);
    const clientId = out["variant-client-client-id"]!;
    expect(valid(clientId, tap.creationSecrets.get(clientId)!)).toBe(false);
    expect(valid(clientId, (await kit.stored(out["variant-client-secret-arn"]!)).clientSecret)).toBe(true);
    const plan = await terraform(tool, dir, ["plan", "-no-color", "-detailed-exitcode"], env);
    expect(plan.code).toBe(0);
    await terraformOk(tool, dir, ["destroy", "-auto-approve", "-no-color"], env);
    expect(kit.sandbox.genesys.control.state().clients.map((c) => c.id)).not.toContain(clientId);
  });
});

describe("bring-your-own secret (secretArn)", () => {
  it("applies with no AWS provider: only genesyscloud is installed, and keyward rotate writes into the existing secret", async () => {
    const existing = await kit.sm.send(new CreateSecretCommand({ Name: "keyward/byo/variant_client", Description: "made by the team's own module" }));
    const dir = (dirs.byo = workDir("byo"));
    const stack = synth(config({ stackPrefix: "kwbyo", clients: [{ ...CLIENT, secretArn: existing.ARN }] }), workDir("byo-synth"))["kwbyo-clients"]!;
    expect(stack.json.provider).not.toHaveProperty("aws");
    expect((stack.json.terraform as { required_providers: object }).required_providers).not.toHaveProperty("aws");
    placeStack(stack, dir);
    const init = await terraformOk(tool, dir, ["init", "-no-color"], env);
    expect(init.stdout).toMatch(/Installed mypurecloud\/genesyscloud/);
    expect(init.stdout).not.toMatch(/hashicorp\/aws/);
    await terraformOk(tool, dir, ["apply", "-auto-approve", "-no-color"], env);
    const out = await outputs(dir);
    expect(out["variant-client-secret-arn"]).toBe(existing.ARN);
    const stored = await kit.stored(existing.ARN!);
    expect(stored.clientId).toBe(out["variant-client-client-id"]);
    expect(valid(stored.clientId, stored.clientSecret)).toBe(true);
    const tags = (await kit.sm.send(new DescribeSecretCommand({ SecretId: existing.ARN }))).Tags ?? [];
    expect(tags).toContainEqual({ Key: "keyward:client-id", Value: stored.clientId });
    await terraformOk(tool, dir, ["destroy", "-auto-approve", "-no-color"], env);
    // The secret is the team's: destroying the stack leaves it (and its last credentials, now of a deleted client).
    expect((await kit.sm.send(new DescribeSecretCommand({ SecretId: existing.ARN }))).DeletedDate).toBeUndefined();
  });
});

describe("an alternating pair (rotation: alternating)", () => {
  const pair = { ...CLIENT, name: "Variant Pair", rotation: "alternating" };
  const deploy = (epoch: string) =>
    synth(
      config({ stackPrefix: "kwalt", secretNamePrefix: "keyward/alt/", rotateCommand: ALTERNATING_ROTATE_COMMAND, clients: [{ ...pair, rotationEpoch: epoch }] }),
      workDir("alternating-synth"),
    )["kwalt-clients"]!;
  let first: { clientId: string; clientSecret: string };
  let out: Record<string, string>;

  it("applies two clients and one container tagged with both ids in lower case; the stored client's secret works", async () => {
    const dir = (dirs.alternating = workDir("alternating"));
    placeStack(deploy("0"), dir);
    await terraformOk(tool, dir, ["init", "-no-color"], env);
    const apply = await terraformOk(tool, dir, ["apply", "-auto-approve", "-no-color"], env);
    expect(apply.stdout).toMatch(/\(local-exec\): rotated /);
    out = await outputs(dir);
    const ids = [out["variant-pair-client-id"]!, out["variant-pair-standby-client-id"]!];
    expect(new Set(ids).size).toBe(2);
    const names = kit.sandbox.genesys.control
      .state()
      .clients.filter((c) => ids.includes(c.id))
      .map((c) => c.name);
    expect(names.sort()).toEqual(["Variant Pair", "Variant Pair-standby"]);
    const tags = (await kit.sm.send(new DescribeSecretCommand({ SecretId: out["variant-pair-secret-arn"] }))).Tags ?? [];
    expect(tags).toContainEqual({ Key: "keyward:client-id", Value: ids[0]!.toLowerCase() });
    expect(tags).toContainEqual({ Key: "keyward:standby-client-id", Value: ids[1]!.toLowerCase() });
    first = await kit.stored(out["variant-pair-secret-arn"]!);
    expect(ids).toContain(first.clientId);
    expect(valid(first.clientId, first.clientSecret)).toBe(true);
    for (const id of ids) expect(valid(id, tap.creationSecrets.get(id)!)).toBe(false);
  });

  it("bumping rotationEpoch makes the other client current, and the secret consumers read before still works", async () => {
    placeStack(deploy("1"), dirs.alternating!);
    const apply = await terraformOk(tool, dirs.alternating!, ["apply", "-auto-approve", "-no-color"], env);
    expect(apply.stdout).toMatch(/\(local-exec\): rotated /);
    const second = await kit.stored(out["variant-pair-secret-arn"]!);
    expect(second.clientId).not.toBe(first.clientId);
    expect(valid(second.clientId, second.clientSecret)).toBe(true);
    expect(valid(first.clientId, first.clientSecret)).toBe(true);
    const plan = await terraform(tool, dirs.alternating!, ["plan", "-no-color", "-detailed-exitcode"], env);
    expect(plan.code).toBe(0);
  });

  it("destroys both clients", async () => {
    await terraformOk(tool, dirs.alternating!, ["destroy", "-auto-approve", "-no-color"], env);
    const left = kit.sandbox.genesys.control.state().clients.map((c) => c.id);
    expect(left).not.toContain(out["variant-pair-client-id"]);
    expect(left).not.toContain(out["variant-pair-standby-client-id"]);
  });
});

describe("a role declared in the same stack (roleName)", () => {
  it("is refused on the grant with client credentials: 403 role.assignment.not.allowed (the README's held-roles finding)", async () => {
    const dir = (dirs.heldRoles = workDir("held-roles"));
    const declared = { roles: [{ name: "Variant Narrow", permissionPolicies: [{ domain: "oauth", entityName: "client", actionSet: ["view"] }] }] };
    const client = { ...CLIENT, name: "Held Roles Client", roles: [{ roleName: "Variant Narrow", divisionId: "*" }] };
    placeStack(synth(config({ stackPrefix: "kwheld", ...declared, clients: [client] }), workDir("held-roles-synth"))["kwheld-clients"]!, dir);
    await terraformOk(tool, dir, ["init", "-no-color"], env);
    const apply = await terraform(tool, dir, ["apply", "-auto-approve", "-no-color"], env);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toMatch(/403/);
    expect(apply.stderr).toMatch(/role\.assignment\.not\.allowed/);
    // The role itself was created; no client holds it.
    const role = kit.sandbox.genesys.control.state().roles.find((r) => r.name === "Variant Narrow");
    expect(role).toBeDefined();
    expect(kit.sandbox.genesys.control.state().clients.filter((c) => c.name === "Held Roles Client")).toEqual([]);
    await terraformOk(tool, dir, ["destroy", "-auto-approve", "-no-color"], env);
    expect(kit.sandbox.genesys.control.state().roles.find((r) => r.name === "Variant Narrow")).toBeUndefined();
  });
});

describe("the janitor and scheduled-rotation stacks", () => {
  it("pass terraform validate through the stand-ins", async () => {
    const clients = [CLIENT, { ...CLIENT, name: "Validate Pair", rotation: "alternating" }];
    const stacks = synth(config({ stackPrefix: "kwval", scheduledRotation: {}, clients }), workDir("validate-synth"), { janitor: {} });
    expect(Object.keys(stacks).sort()).toEqual(["kwval-clients", "kwval-janitor", "kwval-scheduled-rotation"]);
    // The pair's secret is rotated by Secrets Manager's own rotation too: those resources are validated as well.
    const scheduled = stacks["kwval-scheduled-rotation"]!.json.resource as Record<string, object>;
    expect(Object.keys(scheduled)).toEqual(expect.arrayContaining(["aws_secretsmanager_secret_rotation", "aws_lambda_permission"]));
    for (const name of ["kwval-janitor", "kwval-scheduled-rotation", "kwval-clients"]) {
      // In the synthesized working directory: the Lambda bundles (assets/) sit beside cdk.tf.json.
      const dir = (dirs[name] = stacks[name]!.workingDirectory);
      await terraformOk(tool, dir, ["init", "-no-color"], env);
      const validate = await terraformOk(tool, dir, ["validate", "-no-color"], env);
      expect(validate.stdout).toMatch(/Success! The configuration is valid/);
    }
  });

  it("and validate still rejects a stack a binding mistake would produce (an attribute the provider does not have)", async () => {
    const stacks = synth(config({ stackPrefix: "kwbad", scheduledRotation: {} }), workDir("bad-synth"), { janitor: {} });
    const dir = stacks["kwbad-janitor"]!.workingDirectory;
    placeStack(stacks["kwbad-janitor"]!, dir, (json) => {
      const permissions = (json.resource as Record<string, Record<string, Record<string, unknown>>>).aws_lambda_permission!;
      for (const permission of Object.values(permissions)) permission.invoked_via_function_urls = true;
    });
    await terraformOk(tool, dir, ["init", "-no-color"], env);
    const validate = await terraform(tool, dir, ["validate", "-no-color"], env);
    expect(validate.code).toBe(1);
    expect(validate.stderr).toMatch(/invoked_via_function_urls/);
  });
});

describe("the secret canary", () => {
  it("finds the exposed variant's dead creation-time secret in its state and in no other file or output", () => {
    kit.collectStoredSecrets();
    const minted = new Set([...tap.minted, ...kit.minted]);
    expect(minted.size).toBeGreaterThan(5);
    const exposedState = (file: string) => file.startsWith(dirs.exposed!) && /\.tfstate(\.backup)?$/.test(file);
    const files = Object.values(dirs).flatMap((dir) => filesUnder(dir));
    const allowed = files.filter(exposedState);
    expect(allowed.length).toBeGreaterThan(0);
    // The canary sees a secret where there is one: the exposed state holds a creation-time secret.
    expect([...tap.creationSecrets.values()].some((secret) => allowed.some((file) => readText(file).includes(secret)))).toBe(true);
    const haystack = [...printed, ...files.filter((f) => !exposedState(f)).map(readText)].join("\n");
    const found = [...minted].filter((secret) => encodings(secret).some((form) => haystack.includes(form)));
    expect(found.map((s) => `${s.slice(0, 4)}…`)).toEqual([]);
  });
});
