// keyward's clients stack under real Terraform, through the stand-in providers, against a sandbox: init, validate,
// plan and apply; the provisioner (`node bin/keyward.js rotate`) rotates each client; the state holds nothing usable;
// the emulator refuses each creation-time secret and accepts each stored one; a second plan is empty; a description
// change updates in place without rotating; a rotationEpoch bump replaces only the terraform_data and rotates again;
// a role change updates in place; import round-trips; destroy leaves no client. Afterwards, nothing Terraform or the
// provisioner printed and no file of the working directory holds any secret the sandbox minted.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { HOME_DIVISION_ID, BUILTIN_ROLES } from "../../src/sandbox/genesys/index.js";
import { startSandboxKit, type SandboxKit } from "../helpers/sandbox.js";
import {
  cleanup,
  encodings,
  filesUnder,
  keyward,
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

interface ResourceChange {
  address: string;
  type: string;
  change: { actions: string[] };
}

let tool: TerraformTool;
let kit: SandboxKit;
let tap: Tap;
let env: Record<string, string>;
let dir: string;
let synthDir: string;
const STACK = "kwtf-clients";

const ROLE = { name: "keyward tf role", description: "narrow test role", permissionPolicies: [{ domain: "oauth", entityName: "client", actionSet: ["view"] }] };
const CLIENTS = [
  { name: "Billing Export", description: "Nightly billing export", roles: [{ roleId: BUILTIN_ROLES.readonly, divisionId: "*" }], accessTokenValiditySeconds: 3600 },
  // No division: the provider asks the API for the home division.
  { name: "CRM Sync", roles: [{ roleId: BUILTIN_ROLES.readonly }] },
];

function config(overrides: { clients?: unknown[]; roles?: unknown[] } = {}): Record<string, unknown> {
  return sandboxConfig({ genesysUrl: tap.url, secretsManagerUrl: kit.sandbox.secretsManager.url }, kit.sandbox.region, { roles: [ROLE], clients: CLIENTS, ...overrides });
}

/** Synthesizes `raw` and puts the clients stack into the working directory, as `cdktf synth` would. */
function deploy(raw: Record<string, unknown>): void {
  placeStack(synth(raw, synthDir)[STACK]!, dir);
}

async function planChanges(): Promise<ResourceChange[]> {
  await terraformOk(tool, dir, ["plan", "-no-color", "-out=plan.bin"], env);
  const show = JSON.parse((await terraformOk(tool, dir, ["show", "-json", "plan.bin"], env)).stdout) as { resource_changes?: ResourceChange[] };
  return (show.resource_changes ?? []).filter((r) => !(r.change.actions.length === 1 && r.change.actions[0] === "no-op"));
}

async function outputs(): Promise<Record<string, string>> {
  const out = JSON.parse((await terraformOk(tool, dir, ["output", "-json"], env)).stdout) as Record<string, { value: string }>;
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.value]));
}

const emulatorClient = (id: string) => kit.sandbox.genesys.control.state().clients.find((c) => c.id === id);
const valid = (id: string, secret: string) => kit.sandbox.genesys.control.isSecretValid(id, secret);

beforeAll(async () => {
  tool = terraformTool();
  kit = await startSandboxKit();
  tap = await startTap(kit.sandbox.genesys.url);
  // The provider (through the stack's gateway block) and `keyward rotate` (through GENESYSCLOUD_GATEWAY_*) both go
  // through the tap, so every secret and token handed out is known to the canary.
  env = { ...kit.env, GENESYSCLOUD_GATEWAY_HOST: "127.0.0.1", GENESYSCLOUD_GATEWAY_PORT: String(tap.port) };
  dir = workDir("clients");
  synthDir = workDir("clients-synth");
  deploy(config());
});

afterAll(async () => {
  await tap?.close();
  await kit?.close();
  cleanup();
});

describe(`the clients stack under ${"real Terraform"} with the stand-in providers`, () => {
  it("init installs the stand-ins from the filesystem mirror, and validate accepts the synthesized stack", async () => {
    const init = await terraformOk(tool, dir, ["init", "-no-color"], env);
    expect(init.stdout).toMatch(/Installed mypurecloud\/genesyscloud v1\.84\.1/);
    expect(init.stdout).toMatch(/Installed hashicorp\/aws v6\.28\.0/);
    expect(init.stdout).not.toMatch(/hashicorp\/null/);
    await terraformOk(tool, dir, ["validate", "-no-color"], env);
  });

  it("plans each client with expose_client_secret off, its container, its terraform_data and the role", async () => {
    const changes = await planChanges();
    expect(changes.map((c) => `${c.type} ${c.change.actions.join("+")}`).sort()).toEqual([
      "aws_secretsmanager_secret create",
      "aws_secretsmanager_secret create",
      "genesyscloud_auth_role create",
      "genesyscloud_oauth_client create",
      "genesyscloud_oauth_client create",
      "terraform_data create",
      "terraform_data create",
    ]);
  });

  it("applies: the provisioner rotates each client; the emulator refuses every creation-time secret and accepts every stored one", async () => {
    const apply = await terraformOk(tool, dir, ["apply", "-no-color", "plan.bin"], env);
    expect(apply.stdout).toMatch(/Apply complete! Resources: 7 added, 0 changed, 0 destroyed/);
    expect(apply.stdout.match(/\(local-exec\): rotated /g)).toHaveLength(2);
    const out = await outputs();
    for (const slug of ["billing-export", "crm-sync"]) {
      const clientId = out[`${slug}-client-id`]!;
      const stored = await kit.stored(out[`${slug}-secret-arn`]!);
      const creation = tap.creationSecrets.get(clientId);
      expect(stored.clientId).toBe(clientId);
      expect(creation).toBeDefined();
      expect(creation).not.toBe(stored.clientSecret);
      expect(valid(clientId, creation!)).toBe(false);
      expect(valid(clientId, stored.clientSecret)).toBe(true);
      expect(emulatorClient(clientId)).toMatchObject({ state: "active", secretVersion: 2 });
    }
    // The grant without a division got the home division, as the provider asks the API for it.
    expect(emulatorClient(out["crm-sync-client-id"]!)!.roleDivisions).toEqual([{ roleId: BUILTIN_ROLES.readonly, divisionId: HOME_DIVISION_ID }]);
    expect(emulatorClient(out["billing-export-client-id"]!)).toMatchObject({ description: "Nightly billing export", accessTokenValiditySeconds: 3600 });
    expect(kit.sandbox.genesys.control.state().requests["GET /api/v2/authorization/divisions/home"]).toEqual({ "200": 1 });
  });

  it("terraform state pull | keyward audit-state - is clean", async () => {
    const state = await terraformOk(tool, dir, ["state", "pull"], env);
    expect(state.stdout).toMatch(/"client_secret": ""/);
    const audit = await keyward(["audit-state", "-"], env, state.stdout);
    expect(audit).toMatchObject({ code: 0 });
    expect(audit.stdout).toMatch(/no Genesys client secret found/);
  });

  it("a second plan shows no changes", async () => {
    const plan = await terraform(tool, dir, ["plan", "-no-color", "-detailed-exitcode"], env);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/No changes\./);
  });

  it("a description change updates the client in place and does not rotate", async () => {
    const before = await outputs();
    const storedBefore = await kit.stored(before["billing-export-secret-arn"]!);
    deploy(config({ clients: [{ ...CLIENTS[0], description: "Nightly billing export (v2)" }, CLIENTS[1]] }));
    const changes = await planChanges();
    expect(changes.map((c) => `${c.type} ${c.change.actions.join("+")}`)).toEqual(["genesyscloud_oauth_client update"]);
    await terraformOk(tool, dir, ["apply", "-no-color", "plan.bin"], env);
    const client = emulatorClient(before["billing-export-client-id"]!)!;
    expect(client).toMatchObject({ description: "Nightly billing export (v2)", secretVersion: 2 });
    expect(valid(client.id, storedBefore.clientSecret)).toBe(true);
  });

  it("bumping rotationEpoch replaces only that client's terraform_data, which rotates it again", async () => {
    const out = await outputs();
    const storedBefore = await kit.stored(out["billing-export-secret-arn"]!);
    deploy(config({ clients: [{ ...CLIENTS[0], description: "Nightly billing export (v2)", rotationEpoch: "2" }, CLIENTS[1]] }));
    const changes = await planChanges();
    expect(changes.map((c) => `${c.address} ${c.change.actions.join("+")}`)).toEqual([expect.stringMatching(/^terraform_data\.client-billing-export_rotate_\w+ delete\+create$/)]);
    const apply = await terraformOk(tool, dir, ["apply", "-no-color", "plan.bin"], env);
    expect(apply.stdout).toMatch(/Resources: 1 added, 0 changed, 1 destroyed/);
    const storedAfter = await kit.stored(out["billing-export-secret-arn"]!);
    expect(emulatorClient(out["billing-export-client-id"]!)!.secretVersion).toBe(3);
    expect(valid(out["billing-export-client-id"]!, storedBefore.clientSecret)).toBe(false);
    expect(valid(out["billing-export-client-id"]!, storedAfter.clientSecret)).toBe(true);
    expect(emulatorClient(out["crm-sync-client-id"]!)!.secretVersion).toBe(2);
  });

  it("a role change updates genesyscloud_auth_role in place", async () => {
    deploy(
      config({
        clients: [{ ...CLIENTS[0], description: "Nightly billing export (v2)", rotationEpoch: "2" }, CLIENTS[1]],
        roles: [{ ...ROLE, description: "narrower", permissionPolicies: [{ domain: "oauth", entityName: "client", actionSet: ["view", "edit"] }] }],
      }),
    );
    const changes = await planChanges();
    expect(changes.map((c) => `${c.type} ${c.change.actions.join("+")}`)).toEqual(["genesyscloud_auth_role update"]);
    await terraformOk(tool, dir, ["apply", "-no-color", "plan.bin"], env);
    const role = kit.sandbox.genesys.control.state().roles.find((r) => r.name === ROLE.name)!;
    expect(role).toMatchObject({ description: "narrower", permissions: expect.arrayContaining(["oauth:client:view", "oauth:client:edit"]) });
  });

  it("import round-trips: clients and role import with no changes; containers only regain two arguments the API does not return", async () => {
    const list = (await terraformOk(tool, dir, ["state", "list"], env)).stdout.split("\n").filter(Boolean);
    const targets = list.filter((a) => /^(genesyscloud_oauth_client|aws_secretsmanager_secret|genesyscloud_auth_role)\./.test(a));
    expect(targets).toHaveLength(5);
    const ids: Record<string, string> = {};
    for (const address of targets) {
      const shown = (await terraformOk(tool, dir, ["state", "show", "-no-color", address], env)).stdout;
      ids[address] = /^\s+id\s+=\s+"([^"]+)"/m.exec(shown)![1]!;
    }
    await terraformOk(tool, dir, ["state", "rm", ...targets], env);
    for (const address of targets) await terraformOk(tool, dir, ["import", "-no-color", address, ids[address]!], env);
    // The AWS provider cannot read `recovery_window_in_days` and `force_overwrite_replica_secret` back (they only
    // steer deletion and replication; its own acceptance tests ignore both on import), so the first plan after an
    // import sets them in state: an in-place update that calls no API. Clients and roles import with no change.
    const changes = await planChanges();
    expect(changes.map((c) => `${c.type} ${c.change.actions.join("+")}`)).toEqual(["aws_secretsmanager_secret update", "aws_secretsmanager_secret update"]);
    const show = JSON.parse((await terraformOk(tool, dir, ["show", "-json", "plan.bin"], env)).stdout) as {
      resource_changes: Array<{ type: string; change: { before: Record<string, unknown>; after: Record<string, unknown> } }>;
    };
    for (const change of show.resource_changes.filter((r) => r.type === "aws_secretsmanager_secret")) {
      const changed = Object.keys(change.change.after).filter((k) => JSON.stringify(change.change.after[k]) !== JSON.stringify(change.change.before[k]));
      expect(changed.sort()).toEqual(["force_overwrite_replica_secret", "recovery_window_in_days"]);
    }
    const requestsBefore = JSON.stringify(kit.sandbox.secretsManager.control.state().requests);
    await terraformOk(tool, dir, ["apply", "-no-color", "plan.bin"], env);
    const writes = ["UpdateSecret", "TagResource", "UntagResource", "PutResourcePolicy", "DeleteResourcePolicy"];
    const counts = (json: string) => writes.map((op) => (JSON.parse(json) as Record<string, number>)[op] ?? 0);
    expect(counts(JSON.stringify(kit.sandbox.secretsManager.control.state().requests))).toEqual(counts(requestsBefore));
    const plan = await terraform(tool, dir, ["plan", "-no-color", "-detailed-exitcode"], env);
    expect(plan.stdout).toMatch(/No changes\./);
    expect(plan.code).toBe(0);
  });

  it("destroy leaves no client, no role and no live container", async () => {
    const out = await outputs();
    const destroy = await terraformOk(tool, dir, ["destroy", "-auto-approve", "-no-color"], env);
    expect(destroy.stdout).toMatch(/Destroy complete! Resources: 7 destroyed/);
    const state = kit.sandbox.genesys.control.state();
    expect(state.clients.map((c) => c.id)).not.toEqual(expect.arrayContaining([out["billing-export-client-id"]]));
    expect(state.clients.map((c) => c.name).sort()).toEqual(["keyward-janitor", "keyward-sandbox-admin"]);
    expect(state.roles.map((r) => r.name)).not.toContain(ROLE.name);
    // The provider deactivated each client before deleting it (only inactive clients may be deleted).
    expect(state.requests["DELETE /api/v2/oauth/clients/{clientId}"]).toEqual({ "204": 2 });
    const arns = [out["billing-export-secret-arn"], out["crm-sync-secret-arn"]];
    const secrets = kit.sandbox.secretsManager.control.state().secrets.filter((s) => arns.includes(s.arn));
    expect(secrets).toHaveLength(2);
    expect(secrets.every((s) => s.deletedDate !== undefined)).toBe(true);
  });

  it("nothing Terraform or the provisioner printed, and no file of the working directory, holds a secret the sandbox minted", async () => {
    kit.collectStoredSecrets();
    const minted = new Set([...tap.minted, ...kit.minted]);
    expect(tap.creationSecrets.size).toBe(2);
    expect(minted.size).toBeGreaterThan(10);
    const files = filesUnder(dir);
    expect(files.some((f) => f.endsWith(`terraform.${STACK}.tfstate`))).toBe(true);
    expect(existsSync(join(dir, ".terraform.lock.hcl"))).toBe(true);
    const haystack = [...printed, ...files.map(readText)].join("\n");
    const found = [...minted].filter((secret) => encodings(secret).some((form) => haystack.includes(form)));
    expect(found.map((s) => `${s.slice(0, 4)}…`)).toEqual([]);
  });
});
