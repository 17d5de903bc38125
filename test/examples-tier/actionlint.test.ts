import { execFile, spawnSync } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
// @ts-expect-error plain ESM helper without types
import { ensureTool, haveGo } from "../../scripts/go-tools.mjs";

/**
 * Every example workflow, and every complete workflow in the README, passes actionlint (built once from its Go module
 * into the go-tools cache). They are linted where users put them: in a repository's .github/workflows/, beside the
 * vendored Action at .github/actions/keyward/ (keyward's own action.yml), so actionlint also checks every `with:` input
 * against the inputs the Action declares. When shellcheck is installed, actionlint runs it on every `run:` block.
 */
const run = promisify(execFile);
const ROOT = process.cwd();
const go = haveGo();
if (!go) {
  process.stderr.write("\n*** SKIPPED: actionlint on examples/ — Go is not installed, so actionlint cannot be built from its module ***\n\n");
}

(go ? describe : describe.skip)("actionlint on the workflows users copy", () => {
  let repo: string;
  let actionlint: string;

  beforeAll(async () => {
    const built = ensureTool("actionlint") as { path?: string; reason?: string };
    if (!built.path) throw new Error(`actionlint could not be built: ${built.reason}`);
    actionlint = built.path;
    repo = await mkdtemp(join(tmpdir(), "keyward-actionlint-"));
    await run("git", ["init", "-q"], { cwd: repo });
    await mkdir(join(repo, ".github", "workflows"), { recursive: true });
    await mkdir(join(repo, ".github", "actions", "keyward"), { recursive: true });
    // Vendored as the README says: action.yml and action/dist/ of keyward.
    await cp(join(ROOT, "action.yml"), join(repo, ".github", "actions", "keyward", "action.yml"));
    await cp(join(ROOT, "action", "dist"), join(repo, ".github", "actions", "keyward", "action", "dist"), { recursive: true });
    for (const name of await readdir(join(ROOT, "examples", "github-actions"))) await cp(join(ROOT, "examples", "github-actions", name), join(repo, ".github", "workflows", name));
    const readme = await readFile(join(ROOT, "README.md"), "utf8");
    const workflows = [...readme.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => m[1]!).filter((y) => /^jobs:/m.test(y));
    expect(workflows.length).toBeGreaterThan(0);
    for (const [i, yaml] of workflows.entries()) await writeFile(join(repo, ".github", "workflows", `readme-${i + 1}.yml`), yaml);
  }, 600_000);

  afterAll(async () => {
    if (repo) await rm(repo, { recursive: true, force: true });
  });

  it("finds no problem in any of them", async () => {
    const shellcheck = spawnSync("shellcheck", ["--version"], { stdio: "ignore" }).status === 0;
    process.stderr.write(`actionlint ${actionlint}; shellcheck on run: blocks: ${shellcheck ? "yes" : "no (not installed)"}\n`);
    const files = (await readdir(join(repo, ".github", "workflows"))).sort();
    expect(files).toEqual(expect.arrayContaining(["deploy.yml", "rotate-scheduled.yml", "scan.yml", "readme-1.yml"]));
    const result = await run(actionlint, ["-no-color", ...files.map((f) => join(".github", "workflows", f))], { cwd: repo }).then(
      (r) => ({ code: 0, output: r.stdout + r.stderr }),
      (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, output: err.stdout + err.stderr }),
    );
    expect(result).toEqual({ code: 0, output: "" });
  });

  it("would catch a mistake (an input the Action does not declare)", async () => {
    const scan = await readFile(join(repo, ".github", "workflows", "scan.yml"), "utf8");
    await writeFile(join(repo, ".github", "workflows", "broken.yml"), scan.replace("sarif-file: keyward.sarif", "sarif-fle: keyward.sarif"));
    try {
      const result = await run(actionlint, ["-no-color", join(".github", "workflows", "broken.yml")], { cwd: repo }).then(
        () => ({ code: 0, output: "" }),
        (err: { code: number; stdout: string }) => ({ code: err.code, output: err.stdout }),
      );
      expect(result.code).toBe(1);
      expect(result.output).toMatch(/sarif-fle/);
    } finally {
      await rm(join(repo, ".github", "workflows", "broken.yml"));
    }
  });
});
