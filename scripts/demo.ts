/**
 * `npm start`: keyward's main job, end to end, on the sandbox. Starts the emulators in-process, creates an
 * OAuth client the way Terraform would, runs the real `keyward rotate` executable on it, proves the old secret
 * is dead and the stored one authenticates, rotates a small fleet from a manifest, and finally checks that
 * nothing it printed contains any secret it saw.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { checkCredentials, createGenesysClient, genesysSettingsFromEnv } from "../src/genesys/index.js";
import { BUILTIN_ROLES } from "../src/sandbox/genesys/index.js";
import { startSandbox } from "../src/sandbox/sandbox.js";
import { synthStacks } from "../stacks/app.js";
import { stateBackendSettings } from "../stacks/backend.js";
import { loadStacksConfigFile } from "../stacks/config.js";
import { interpolationsIn, readProvisioners, resolveProvisioner, type ProvisionerSpec } from "../stacks/provisioners.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const BIN = fileURLToPath(new URL("../bin/keyward.js", import.meta.url));
const PROJECT = dirname(dirname(BIN));
const printed: string[] = [];
const secrets = new Set<string>();
const say = (text = "") => {
  printed.push(text);
  process.stdout.write(text + "\n");
};
const step = (n: number, title: string) => say(`\n── ${n}. ${title}`);

function keyward(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  say(`$ keyward ${args.join(" ")}`);
  return run(process.execPath, ["--", BIN, ...args], env);
}

/** Runs a command with the given environment on top of PATH/HOME and echoes what it printed. */
function run(file: string, args: string[], env: Record<string, string>, cwd?: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"], ...(cwd ? { cwd } : {}) });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      for (const line of out.trimEnd().split("\n")) say(`  ${line}`);
      say(`  (exit ${code})`);
      resolve({ code, out });
    });
  });
}

const sandbox = await startSandbox();
let failed = false;
try {
  const env = sandbox.env;
  secrets.add(sandbox.admin.secret).add(sandbox.janitor.secret);
  const gateway = { loginBaseUrl: sandbox.genesys.url, apiBaseUrl: sandbox.genesys.url };
  const sm = new SecretsManagerClient({ endpoint: sandbox.secretsManager.url, region: sandbox.region, credentials: sandbox.awsCredentials });
  const storedSecret = async (id: string) => {
    const value = JSON.parse((await sm.send(new GetSecretValueCommand({ SecretId: id }))).SecretString ?? "{}") as { clientId: string; clientSecret: string };
    secrets.add(value.clientSecret);
    return value;
  };

  say("keyward demo: Genesys Cloud OAuth client secrets, rotated straight into Secrets Manager (sandbox, nothing leaves this machine)");
  step(1, "sandbox");
  say(`  Genesys Cloud emulator   ${sandbox.genesys.url}   (admin client ${sandbox.admin.id})`);
  say(`  Secrets Manager emulator ${sandbox.secretsManager.url}`);
  say(`  control API              ${sandbox.control.url}`);

  step(2, "an OAuth client is created (as `cdktf deploy` does; the creation-time secret stays in this process's memory)");
  const admin = createGenesysClient(genesysSettingsFromEnv(env));
  const created = await admin.oauthClients.create({
    name: "reporting-integration",
    description: "client-credentials client for the reporting pipeline",
    authorizedGrantType: "CLIENT-CREDENTIALS",
    roleDivisions: [{ roleId: BUILTIN_ROLES.readonly, divisionId: "*" }],
  });
  secrets.add(created.secret);
  say(`  client ${created.id} "${created.name}" (state ${created.state})`);

  step(3, "keyward rotate: regenerate → PutSecretValue → verify AWSCURRENT");
  const single = await keyward(["rotate", "--client-id", created.id, "--secret-id", "keyward/clients/reporting-integration", "--create-secret"], env);
  failed ||= single.code !== 0;

  step(4, "the token endpoint's verdict");
  const old = await checkCredentials(created.id, created.secret, gateway);
  const stored = await storedSecret("keyward/clients/reporting-integration");
  const now = await checkCredentials(created.id, stored.clientSecret, gateway);
  say(`  secret from creation (what Terraform would have held): ${old === "dead" ? "rejected" : `UNEXPECTED ${old}`}`);
  say(`  secret at AWSCURRENT in Secrets Manager:               ${now === "live" ? "accepted" : `UNEXPECTED ${now}`}`);
  failed ||= old !== "dead" || now !== "live";

  step(5, "a fleet from a manifest (one admin token, shared rate budget, continues past failures)");
  const fleet = await Promise.all(["billing", "wfm-export", "speech-analytics"].map((name) => admin.oauthClients.create({ name, authorizedGrantType: "CLIENT-CREDENTIALS", roleDivisions: [{ roleId: BUILTIN_ROLES.readonly, divisionId: "*" }] })));
  fleet.forEach((c) => secrets.add(c.secret));
  await admin.oauthClients.setState(fleet[2]!.id, "disabled");
  const dir = await mkdtemp(join(tmpdir(), "keyward-demo-"));
  const manifest = join(dir, "rotation.yaml");
  await writeFile(manifest, "clients:\n" + fleet.map((c) => `  - clientName: ${c.name}\n    secretId: keyward/clients/${c.name}\n`).join(""));
  say(`  (${fleet[2]!.name} is disabled on purpose: it must fail without stopping the others)`);
  const fleetRun = await keyward(["rotate", "--manifest", manifest, "--concurrency", "3", "--create-secret"], env);
  failed ||= fleetRun.code !== 1;
  for (const c of fleet.slice(0, 2)) await storedSecret(`keyward/clients/${c.name}`);

  step(6, "cdktf: synthesize the stacks, then run the post-apply provisioner exactly as synthesized");
  const config = loadStacksConfigFile(join(PROJECT, "stacks", "examples", "clients.json"));
  mkdirSync(join(PROJECT, "cdktf.out"), { recursive: true });
  const outdir = mkdtempSync(join(PROJECT, "cdktf.out", ".demo-"));
  try {
    const stacks = synthStacks({ config, backend: stateBackendSettings({}), outdir });
    for (const stack of Object.values(stacks)) {
      const resources = Object.entries((stack.json.resource ?? {}) as Record<string, object>).map(([type, byId]) => `${type} ×${Object.keys(byId).length}`);
      say(`  stack ${stack.name}: ${resources.join(", ")}`);
    }
    const clientsStack = Object.values(stacks).find((st) => readProvisioners(st.json).length > 0)!;
    const resources = clientsStack.json.resource as Record<string, Record<string, { name?: string; expose_client_secret?: boolean }>>;
    const exposed = Object.values(resources.genesyscloud_oauth_client ?? {}).filter((c) => c.expose_client_secret !== false).length;
    say(`  expose_client_secret is false on every genesyscloud_oauth_client (${exposed} exceptions); no aws_secretsmanager_secret_version is declared (${Object.keys(resources.aws_secretsmanager_secret_version ?? {}).length})`);
    // What `terraform apply` would do: create each client and empty container, then run the provisioner.
    for (const spec of readProvisioners(clientsStack.json)) {
      const clientRef = interpolationsIn(spec.environment.KEYWARD_CLIENT_ID ?? "")[0]!;
      const secretRef = interpolationsIn(spec.environment.KEYWARD_SECRET_ARN ?? "")[0]!;
      const name = resources.genesyscloud_oauth_client![clientRef.split(".")[1]!]!.name!;
      const secretName = resources.aws_secretsmanager_secret![secretRef.split(".")[1]!]!.name!;
      const client = await admin.oauthClients.create({ name, authorizedGrantType: "CLIENT-CREDENTIALS", roleDivisions: [{ roleId: BUILTIN_ROLES.readonly, divisionId: "*" }] });
      secrets.add(client.secret);
      const { CreateSecretCommand } = await import("@aws-sdk/client-secrets-manager");
      const container = await sm.send(new CreateSecretCommand({ Name: secretName }));
      const resolved: ProvisionerSpec = resolveProvisioner(spec, (expr) => (expr === clientRef ? client.id : expr === secretRef ? container.ARN : undefined));
      say(`  ${spec.resourceAddress} (client "${name}" → ${secretName})`);
      say(`  $ ${resolved.command}    # env: ${Object.entries(resolved.environment).map(([k, v]) => `${k}=${v}`).join(" ")}`);
      const result = await run("/bin/sh", ["-c", resolved.command], { ...env, ...resolved.environment }, clientsStack.workingDirectory);
      const value = await storedSecret(secretName);
      const verdict = [await checkCredentials(client.id, client.secret, gateway), await checkCredentials(client.id, value.clientSecret, gateway)];
      say(`  create-time secret: ${verdict[0] === "dead" ? "rejected" : verdict[0]}; stored secret: ${verdict[1] === "live" ? "accepted" : verdict[1]}`);
      failed ||= result.code !== 0 || verdict[0] !== "dead" || verdict[1] !== "live";
    }
    const synthesized = readdirSync(join(outdir, "stacks"), { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".json"))
      .map((f) => readFileSync(join(outdir, "stacks", f), "utf8"));
    const inSynth = [...secrets].filter((sec) => synthesized.some((text) => text.includes(sec))).length;
    say(`  secrets found in the synthesized files: ${inSynth}`);
    failed ||= inSynth > 0;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }

  step(7, "canary");
  const haystack = printed.join("\n");
  const leaks = [...secrets].filter((s) => haystack.includes(s));
  say(`  ${secrets.size} secrets were minted or stored during this demo; ${leaks.length} of them appear in its output`);
  failed ||= leaks.length > 0;
} finally {
  await sandbox.close();
}
say(failed ? "\ndemo FAILED" : "\ndemo OK");
process.exitCode = failed ? 1 : 0;
