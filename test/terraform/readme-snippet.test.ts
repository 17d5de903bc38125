// The README's "Real Terraform against the sandbox" snippet, run as written (bash -e) in a temporary copy of the
// project: sandbox, stacks configuration from its env file, npm run synth, terraform:rc, init, apply (the
// provisioner: this checkout's bin/keyward.js rotate), audit-state of the pulled state, destroy, cleanup.
import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT, terraformTool } from "./harness.js";

function snippet(): string {
  const readme = readFileSync(join(PROJECT, "README.md"), "utf8");
  const at = readme.indexOf("<!-- readme-test: terraform-snippet -->");
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(at))!;
  return block[1]!;
}

describe("the README's Terraform snippet", () => {
  let copy: string;

  beforeAll(() => {
    terraformTool(); // the stand-ins are built (once) before the snippet asks for them
    copy = mkdtempSync(join(tmpdir(), "keyward-readme-tf-"));
    // What a clone holds (every tracked file), plus the build a clone's `npm ci` makes.
    const tracked = execFileSync("git", ["ls-files", "-z"], { cwd: PROJECT, encoding: "utf8" }).split("\0").filter(Boolean);
    for (const file of [...tracked, "dist"]) {
      if (existsSync(join(PROJECT, file))) cpSync(join(PROJECT, file), join(copy, file), { recursive: true });
    }
    symlinkSync(join(PROJECT, "node_modules"), join(copy, "node_modules"));
  });

  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it("runs as written: applies, audits clean, destroys, and leaves nothing behind", async () => {
    const script = `set -e\ntrap 'kill "$KEYWARD_SANDBOX_PID" 2>/dev/null || true' EXIT\n${snippet()}`;
    const env = {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      npm_config_update_notifier: "false",
      // The same build as the other Terraform tests (the copy's stand-in sources hash to the same key).
      KEYWARD_CACHE_DIR: process.env.KEYWARD_CACHE_DIR || join(PROJECT, ".cache"),
    };
    const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const child = spawn("bash", ["-c", script], { cwd: copy, env, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (out += d.toString()));
      child.on("error", reject);
      child.on("close", (c) => resolve({ code: c, out }));
    });
    expect({ code, tail: code === 0 ? "" : out.slice(-3000) }).toEqual({ code: 0, tail: "" });
    // The snippet runs terraform as a user would, in colour; judge the text without the escape codes.
    const text = out.replace(/\x1b\[[0-9;]*m/g, "");
    expect(text).toMatch(/Apply complete! Resources: 3 added, 0 changed, 0 destroyed/);
    expect(text).toMatch(/\(local-exec\): rotated /);
    expect(text).toMatch(/no Genesys client secret found/);
    expect(text).toMatch(/Destroy complete! Resources: 3 destroyed/);
    for (const left of ["sandbox-stacks.json", "cdktf.out", ".keyward-sandbox.env"]) expect(existsSync(join(copy, left))).toBe(false);
  });
});
