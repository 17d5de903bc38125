// Real Terraform against the sandbox, for `npm run test:terraform`: the stand-in providers from the cached filesystem
// mirror (scripts/terraform-standins.mjs), the Terraform CLI from PATH (>= 1.4) or OpenTofu built into the cache, and
// keyward's stacks synthesized into a scratch working directory per variant. Every byte Terraform and the provisioner
// print is kept, so the tests can search it for every secret the sandbox minted.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { synthStacks, type SynthesizedStack } from "../../stacks/app.js";
import { stateBackendSettings } from "../../stacks/backend.js";
import { parseStacksConfig, type KeywardStacksConfig } from "../../stacks/config.js";
import type { JanitorStackSettings } from "../../stacks/janitor-stack.js";
import { ensureStandins, findTerraform } from "../../scripts/terraform-standins.mjs";

export const PROJECT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
export const KEYWARD_BIN = join(PROJECT, "bin", "keyward.js");
/** The provisioner command the tests synthesize: the local binary through node, never npx. */
export const ROTATE_COMMAND = `node ${KEYWARD_BIN} rotate --client-id "$KEYWARD_CLIENT_ID" --secret-id "$KEYWARD_SECRET_ARN"`;
/** The same for an alternating pair (`KEYWARD_STANDBY_CLIENT_ID` is in the provisioner's environment). */
export const ALTERNATING_ROTATE_COMMAND = `node ${KEYWARD_BIN} rotate --client-id "$KEYWARD_CLIENT_ID" --standby-client-id "$KEYWARD_STANDBY_CLIENT_ID" --secret-id "$KEYWARD_SECRET_ARN"`;

export interface TerraformTool {
  /** The CLI config file (`TF_CLI_CONFIG_FILE`): installs only the stand-ins of the mirror. */
  rc: string;
  /** Binary to run and what it is (`terraform` or `opentofu`) and its version. */
  path: string;
  name: string;
  version: string;
  /** Seconds the stand-ins took to build (0 when the cache had them). */
  buildSeconds: number;
}

/** The stand-ins and a Terraform, building what is missing (once; cached). Throws with the reason when impossible. */
export function terraformTool(): TerraformTool {
  const standins = ensureStandins();
  if (!standins.rc) throw new Error(`cannot build the stand-in providers: ${standins.reason}`);
  const terraform = findTerraform();
  if (!terraform.path) throw new Error(terraform.reason);
  return { rc: standins.rc, path: terraform.path, name: terraform.name, version: terraform.version, buildSeconds: standins.seconds };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Everything Terraform and the provisioners printed during the run (for the secret canary). */
export const printed: string[] = [];

/**
 * Runs the Terraform CLI in `cwd` with the sandbox environment `env` (the provider credentials and the
 * provisioner's, exactly as a deployer's shell would hold them). Non-interactive, no colour, no checkpoint calls.
 */
export function terraform(tool: TerraformTool, cwd: string, args: string[], env: Record<string, string>, options: { record?: boolean } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool.path, args, {
      cwd,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        TF_CLI_CONFIG_FILE: tool.rc,
        TF_IN_AUTOMATION: "1",
        TF_INPUT: "0",
        CHECKPOINT_DISABLE: "1",
        // The provider's read retries a 404 for custom_retry_timeout (default 5 minutes) before dropping a resource.
        GENESYSCLOUD_CUSTOM_RETRY_TIMEOUT: "0s",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      // Not recorded: output the test asks for on purpose that holds a secret by design (the exposed variant's state).
      if (options.record !== false) printed.push(stdout, stderr);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Like {@link terraform}, failing with its output when the exit code is not `expected`. */
export async function terraformOk(tool: TerraformTool, cwd: string, args: string[], env: Record<string, string>, options: { record?: boolean } = {}): Promise<RunResult> {
  const expected = 0;
  const result = await terraform(tool, cwd, args, env, options);
  if (result.code !== expected) {
    throw new Error(`${tool.name} ${args.join(" ")} exited ${result.code} (expected ${expected}):\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`);
  }
  return result;
}

/** Runs `node bin/keyward.js <args>` with `env`, optionally feeding `input` on stdin. */
export function keyward(args: string[], env: Record<string, string>, input?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--", KEYWARD_BIN, ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.stdin.end(input ?? "");
    child.on("close", (code) => {
      printed.push(stdout, stderr);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A scratch directory for one variant (removed by {@link cleanup}). */
const scratch: string[] = [];
export function workDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `keyward-tf-${label}-`));
  scratch.push(dir);
  return dir;
}
export function cleanup(): void {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface SandboxEndpoints {
  genesysUrl: string;
  secretsManagerUrl: string;
}

/**
 * The stacks configuration of a sandbox run: the gateway and the Secrets Manager endpoint point at the sandbox's
 * emulators (a real configuration leaves both out), the provisioner runs the local binary.
 */
export function sandboxConfig(endpoints: SandboxEndpoints, awsRegion: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const gateway = new URL(endpoints.genesysUrl);
  return {
    stackPrefix: "kwtf",
    genesysRegion: "us-east-1",
    awsRegion,
    secretNamePrefix: "keyward/",
    recoveryWindowInDays: 7,
    rotateCommand: ROTATE_COMMAND,
    gateway: { host: gateway.hostname, port: gateway.port, protocol: "http" },
    awsEndpoints: { secretsmanager: endpoints.secretsManagerUrl },
    scheduledRotation: false,
    ...overrides,
  };
}

/** Synthesizes keyward's stacks from `raw` into `dir` (cdk.tf.json per stack) and returns them by name. */
export function synth(raw: Record<string, unknown>, dir: string, options: { janitor?: JanitorStackSettings } = {}): Record<string, SynthesizedStack> {
  const config: KeywardStacksConfig = parseStacksConfig(raw, "test:terraform");
  mkdirSync(dir, { recursive: true });
  return synthStacks({ config, backend: stateBackendSettings({}), outdir: dir, ...(options.janitor ? { janitor: options.janitor } : {}) });
}

/**
 * Copies a synthesized stack's `cdk.tf.json` into `workingDir` (Terraform's working directory of that variant),
 * after `edit` when given. A later synth of the same stack overwrites it in place, as `cdktf synth` does.
 */
export function placeStack(stack: SynthesizedStack, workingDir: string, edit?: (json: Record<string, unknown>) => void): void {
  const json = structuredClone(stack.json);
  edit?.(json);
  mkdirSync(workingDir, { recursive: true });
  writeFileSync(join(workingDir, "cdk.tf.json"), JSON.stringify(json, null, 2));
}

/** Every regular file under `dir` (Terraform's working directory: configuration, state, lock, provider links). */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) continue;
    if (stat.isDirectory()) {
      if (entry === "providers") continue; // .terraform/providers: links to the stand-in binaries
      out.push(...filesUnder(path));
    } else if (stat.isFile() && stat.size < 20_000_000) out.push(path);
  }
  return out;
}

export function readText(path: string): string {
  return readFileSync(path, "utf8");
}

/** A secret in the forms a leak could take: raw, URL-encoded, JSON-escaped, base64, and inside a Basic header. */
export function encodings(secret: string, clientId?: string): string[] {
  const forms = [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1), Buffer.from(secret).toString("base64"), Buffer.from(secret).toString("base64url")];
  if (clientId) forms.push(Buffer.from(`${clientId}:${secret}`).toString("base64"));
  return forms;
}
