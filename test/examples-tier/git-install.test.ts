import { execFile } from "node:child_process";
import { access, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

/**
 * keyward installed from a pinned commit, as the README shows (`npm install "git+https://…#<full commit sha>"`): npm
 * clones the commit, installs keyward's devDependencies in a scratch directory, runs `prepare` (the build), packs
 * it by `files` and installs that. Here the URL is this checkout's (`git+file://`, HEAD's full sha: commit first), the
 * network is off, and, as in test/package/install.test.ts, the project gets the lockfile a first online install
 * would write (offline npm cannot resolve version ranges).
 */
const run = promisify(execFile);
const ROOT = process.cwd();

describe("keyward installed from a pinned commit into an empty project, offline", () => {
  let work: string;
  let app: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "keyward-git-install-"));
    const realHome = process.env.KEYWARD_REAL_HOME || homedir();
    const cache = (await run("npm", ["config", "get", "cache"], { env: { PATH: process.env.PATH!, HOME: realHome } })).stdout.trim();
    await mkdir(join(work, "home"));
    await writeFile(join(work, "user-npmrc"), "");
    await writeFile(join(work, "global-npmrc"), "");
    env = { PATH: process.env.PATH!, HOME: join(work, "home"), npm_config_cache: cache, npm_config_userconfig: join(work, "user-npmrc"), npm_config_globalconfig: join(work, "global-npmrc"), npm_config_offline: "true", npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };
    const sha = (await run("git", ["rev-parse", "HEAD"], { cwd: ROOT })).stdout.trim();
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    const spec = `git+file://${ROOT}#${sha}`;
    const pkg = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as { name: string; version: string; license: string; bin: unknown; engines: unknown; dependencies: Record<string, string> };
    const lock = JSON.parse(await readFile(join(ROOT, "package-lock.json"), "utf8")) as { lockfileVersion: number; packages: Record<string, { dev?: boolean }> };
    app = join(work, "app");
    await mkdir(app);
    await writeFile(join(app, "package.json"), JSON.stringify({ name: "app", version: "1.0.0", private: true, dependencies: { [pkg.name]: spec } }, null, 2));
    const packages: Record<string, unknown> = {
      "": { name: "app", version: "1.0.0", dependencies: { [pkg.name]: spec } },
      [`node_modules/${pkg.name}`]: { version: pkg.version, resolved: spec, license: pkg.license, dependencies: pkg.dependencies, bin: pkg.bin, engines: pkg.engines },
    };
    for (const [path, entry] of Object.entries(lock.packages)) if (path !== "" && !entry.dev) packages[path] = entry;
    await writeFile(join(app, "package-lock.json"), JSON.stringify({ name: "app", version: "1.0.0", lockfileVersion: lock.lockfileVersion, requires: true, packages }, null, 2));
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
    await writeFile(join(app, "use.ts"), 'import { parseStoredCredentials, type StoredCredentials } from "keyward";\nconst doc: StoredCredentials | undefined = parseStoredCredentials("{}");\nexport const region: string | undefined = doc?.region;\n');
    const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
    await run(process.execPath, [tsc, "--noEmit", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext", "--typeRoots", join(ROOT, "node_modules", "@types"), "--types", "node", "use.ts"], { cwd: app, env, timeout: 300_000 });
  });
});
