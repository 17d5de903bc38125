import { execFile } from "node:child_process";
import { access, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { emptyProjectDependingOn, isolatedNpmEnv } from "../helpers/npm-project.js";

/**
 * keyward installed from a pinned commit, as the README shows (`npm install "git+https://…#<full commit sha>"`): npm
 * clones the commit, installs keyward's devDependencies in a scratch directory, runs `prepare` (the build), packs
 * it by `files` and installs that. Here the URL is this checkout's (`git+file://`, HEAD's full sha: commit first), the
 * network is off, and, as in test/package/install.test.ts, the project gets the lockfile a first online install
 * would write (test/helpers/npm-project.ts).
 */
const run = promisify(execFile);
const ROOT = process.cwd();

describe("keyward installed from a pinned commit into an empty project, offline", () => {
  let work: string;
  let app: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "keyward-git-install-"));
    env = await isolatedNpmEnv(work);
    const sha = (await run("git", ["rev-parse", "HEAD"], { cwd: ROOT })).stdout.trim();
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    app = join(work, "app");
    await emptyProjectDependingOn(app, `git+file://${ROOT}#${sha}`);
    await run("npm", ["ci", "--offline"], { cwd: app, env, timeout: 540_000, maxBuffer: 16 * 1024 * 1024 });
  }, 600_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("builds the commit and installs what `files` ships: the CLI runs, nothing of the checkout's development came along", async () => {
    const installed = join(app, "node_modules", "keyward");
    expect((await run(join(app, "node_modules", ".bin", "keyward"), ["--version"], { cwd: app, env })).stdout).toMatch(/^keyward \d+\.\d+\.\d+\n$/);
    expect((await run("npx", ["--no-install", "keyward", "help"], { cwd: app, env })).stdout).toMatch(/keyward rotate/);
    await expect(readFile(join(installed, "dist", "rules.yaml"), "utf8")).resolves.toMatch(/genesys/i);
    for (const absent of ["src", "test", "stacks", "scripts", "dist/demo.js", "dist/bench.js"]) await expect(access(join(installed, absent))).rejects.toThrow(/ENOENT/);
    expect((await readdir(join(installed, "dist"))).filter((f) => f.startsWith("dev-"))).toEqual([]);
    for (const devOnly of ["cdktf", "jest", "typescript", "esbuild"]) await expect(access(join(app, "node_modules", devOnly))).rejects.toThrow(/ENOENT/);
  });

  it("gives a TypeScript project the library entry's types", async () => {
    await writeFile(
      join(app, "use.ts"),
      'import { parseStoredCredentials, type StoredCredentials } from "keyward";\nconst doc: StoredCredentials | undefined = parseStoredCredentials("{}");\nexport const region: string | undefined = doc?.region;\n',
    );
    const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
    await run(
      process.execPath,
      [tsc, "--noEmit", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext", "--typeRoots", join(ROOT, "node_modules", "@types"), "--types", "node", "use.ts"],
      { cwd: app, env, timeout: 300_000 },
    );
  });
});
