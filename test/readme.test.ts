import { execFile } from "node:child_process";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { startSandbox } from "../src/sandbox/sandbox.js";

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
      const { stdout } = await run(process.execPath, [file], { env: { PATH: process.env.PATH, HOME: process.env.HOME, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...sandbox.env } });
      expect(stdout).toContain("keyward-sandbox-admin");
      expect(stdout).toContain("keyward/janitor/genesys");
      expect(stdout).not.toContain(sandbox.admin.secret);
    } finally {
      await rm(file, { force: true });
      await sandbox.close();
    }
  });
});

describe("the README's sandbox snippet", () => {
  const env = () => ({ PATH: process.env.PATH, HOME: process.env.HOME, npm_config_update_notifier: "false", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" });
  async function snippet(): Promise<string> {
    const readme = await readFile(README, "utf8");
    const block = /<!-- readme-test: sandbox-snippet -->\n```sh\n([\s\S]*?)^```$/m.exec(readme)?.[1];
    expect(block).toContain("npx --no-install keyward sandbox --env-out");
    return block!;
  }

  it("runs as written: waits for the env file, rotates (dry run) with it, stops the sandbox and its file", async () => {
    const script = await snippet();
    const envFile = join(process.cwd(), ".keyward-sandbox.env");
    await expect(readFile(envFile)).rejects.toThrow(/ENOENT/); // a sandbox of someone else's would be refused
    const { stdout, stderr } = await run("sh", ["-e", "-c", `${script}wait   # (test only) until the sandbox has cleaned up and npx exited\n`], { cwd: process.cwd(), env: env(), timeout: 60_000 });
    expect(stdout).toMatch(/"genesysUrl"/);
    expect(`${stdout}\n${stderr}`).not.toMatch(/AWS_SECRET_ACCESS_KEY=|GENESYSCLOUD_OAUTHCLIENT_SECRET=/);
    await expect(readFile(envFile)).rejects.toThrow(/ENOENT/);
  });

  it("its rotate line fails clearly when the env file was not sourced", async () => {
    const rotateLine = (await snippet()).split("\n").find((l) => l.startsWith("npx --no-install keyward rotate"))!;
    const failed = await run("sh", ["-c", rotateLine], { cwd: process.cwd(), env: env() }).catch((err: { code: number; stderr: string }) => err);
    expect((failed as { code: number }).code).not.toBe(0);
    expect((failed as { stderr: string }).stderr).toMatch(/GENESYSCLOUD_OAUTHCLIENT_ID: is empty: source the sandbox env file first/);
  });
});

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
