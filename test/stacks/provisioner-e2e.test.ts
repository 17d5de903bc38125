// END-TO-END: the post-apply provisioner, exactly as synthesized, run on the sandbox without Terraform.
//
// What Terraform would do on `apply` is replayed step by step:
//  1. synthesize the clients stack (into cdktf.out/, so `npx --no-install keyward` resolves this package, as it
//     does for a deployer whose cdktf.out sits in their project);
//  2. "create" each resource the provisioner depends on: the OAuth client in the Genesys emulator, the empty
//     secret container in the emulated Secrets Manager (CreateSecret without a value);
//  3. read the provisioner back from cdk.tf.json, replace its Terraform interpolations with those ids/ARNs, and
//     run the command with `/bin/sh -c` in the stack's working directory, with the deployer's environment (the
//     sandbox admin credentials) plus the provisioner's own `environment` (what local-exec does);
//  4. check the secret now in Secrets Manager works and the create-time one does not, and that no secret appears
//     in the synthesized files or the command's output.
//
// Needs the built CLI (dist/cli.js): `npm test` builds it first.
import { GetSecretValueCommand, CreateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { synthStacks } from "../../stacks/app.js";
import { readProvisioners, resolveProvisioner, interpolationsIn, type ProvisionerSpec } from "../../stacks/provisioners.js";
import { leakedSecrets } from "../helpers/keyward-cli.js";
import { startSandboxKit, type SandboxKit } from "../helpers/sandbox.js";
import { exampleConfig, LOCAL_STATE } from "./fixtures.js";

const PROJECT = process.cwd();

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** local-exec on Linux/macOS: `/bin/sh -c <command>` in the working directory, environment = Terraform's + `environment`. */
function localExec(spec: ProvisionerSpec, cwd: string, deployerEnv: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn("/bin/sh", ["-c", spec.command], {
      cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...deployerEnv, ...spec.environment },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

async function tokenStatus(kit: SandboxKit, clientId: string, secret: string): Promise<number> {
  const res = await fetch(`${kit.sandbox.genesys.url}/oauth/token`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: "grant_type=client_credentials",
  });
  await res.arrayBuffer();
  return res.status;
}

describe("provisioner end-to-end on the sandbox (runs the built CLI: npm test builds it)", () => {
  let kit: SandboxKit;
  let outdir: string;

  beforeAll(async () => {
    kit = await startSandboxKit();
    mkdirSync(join(PROJECT, "cdktf.out"), { recursive: true });
    outdir = mkdtempSync(join(PROJECT, "cdktf.out", ".e2e-"));
  });

  afterAll(async () => {
    await kit?.close();
    if (outdir) rmSync(outdir, { recursive: true, force: true });
    // Leave no empty cdktf.out behind.
    const parent = join(PROJECT, "cdktf.out");
    if (existsSync(parent) && readdirSync(parent).length === 0) rmSync(parent, { recursive: true });
  });

  it("rotates every client of the clients stack into Secrets Manager, printing no secret", async () => {
    const stacks = synthStacks({ config: exampleConfig({ scheduledRotation: false }), backend: LOCAL_STATE, outdir });
    const clients = stacks["keyward-clients"]!;
    const secretNames = Object.fromEntries(
      Object.entries(clients.json.resource as Record<string, Record<string, { name?: string }>>)
        .filter(([type]) => type === "aws_secretsmanager_secret")
        .flatMap(([, byName]) => Object.entries(byName).map(([id, body]) => [id, body.name!])),
    );
    const provisioners = readProvisioners(clients.json);
    expect(provisioners).toHaveLength(3);

    const outputs: string[] = [];
    for (const [i, spec] of provisioners.entries()) {
      // Terraform's apply, step 2: the resources the provisioner references.
      const created = await kit.createClient(`e2e-client-${i}`);
      const secretId = interpolationsIn(spec.environment.KEYWARD_SECRET_ARN!)[0]!.split(".")[1]!;
      const container = await kit.sm.send(new CreateSecretCommand({ Name: secretNames[secretId] }));
      const resolved = resolveProvisioner(spec, (expression) => {
        const [type, , attribute] = expression.split(".");
        if (type === "genesyscloud_oauth_client" && attribute === "id") return created.id;
        if (type === "aws_secretsmanager_secret" && attribute === "arn") return container.ARN;
        return undefined;
      });
      expect(resolved.environment).toEqual({ KEYWARD_CLIENT_ID: created.id, KEYWARD_SECRET_ARN: container.ARN, GENESYSCLOUD_REGION: "us-east-1" });

      // Step 3: the command, as local-exec runs it.
      const run = await localExec(resolved, clients.workingDirectory, kit.env);
      outputs.push(run.stdout, run.stderr);
      if (process.env.KEYWARD_E2E_VERBOSE) process.stderr.write(`${spec.resourceAddress}: ${run.stdout}${run.stderr}\n`);
      expect({ client: i, code: run.code, stderr: run.code === 0 ? "" : run.stderr }).toEqual({ client: i, code: 0, stderr: "" });

      // Step 4: the stored document works, the create-time secret is dead.
      const stored = await kit.sm.send(new GetSecretValueCommand({ SecretId: container.ARN }));
      const document = JSON.parse(stored.SecretString!) as { clientId: string; clientSecret: string; region: string };
      expect(document).toMatchObject({ clientId: created.id, region: "us-east-1" });
      expect(document.clientSecret).not.toBe(created.secret);
      kit.minted.add(document.clientSecret);
      expect(await tokenStatus(kit, created.id, document.clientSecret)).toBe(200);
      expect(await tokenStatus(kit, created.id, created.secret)).not.toBe(200);
    }

    kit.collectStoredSecrets();
    const synthesizedFiles = filesUnder(join(outdir, "stacks"))
      .filter((f) => /\.(json|tf)$/.test(f))
      .map((f) => readFileSync(f, "utf8"));
    expect(leakedSecrets([...outputs, ...synthesizedFiles], kit.minted)).toEqual([]);
  }, 300_000);
});
