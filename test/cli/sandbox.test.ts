import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdir, mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { checkCredentials } from "../../src/genesys/index.js";
import { envFileOwner, parseEnvFile as parseSandboxEnvFile, renderEnvFile } from "../../src/sandbox/sandbox.js";
import { KEYWARD_BIN, runKeyward } from "../helpers/keyward-cli.js";

const ENV_KEYS = [
  "GENESYSCLOUD_OAUTHCLIENT_ID",
  "GENESYSCLOUD_OAUTHCLIENT_SECRET",
  "GENESYSCLOUD_REGION",
  "GENESYSCLOUD_GATEWAY_HOST",
  "GENESYSCLOUD_GATEWAY_PORT",
  "GENESYSCLOUD_GATEWAY_PROTOCOL",
  "AWS_ENDPOINT_URL_SECRETS_MANAGER",
  "AWS_REGION",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "KEYWARD_SANDBOX_CONTROL_URL",
  "KEYWARD_SANDBOX_ADMIN_SECRET_ARN",
  "KEYWARD_SANDBOX_JANITOR_SECRET_ARN",
  "KEYWARD_SANDBOX_PID",
];

function parseEnvFile(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split("\n")
      .filter((l) => l && !l.startsWith("#"))
      .map((l) => {
        const i = l.indexOf("=");
        return [l.slice(0, i), l.slice(i + 1).replace(/^'|'$/g, "")];
      }),
  );
}

describe("keyward sandbox", () => {
  it("prints one JSON line, writes a 0600 env file that works, and exits 0 on SIGTERM", async () => {
    const dir = await mkdtemp(join(tmpdir(), "keyward-sandbox-"));
    const envFile = join(dir, "sandbox.env");
    const child = spawn(process.execPath, ["--", KEYWARD_BIN, "sandbox", "--env-out", envFile], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const firstLine = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once("line", resolve);
      child.once("exit", (code) => reject(new Error(`sandbox exited ${code}: ${stderr}`)));
    });
    const summary = JSON.parse(firstLine) as Record<string, string>;
    expect(summary).toMatchObject({
      region: "us-east-1",
      envFile,
      genesysUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      secretsManagerUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      controlUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
    });

    expect((await stat(envFile)).mode & 0o777).toBe(0o600);
    const env = parseEnvFile(await readFile(envFile, "utf8"));
    expect(Object.keys(env).sort()).toEqual([...ENV_KEYS].sort());
    expect(env.GENESYSCLOUD_OAUTHCLIENT_ID).toBe(summary.adminClientId);
    expect(firstLine).not.toContain(env.GENESYSCLOUD_OAUTHCLIENT_SECRET);

    // The env file's credentials work: the admin client authenticates, and the janitor's are in Secrets Manager.
    const gateway = `http://${env.GENESYSCLOUD_GATEWAY_HOST}:${env.GENESYSCLOUD_GATEWAY_PORT}`;
    expect(await checkCredentials(env.GENESYSCLOUD_OAUTHCLIENT_ID!, env.GENESYSCLOUD_OAUTHCLIENT_SECRET!, { loginBaseUrl: gateway, apiBaseUrl: gateway })).toBe("live");
    const sm = new SecretsManagerClient({
      endpoint: env.AWS_ENDPOINT_URL_SECRETS_MANAGER!,
      region: env.AWS_REGION!,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
    });
    const janitor = JSON.parse((await sm.send(new GetSecretValueCommand({ SecretId: summary.janitorSecretName }))).SecretString ?? "{}") as {
      clientId: string;
      clientSecret: string;
    };
    expect(janitor.clientId).toBe(summary.janitorClientId);
    // ARNs where a variable takes an ARN: the same secrets, by ARN.
    expect(env.KEYWARD_SANDBOX_JANITOR_SECRET_ARN).toBe(summary.janitorSecretArn);
    expect(env.KEYWARD_SANDBOX_JANITOR_SECRET_ARN).toMatch(/^arn:aws:secretsmanager:us-east-1:\d{12}:secret:keyward\/janitor\/genesys-[A-Za-z0-9]{6}$/);
    expect(JSON.parse((await sm.send(new GetSecretValueCommand({ SecretId: env.KEYWARD_SANDBOX_JANITOR_SECRET_ARN! }))).SecretString!)).toMatchObject({
      clientId: summary.janitorClientId,
    });
    expect(JSON.parse((await sm.send(new GetSecretValueCommand({ SecretId: env.KEYWARD_SANDBOX_ADMIN_SECRET_ARN! }))).SecretString!)).toMatchObject({
      clientId: summary.adminClientId,
    });
    expect(await checkCredentials(janitor.clientId, janitor.clientSecret, { loginBaseUrl: gateway, apiBaseUrl: gateway })).toBe("live");
    const control = (await (await fetch(`${env.KEYWARD_SANDBOX_CONTROL_URL}/genesys/state`)).json()) as { clients: Array<{ id: string }> };
    expect(control.clients.map((c) => c.id).sort()).toEqual([summary.adminClientId, summary.janitorClientId].sort());

    const exit = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    expect(await exit).toBe(0);
    await expect(stat(envFile)).rejects.toThrow(/ENOENT/);
    expect(stderr).toBe("");
  });

  it("explains a taken port with exit 2", async () => {
    const net = await import("node:net");
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", () => r()));
    const port = (blocker.address() as { port: number }).port;
    const { runKeyward } = await import("../helpers/keyward-cli.js");
    const dir = await mkdtemp(join(tmpdir(), "keyward-sandbox-"));
    const run = await runKeyward(["sandbox", "--port", String(port), "--env-out", join(dir, "x.env")], {});
    blocker.close();
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cannot listen .* EADDRINUSE/);
    expect(run.stderr).toMatch(/--port/);
  });

  it("works through npx with --env-out, and stops on the pid it publishes", async () => {
    const dir = await mkdtemp(join(tmpdir(), "keyward-sandbox-"));
    const envFile = join(dir, "npx.env");
    const child = spawn("npx", ["--no-install", "keyward", "sandbox", "--env-out", envFile], {
      cwd: process.cwd(),
      stdio: ["ignore", "pipe", "pipe"],
      env: { PATH: process.env.PATH, HOME: process.env.HOME, npm_config_update_notifier: "false" },
    });
    const { summary, stderr } = await firstLine(child);
    expect(summary.envFile).toBe(envFile);
    const env = parseEnvFile(await readFile(envFile, "utf8"));
    expect(env.KEYWARD_SANDBOX_PID).toBe(String(summary.pid));
    const exit = new Promise<number | null>((resolve) => child.once("exit", resolve));
    process.kill(Number(env.KEYWARD_SANDBOX_PID), "SIGTERM");
    expect(await exit).toBe(0);
    await expect(stat(envFile)).rejects.toThrow(/ENOENT/);
    expect(stderr()).toBe("");
  });

  it.each(["SIGHUP", "SIGINT"] as const)("cleans up on %s exactly as on SIGTERM: env file deleted, exit 0", async (signal) => {
    const dir = await mkdtemp(join(tmpdir(), "keyward-sandbox-"));
    const envFile = join(dir, "sandbox.env");
    const child = spawn(process.execPath, ["--", KEYWARD_BIN, "sandbox", "--env-out", envFile], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    const { summary, stderr } = await firstLine(child);
    await stat(envFile);
    const exit = new Promise<[number | null, string | null]>((resolve) => child.once("exit", (code, sig) => resolve([code, sig])));
    child.kill(signal);
    expect(await exit).toEqual([0, null]);
    await expect(stat(envFile)).rejects.toThrow(/ENOENT/);
    // Nothing listens any more.
    await expect(fetch(summary.controlUrl!)).rejects.toThrow();
    expect(stderr()).toBe("");
  });

  it("refuses an existing env file with exit 2 and leaves it alone, unless --force", async () => {
    const dir = await mkdtemp(join(tmpdir(), "keyward-sandbox-"));
    const envFile = join(dir, "mine.env");
    await writeFile(envFile, "MINE=1\n");
    const refused = await runKeyward(["sandbox", "--env-out", envFile], {});
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/already exists/);
    expect(refused.stderr).toMatch(/--force/);
    expect(refused.stdout).toBe("");
    expect(await readFile(envFile, "utf8")).toBe("MINE=1\n");

    const child = spawn(process.execPath, ["--", KEYWARD_BIN, "sandbox", "--env-out", envFile, "--force"], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    await firstLine(child);
    expect(parseEnvFile(await readFile(envFile, "utf8")).GENESYSCLOUD_OAUTHCLIENT_ID).toBeDefined();
    const exit = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    expect(await exit).toBe(0);
  });

  it("refuses a path in a missing directory with exit 2 before listening", async () => {
    const dir = await mkdtemp(join(tmpdir(), "keyward-sandbox-"));
    const run = await runKeyward(["sandbox", "--env-out", join(dir, "missing", "x.env")], {}, { timeoutMs: 60_000 });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/does not exist/);
    expect(run.stdout).toBe("");
    await mkdir(join(dir, "a-directory"));
    const onDir = await runKeyward(["sandbox", "--env-out", join(dir, "a-directory")], {}, { timeoutMs: 60_000 });
    expect(onDir.code).toBe(2);
  });
});

/** A pid that is proven free: a process that has already exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", "0"], { stdio: "ignore" });
  await new Promise((resolve) => child.once("exit", resolve));
  return child.pid!;
}

describe("the sandbox's env file and the process it names", () => {
  const file = (env: Record<string, string>) => renderEnvFile(env);

  it("reads back exactly what it writes, quotes included", () => {
    const env = { A: "plain", B: 'it\'s "quoted" $HOME `x`', C: "" };
    expect(parseSandboxEnvFile(file(env))).toEqual(env);
  });

  it.each([
    ["another tool's file", "not-a-sandbox-file", "MINE=1\n"],
    ["a sandbox file without a pid", "not-a-sandbox-file", file({ A: "1" })],
    ["a sandbox file with a malformed pid", "not-a-sandbox-file", file({ KEYWARD_SANDBOX_PID: "12x" })],
    ["a sandbox file with pid 0", "not-a-sandbox-file", file({ KEYWARD_SANDBOX_PID: "0" })],
    ["a sandbox file with a hand-edited line", "not-a-sandbox-file", file({ KEYWARD_SANDBOX_PID: "4242" }) + "export X=1\n"],
    ["the file of a running sandbox", "live-sandbox", file({ KEYWARD_SANDBOX_PID: "4242" })],
    ["the file of a sandbox that is gone", "dead-sandbox", file({ KEYWARD_SANDBOX_PID: "4343" })],
  ])("classifies %s as %s", (_name, kind, text) => {
    expect(envFileOwner(text, (pid) => pid === 4242).kind).toBe(kind);
  });

  it("replaces the file a killed sandbox left behind, says so, and deletes it on exit", async () => {
    const dir = await mkdtemp(join(tmpdir(), "keyward-sandbox-"));
    const envFile = join(dir, "stale.env");
    const gone = await deadPid();
    await writeFile(envFile, file({ GENESYSCLOUD_OAUTHCLIENT_ID: "old", KEYWARD_SANDBOX_PID: String(gone) }), { mode: 0o600 });
    const child = spawn(process.execPath, ["--", KEYWARD_BIN, "sandbox", "--env-out", envFile], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    const { summary, stderr } = await firstLine(child);
    const env = parseEnvFile(await readFile(envFile, "utf8"));
    expect(env.KEYWARD_SANDBOX_PID).toBe(String(summary.pid));
    expect(env.GENESYSCLOUD_OAUTHCLIENT_ID).toBe(summary.adminClientId);
    expect(stderr()).toMatch(new RegExp(`replacing .*stale\\.env: the sandbox that wrote it \\(pid ${gone}\\) is gone`));
    const exit = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    expect(await exit).toBe(0);
    await expect(stat(envFile)).rejects.toThrow(/ENOENT/);
  });

  it("refuses the file of a sandbox that is still running (exit 2, naming its pid), and a --force successor's file outlives the first sandbox", async () => {
    const dir = await mkdtemp(join(tmpdir(), "keyward-sandbox-"));
    const envFile = join(dir, "live.env");
    const first = spawn(process.execPath, ["--", KEYWARD_BIN, "sandbox", "--env-out", envFile], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    const { summary } = await firstLine(first);
    const refused = await runKeyward(["sandbox", "--env-out", envFile], {}, { timeoutMs: 30_000 });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(new RegExp(`still running \\(pid ${summary.pid}\\)`));
    expect(parseEnvFile(await readFile(envFile, "utf8")).KEYWARD_SANDBOX_PID).toBe(String(summary.pid));

    const second = spawn(process.execPath, ["--", KEYWARD_BIN, "sandbox", "--env-out", envFile, "--force"], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    const { summary: successor } = await firstLine(second);
    const firstExit = new Promise<number | null>((resolve) => first.once("exit", resolve));
    first.kill("SIGTERM");
    expect(await firstExit).toBe(0);
    expect(parseEnvFile(await readFile(envFile, "utf8")).KEYWARD_SANDBOX_PID).toBe(String(successor.pid));
    const secondExit = new Promise<number | null>((resolve) => second.once("exit", resolve));
    second.kill("SIGTERM");
    expect(await secondExit).toBe(0);
    await expect(stat(envFile)).rejects.toThrow(/ENOENT/);
  });
});

async function firstLine(
  child: ChildProcessWithoutNullStreams | ReturnType<typeof spawn>,
): Promise<{ summary: Record<string, string | number>; stderr: () => string } & { summary: { controlUrl?: string; envFile?: string; pid?: number } }> {
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`sandbox exited ${code}: ${stderr}`)));
  });
  return { summary: JSON.parse(line) as never, stderr: () => stderr };
}
