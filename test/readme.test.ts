import { execFile, spawn } from "node:child_process";
import { readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { renderEnvFile, startSandbox } from "../src/sandbox/sandbox.js";
import { leakedSecrets } from "./helpers/keyward-cli.js";
import { startUserProject, type UserProject } from "./helpers/user-project.js";

const run = promisify(execFile);
const README = join(process.cwd(), "README.md");

describe("the README", () => {
  it("names the exact test command that .ci/run runs", async () => {
    const readme = await readFile(README, "utf8");
    const ci = await readFile(join(process.cwd(), ".ci", "run"), "utf8");
    const testCommand = /^(npm ci && npm test)\s+#/m.exec(readme)?.[1];
    expect(testCommand).toBe("npm ci && npm test");
    // The README's test command runs first; extra tiers (the reliability suite) follow it.
    expect(ci.split("\n").find((line) => line.startsWith("npm "))).toBe(testCommand);
    expect(readme).toMatch(/^npm ci && npm start\s+#/m);
  });

  it("shows SDK code that really talks to a running sandbox", async () => {
    const readme = await readFile(README, "utf8");
    const snippet = /^```js\n([\s\S]*?)^```$/m.exec(readme)?.[1];
    expect(snippet).toContain("setGateway");
    const sandbox = await startSandbox();
    const file = join(process.cwd(), `.readme-snippet-${process.pid}.mjs`);
    try {
      await writeFile(file, snippet!);
      const { stdout } = await run(process.execPath, [file], {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...sandbox.env },
      });
      expect(stdout).toContain("keyward-sandbox-admin");
      expect(stdout).toContain("keyward/janitor/genesys");
      expect(stdout).not.toContain(sandbox.admin.secret);
    } finally {
      await rm(file, { force: true });
      await sandbox.close();
    }
  });
});

/** A ```sh block of the README, marked `<!-- readme-test: NAME -->`. */
async function readmeBlock(name: string): Promise<string> {
  const readme = await readFile(README, "utf8");
  const block = new RegExp(`<!-- readme-test: ${name} -->\\n\`\`\`sh\\n([\\s\\S]*?)^\`\`\`$`, "m").exec(readme)?.[1];
  expect(block).toBeDefined();
  return block!;
}

describe("the README's sandbox snippet", () => {
  let project: UserProject;
  beforeEach(async () => (project = await startUserProject()));
  afterEach(() => project.close());

  async function snippet(): Promise<string> {
    const block = await readmeBlock("sandbox-snippet");
    expect(block).toContain("npx --no-install keyward sandbox --env-out");
    return block;
  }
  const runSnippet = async (script: string) =>
    run("sh", ["-e", "-c", `${script}wait   # (test only) until the sandbox has cleaned up and npx exited\n`], { cwd: project.dir, env: project.env, timeout: 90_000 });

  it("runs as written in a project that installed keyward: waits for the env file, rotates (dry run) with it, stops the sandbox and its file", async () => {
    const { stdout, stderr } = await runSnippet(await snippet());
    expect(stdout).toMatch(/"genesysUrl"/);
    expect(`${stdout}\n${stderr}`).not.toMatch(/AWS_SECRET_ACCESS_KEY=|GENESYSCLOUD_OAUTHCLIENT_SECRET=/);
    await expect(readFile(join(project.dir, ".keyward-sandbox.env"))).rejects.toThrow(/ENOENT/);
  }, 120_000);

  it("does not take the env file a killed sandbox left behind for a ready sandbox", async () => {
    const gone = spawn(process.execPath, ["-e", "0"], { stdio: "ignore" });
    await new Promise((resolve) => gone.once("exit", resolve));
    // What a sandbox killed with SIGKILL leaves: complete, but its credentials and pid are dead.
    await writeFile(
      join(project.dir, ".keyward-sandbox.env"),
      renderEnvFile({ GENESYSCLOUD_OAUTHCLIENT_ID: "00000000-0000-4000-8000-000000000000", GENESYSCLOUD_OAUTHCLIENT_SECRET: "dead", KEYWARD_SANDBOX_PID: String(gone.pid) }),
      { mode: 0o600 },
    );
    const { stdout, stderr } = await runSnippet(await snippet());
    expect(stderr).toMatch(/replacing .*\.keyward-sandbox\.env: the sandbox that wrote it \(pid \d+\) is gone/);
    expect(stdout).not.toContain("00000000-0000-4000-8000-000000000000");
    await expect(readFile(join(project.dir, ".keyward-sandbox.env"))).rejects.toThrow(/ENOENT/);
  }, 120_000);

  it("its rotate line fails clearly when the env file was not sourced", async () => {
    const rotateLine = (await snippet()).split("\n").find((l) => l.startsWith("npx --no-install keyward rotate"))!;
    const failed = await run("sh", ["-c", rotateLine], { cwd: project.dir, env: project.env }).catch((err: { code: number; stderr: string }) => err);
    expect((failed as { code: number }).code).not.toBe(0);
    expect((failed as { stderr: string }).stderr).toMatch(/GENESYSCLOUD_OAUTHCLIENT_ID: is empty: source the sandbox env file first/);
  });
});

describe("the README's local janitor recipe", () => {
  it("serves the janitor as its own client from the sandbox, and contains the leak the second block reports", async () => {
    const project = await startUserProject();
    // The recipe's port 3000 may be taken on a shared machine: the test gives it a free one, and changes nothing else.
    const port = await freePort();
    const serve = (await readmeBlock("janitor-recipe-serve")).replaceAll("3000", String(port));
    const leak = (await readmeBlock("janitor-recipe-leak")).replaceAll("3000", String(port));
    expect(serve).toContain('KEYWARD_ADMIN_SECRET_ARN="$KEYWARD_SANDBOX_JANITOR_SECRET_ARN"');
    // Its own process group, as a terminal gives a foreground job: the test's "Ctrl-C" is SIGTERM to the group.
    const terminal = spawn("sh", ["-e", "-c", serve], { cwd: project.dir, env: project.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    terminal.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    terminal.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    const ended = new Promise<number | null>((resolve) => terminal.once("exit", (code) => resolve(code)));
    try {
      await until(
        () => /janitor listening/.test(err),
        () => `the janitor did not start: ${err}`,
        ended,
      );
      expect(err).not.toMatch(/deprecated|not both/);
      const second = await run("sh", ["-e", "-c", leak], { cwd: project.dir, env: project.env, timeout: 90_000 }).then(
        (r) => ({ code: 0, ...r }),
        (e: { code: number; stdout: string; stderr: string }) => e,
      );
      expect({ code: second.code, stderr: second.stderr }).toEqual({ code: 1, stderr: expect.any(String) });
      const pair = Object.fromEntries(
        (await readFile(join(project.dir, "leak.env"), "utf8"))
          .trim()
          .split("\n")
          .map((l) => l.split("=") as [string, string]),
      );
      const controlUrl = /"controlUrl":"([^"]+)"/.exec(out)![1]!;
      // Contained: the leaked pair no longer gets a token, and the janitor wrote its audit event.
      await until(
        async () => {
          const check = await fetch(`${controlUrl}/genesys/secret-check`, {
            method: "POST",
            body: JSON.stringify({ clientId: pair.GENESYSCLOUD_OAUTHCLIENT_ID, secret: pair.GENESYSCLOUD_OAUTHCLIENT_SECRET }),
          });
          return !((await check.json()) as { valid: boolean }).valid && /"outcome":"contained"/.test(out);
        },
        () => `the leak was not contained: ${out}\n${err}`,
        ended,
      );
      expect(leakedSecrets([out, err, second.stdout, second.stderr], [pair.GENESYSCLOUD_OAUTHCLIENT_SECRET!])).toEqual([]);
    } finally {
      // The whole group: the shell may have exited already while the sandbox it started in the background runs on.
      try {
        process.kill(-terminal.pid!, "SIGTERM");
      } catch {
        // ESRCH: nothing left in the group
      }
      await ended;
      await until(
        async () =>
          !(await readFile(join(project.dir, ".keyward-sandbox.env")).then(
            () => true,
            () => false,
          )),
        () => "the sandbox did not delete its env file",
      );
      await project.close();
    }
  }, 180_000);
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Polls a condition (no fixed sleep decides anything); fails early when `ended` settles first. */
async function until(condition: () => boolean | Promise<boolean>, message: () => string, ended?: Promise<unknown>, timeoutMs = 90_000): Promise<void> {
  let gone = false;
  void ended?.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (gone || Date.now() > deadline) throw new Error(message());
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("the README's control API reference", () => {
  it("documents every route both control APIs answer", async () => {
    const readme = await readFile(README, "utf8");
    const routes = async (file: string, mount: string) =>
      [...(await readFile(join(process.cwd(), file), "utf8")).matchAll(/case "([A-Z]+) (\/[^"]*)":/g)].map((m) => `${m[1]} ${mount}${m[2]}`);
    const all = [...(await routes("src/sandbox/genesys/control.ts", "/genesys")), ...(await routes("src/sandbox/secretsmanager/control-api.ts", "/secretsmanager"))];
    expect(all.length).toBeGreaterThan(15);
    const table = readme.slice(readme.indexOf("### The control API"), readme.indexOf("### Emulator fidelity notes"));
    expect(all.filter((route) => !table.includes(`\`${route}\``))).toEqual([]);
  });
});
