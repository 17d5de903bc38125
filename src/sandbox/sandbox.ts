import { chmod, link, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { randomUUID } from "node:crypto";
import { readBody, sendJson, startHttpServer, type RunningServer } from "./common/http.js";
import { randomSigV4Credentials, signSigV4, type SigV4Credentials } from "./common/sigv4.js";
import { BUILTIN_ROLES, startGenesysEmulator, type GenesysEmulator, type SeededClient } from "./genesys/index.js";
import { startSecretsManagerEmulator, type SecretsManagerEmulator } from "./secretsmanager/index.js";
import { serializeStoredCredentials, type StoredCredentials } from "../secrets/credential-value.js";
import { createRotationHandler } from "../rotation/lambda.js";

export interface SandboxOptions {
  /** Base port: Genesys Cloud on N, Secrets Manager on N+1, control on N+2. 0 (default) = three free ports. */
  port?: number;
  host?: string;
  region?: string;
}

export interface Sandbox {
  genesys: GenesysEmulator;
  secretsManager: SecretsManagerEmulator;
  control: RunningServer;
  /** Seeded admin client (admin role): the credentials the env file carries. */
  admin: SeededClient;
  /** Seeded client with the narrow janitor role; its credentials live only in the emulated Secrets Manager. */
  janitor: SeededClient;
  /** Secrets Manager names where the sandbox stored the admin and janitor credentials. */
  secretNames: { admin: string; janitor: string };
  /** Their ARNs (what `KEYWARD_ADMIN_SECRET_ARN` and the other `*_ARN` variables take). */
  secretArns: { admin: string; janitor: string };
  /**
   * The Lambda ARN of keyward's rotation function in the sandbox: `RotateSecret` with it (or a secret configured
   * with it) runs keyward's handler in this process (src/rotation/lambda.ts), acting as the sandbox admin.
   */
  rotationFunctionArn: string;
  region: string;
  /** The access key pair the Secrets Manager emulator accepts (random per sandbox; also in `env`). */
  awsCredentials: SigV4Credentials;
  /** The environment a keyward command (or the official SDKs) needs to talk to this sandbox. */
  env: Record<string, string>;
  /** The one-line summary `keyward sandbox` prints: URLs and ids, never a secret. */
  summary: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Starts the Genesys Cloud and Secrets Manager emulators plus a control server that mounts both emulators'
 * control APIs (`/genesys/...`, `/secretsmanager/...`), kept apart from the emulated APIs, and seeds an org.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? "127.0.0.1";
  const region = options.region ?? "us-east-1";
  const base = options.port ?? 0;
  const portAt = (offset: number) => (base === 0 ? 0 : base + offset);

  const genesys = await startGenesysEmulator({ port: portAt(0), host });
  // Fresh keys per sandbox: only holders of its env file (or of this object) can sign requests to it.
  const awsCredentials = randomSigV4Credentials();
  const secretsManager = await startSecretsManagerEmulator({ port: portAt(1), host, region, credentials: awsCredentials }).catch(async (err) => {
    await genesys.close();
    throw err;
  });
  let control: RunningServer;
  try {
    control = await startHttpServer(
      async (req, res) => {
        const url = new URL(req.url ?? "/", "http://control");
        const [, system, ...rest] = url.pathname.split("/");
        const text = req.method === "GET" || req.method === "HEAD" ? "" : await readBody(req);
        let body: unknown;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          return sendJson(res, 400, { message: "control API bodies are JSON" });
        }
        const path = "/" + rest.join("/");
        if (system === "genesys") {
          const out = await genesys.handleControl(req.method ?? "GET", path, body);
          return sendJson(res, out.status, out.body);
        }
        if (system === "secretsmanager") {
          const out = await secretsManager.handleControl(req.method ?? "GET", path, body);
          return sendJson(res, out.status, out.body);
        }
        if (url.pathname === "/") return sendJson(res, 200, summary);
        return sendJson(res, 404, { message: "unknown control route; use /genesys/... or /secretsmanager/..." });
      },
      { port: portAt(2), host },
    );
  } catch (err) {
    await Promise.all([genesys.close(), secretsManager.close()]);
    throw err;
  }

  const seeded = genesys.control.seed({
    clients: [
      // The admin holds every built-in role: a caller may only grant roles it holds (reference §8).
      { name: "keyward-sandbox-admin", roleIds: [BUILTIN_ROLES.admin, BUILTIN_ROLES.janitor, BUILTIN_ROLES.readonly], description: "Admin client of the keyward sandbox org" },
      { name: "keyward-janitor", roleIds: [BUILTIN_ROLES.janitor], description: "Janitor client: view/edit/delete OAuth clients only" },
    ],
  });
  const [admin, janitor] = seeded.clients as [SeededClient, SeededClient];
  const secretNames = { admin: "keyward/sandbox/admin", janitor: "keyward/janitor/genesys" };
  const gatewayPort = String(genesys.port);
  const secretArns = {
    admin: await putCredentials(secretsManager, secretNames.admin, {
      clientId: admin.id,
      clientSecret: admin.secret,
      region,
      gateway: { host, port: gatewayPort, protocol: "http" },
    }),
    janitor: await putCredentials(secretsManager, secretNames.janitor, {
      clientId: janitor.id,
      clientSecret: janitor.secret,
      region,
      gateway: { host, port: gatewayPort, protocol: "http" },
    }),
  };

  const env: Record<string, string> = {
    GENESYSCLOUD_OAUTHCLIENT_ID: admin.id,
    GENESYSCLOUD_OAUTHCLIENT_SECRET: admin.secret,
    GENESYSCLOUD_REGION: region,
    GENESYSCLOUD_GATEWAY_HOST: host,
    GENESYSCLOUD_GATEWAY_PORT: gatewayPort,
    GENESYSCLOUD_GATEWAY_PROTOCOL: "http",
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.url,
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: awsCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: awsCredentials.secretAccessKey,
    KEYWARD_SANDBOX_CONTROL_URL: control.url,
    // ARNs, for the variables that take one (`KEYWARD_ADMIN_SECRET_ARN=$KEYWARD_SANDBOX_JANITOR_SECRET_ARN` runs the
    // janitor as its own client). Sandbox-specific names: sourcing the file must not set both a credential pair and
    // an ARN for the same role.
    KEYWARD_SANDBOX_ADMIN_SECRET_ARN: secretArns.admin,
    KEYWARD_SANDBOX_JANITOR_SECRET_ARN: secretArns.janitor,
  };
  // keyward's rotation handler, invoked by RotateSecret as Lambda would invoke it, with a Lambda's environment: the admin
  // secret's ARN and the AWS settings, no Genesys credentials.
  const rotationFunctionArn = `arn:aws:lambda:${region}:000000000000:function:keyward-rotation`;
  const rotationHandler = createRotationHandler(
    {
      KEYWARD_ADMIN_SECRET_ARN: secretArns.admin,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.url,
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: awsCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: awsCredentials.secretAccessKey,
      KEYWARD_LOG_LEVEL: "warn",
    },
    { write: () => undefined },
  );
  secretsManager.control.setRotationFunction(rotationFunctionArn, (event) => rotationHandler(event, { getRemainingTimeInMillis: () => 900_000 }));
  const summary: Record<string, string> = {
    genesysUrl: genesys.url,
    secretsManagerUrl: secretsManager.url,
    controlUrl: control.url,
    region,
    adminClientId: admin.id,
    janitorClientId: janitor.id,
    adminSecretName: secretNames.admin,
    rotationFunctionArn,
    janitorSecretName: secretNames.janitor,
    adminSecretArn: secretArns.admin,
    janitorSecretArn: secretArns.janitor,
  };
  return {
    genesys,
    secretsManager,
    control,
    admin,
    janitor,
    secretNames,
    secretArns,
    rotationFunctionArn,
    region,
    awsCredentials: { ...awsCredentials },
    env,
    summary,
    close: async () => {
      await Promise.all([control.close(), genesys.close(), secretsManager.close()]);
    },
  };
}

/** Stores a credential document in the emulated Secrets Manager through its own wire protocol; returns its ARN. */
async function putCredentials(sm: SecretsManagerEmulator, name: string, value: StoredCredentials): Promise<string> {
  const body = JSON.stringify({ Name: name, ClientRequestToken: randomUUID(), SecretString: serializeStoredCredentials(value), Tags: [{ Key: "managed-by", Value: "keyward" }] });
  const headers = signSigV4(
    {
      method: "POST",
      url: "/",
      headers: { host: new URL(sm.url).host, "content-type": "application/x-amz-json-1.1", "x-amz-target": "secretsmanager.CreateSecret" },
      body,
    },
    { credentials: sm.credentials, service: "secretsmanager", region: sm.region },
  );
  delete headers.host; // fetch sets it (the same value) itself
  const res = await fetch(sm.url, { method: "POST", headers, body });
  if (!res.ok) throw new Error(`sandbox: could not seed secret ${name}: HTTP ${res.status}`);
  return ((await res.json()) as { ARN: string }).ARN;
}

const ENV_FILE_HEADER = "# keyward sandbox environment: `set -a; . ./.keyward-sandbox.env; set +a`";
/** The variable that names the sandbox process an env file belongs to. */
export const SANDBOX_PID_ENV = "KEYWARD_SANDBOX_PID";

/** Renders `KEY=value` lines (values single-quoted for `set -a; . file`). */
export function renderEnvFile(env: Record<string, string>): string {
  return (
    ENV_FILE_HEADER +
    "\n" +
    Object.entries(env)
      .map(([k, v]) => `${k}='${v.replace(/'/g, "'\\''")}'`)
      .join("\n") +
    "\n"
  );
}

/** Reads back what `renderEnvFile` wrote; undefined for any other file (it is not a keyward sandbox env file). */
export function parseEnvFile(text: string): Record<string, string> | undefined {
  const [header, ...lines] = text.split("\n");
  if (header !== ENV_FILE_HEADER) return undefined;
  const env: Record<string, string> = {};
  for (const line of lines) {
    if (line === "") continue;
    const m = /^([A-Z0-9_]+)='((?:[^']|'\\'')*)'$/.exec(line);
    if (!m) return undefined;
    env[m[1]!] = m[2]!.replace(/'\\''/g, "'");
  }
  return env;
}

/** What an existing env file is to a sandbox that wants its path. */
export type EnvFileOwner = { kind: "live-sandbox"; pid: number } | { kind: "dead-sandbox"; pid: number } | { kind: "not-a-sandbox-file" };

/**
 * Pure decision: a sandbox env file whose process is proven gone (`alive(pid)` false: no such process) is stale and
 * may be replaced; one whose process exists (or may: a pid of another user's process) is live; anything else —
 * another tool's file, an unreadable pid — is not a sandbox file and is never replaced without `--force`.
 */
export function envFileOwner(text: string, alive: (pid: number) => boolean): EnvFileOwner {
  const pidText = parseEnvFile(text)?.[SANDBOX_PID_ENV];
  const pid = pidText !== undefined && /^[1-9]\d{0,9}$/.test(pidText) ? Number(pidText) : undefined;
  if (pid === undefined) return { kind: "not-a-sandbox-file" };
  return alive(pid) ? { kind: "live-sandbox", pid } : { kind: "dead-sandbox", pid };
}

/** `kill(pid, 0)`: ESRCH proves the process is gone; success or EPERM means it exists. */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/**
 * Writes the env file with mode 0600 from the first byte, atomically (temp file in the same directory, then
 * rename or link): the file either does not exist or is complete, so its existence means "ready". Without
 * `overwrite` an existing file is never replaced (EEXIST), even one created while the sandbox was starting — except,
 * with `replaceStale`, the file of a sandbox that is proven gone (killed with SIGKILL, so it could not delete it):
 * that file is moved aside, checked again (it must still be the same dead sandbox's), removed, and the link retried.
 */
export async function writeEnvFile(path: string, env: Record<string, string>, options: { overwrite?: boolean; replaceStale?: boolean } = {}): Promise<string> {
  const target = resolve(path);
  const temp = join(dirname(target), `.${randomUUID()}.tmp`);
  try {
    await writeFile(temp, renderEnvFile(env), { mode: 0o600, flag: "wx" });
    await chmod(temp, 0o600);
    if (options.overwrite) await rename(temp, target);
    else {
      try {
        await link(temp, target);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST" || !options.replaceStale || !(await removeStaleEnvFile(target))) throw err;
        await link(temp, target);
      }
    }
  } finally {
    await rm(temp, { force: true }).catch(() => undefined);
  }
  return target;
}

/** Moves a dead sandbox's env file out of the way; false (file untouched or put back) when it is not one. */
async function removeStaleEnvFile(target: string): Promise<boolean> {
  const before = await readFile(target, "utf8").catch(() => undefined);
  if (before === undefined || envFileOwner(before, processExists).kind !== "dead-sandbox") return false;
  const aside = join(dirname(target), `.${randomUUID()}.stale`);
  try {
    await rename(target, aside);
  } catch {
    return false;
  }
  const moved = await readFile(aside, "utf8").catch(() => undefined);
  if (moved !== before) {
    // Another file took the path between the check and the move: put it back (never over a newer one) and refuse.
    await link(aside, target).catch(() => undefined);
    await rm(aside, { force: true });
    return false;
  }
  await rm(aside, { force: true });
  return true;
}

/** Deletes the env file on exit, only while it is still this sandbox's (a `--force`d successor's file stays). */
export async function removeOwnEnvFile(path: string, pid: number = process.pid): Promise<void> {
  const text = await readFile(path, "utf8").catch(() => undefined);
  if (text !== undefined && parseEnvFile(text)?.[SANDBOX_PID_ENV] === String(pid)) await rm(path, { force: true });
}
