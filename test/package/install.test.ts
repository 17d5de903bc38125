import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { promisify } from "node:util";
import { startSandbox, type Sandbox } from "../../src/sandbox/sandbox.js";
import { newSecret } from "../../src/sandbox/genesys/store.js";
import { leakedSecrets } from "../helpers/keyward-cli.js";
import { emptyProjectDependingOn, isolatedNpmEnv } from "../helpers/npm-project.js";

/**
 * The package a user installs: `npm pack` of this checkout, installed into an empty project without network, then
 * run from `./node_modules/.bin/keyward` and `npx --no-install keyward`. Only the runtime dependencies are installed,
 * so a shipped file that imports a devDependency fails here, not on a user's machine.
 *
 * `npm test` has just built dist/ (the `prepare` script's job), so the pack skips scripts: a second build would
 * delete dist/ under the other test files reading it. The empty project gets the lockfile its first `npm install`
 * would write (test/helpers/npm-project.ts: offline npm cannot resolve version ranges).
 */
const ROOT = process.cwd();
const run = promisify(execFile);
const pkg = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as {
  name: string;
  version: string;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  engines: Record<string, string>;
  license: string;
};

let work: string;
let npmEnv: Record<string, string>;
let tarball: string;
let packedFiles: string[];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "keyward-install-"));
  npmEnv = await isolatedNpmEnv(work);
  const { stdout } = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], { cwd: ROOT, env: npmEnv, maxBuffer: 8 * 1024 * 1024 });
  const [packed] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = join(work, packed!.filename);
  packedFiles = packed!.files.map((f) => f.path).sort();
}, 120_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe("the packed tarball", () => {
  it("holds the built CLI, its chunks, the scan rules, the library entry and its type declarations", () => {
    for (const file of ["package.json", "README.md", "bin/keyward.js", "dist/cli.js", "dist/rules.yaml", "dist/scan-worker.js", "dist/index.js", "dist/types/index.d.ts"])
      expect(packedFiles).toContain(file);
    expect(pkg.bin).toEqual({ keyward: "bin/keyward.js" });
  });

  it("holds nothing a user does not run: no sources, tests, scripts, stacks, examples, dev bundles, caches or state", () => {
    const devOnly = packedFiles.filter(
      (f) =>
        /^(src|test|scripts|stacks|examples|action|\.ci|\.cache|node_modules|cdktf\.out)\//.test(f) ||
        /^dist\/(demo|bench)\.js|^dist\/dev-|^dist\/meta\.json$|\.tfstate|\.env$|^tsconfig|^jest\./.test(f),
    );
    expect(devOnly).toEqual([]);
  });

  it("contains every chunk its bundles import, and imports only the runtime dependencies and Node's own modules", async () => {
    const meta = JSON.parse(await readFile(join(ROOT, "dist", "meta.json"), "utf8")) as { outputs: Record<string, { imports: Array<{ path: string; external?: boolean }> }> };
    const shipped = packedFiles.filter((f) => f.endsWith(".js") && f.startsWith("dist/"));
    const missing: string[] = [];
    const packages = new Set<string>();
    for (const file of shipped) {
      const output = meta.outputs[file];
      expect({ file, inMetafile: output !== undefined }).toEqual({ file, inMetafile: true });
      for (const imp of output!.imports) {
        if (!imp.external) {
          if (!packedFiles.includes(imp.path)) missing.push(`${file} → ${imp.path}`);
        } else if (!imp.path.startsWith("node:")) packages.add(imp.path.startsWith("@") ? imp.path.split("/").slice(0, 2).join("/") : imp.path.split("/")[0]!);
      }
    }
    expect(missing).toEqual([]);
    expect([...packages].filter((p) => !(p in pkg.dependencies))).toEqual([]);
  });

  it("builds on install from a git commit: `prepare` runs the build", async () => {
    const scripts = (JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    expect(scripts.prepare).toBe("node scripts/build.mjs");
  });
});

describe("keyward installed from the tarball into an empty project, offline", () => {
  let app: string;
  let sandbox: Sandbox;
  const keyward = (args: string[], env: Record<string, string> = {}) =>
    run(join(app, "node_modules", ".bin", "keyward"), args, { cwd: app, env: { ...npmEnv, ...env }, timeout: 60_000 }).then(
      (r) => ({ code: 0, ...r }),
      (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
    );

  beforeAll(async () => {
    app = join(work, "app");
    await emptyProjectDependingOn(app, `file:${relative(app, tarball)}`);
    await run("npm", ["ci", "--offline"], { cwd: app, env: npmEnv, timeout: 240_000, maxBuffer: 8 * 1024 * 1024 });
    sandbox = await startSandbox();
  }, 300_000);

  afterAll(async () => {
    await sandbox?.close();
  });

  it("installs a complete tree with keyward's runtime dependencies and none of its devDependencies", async () => {
    await run("npm", ["ls", "--all"], { cwd: app, env: npmEnv, maxBuffer: 8 * 1024 * 1024 }); // exits non-zero on a missing or invalid dependency
    const installed = JSON.parse((await run("npm", ["ls", "--all", "--json"], { cwd: app, env: npmEnv, maxBuffer: 8 * 1024 * 1024 })).stdout) as {
      dependencies: Record<string, { dependencies?: Record<string, unknown> }>;
    };
    expect(Object.keys(installed.dependencies[pkg.name]!.dependencies ?? {}).sort()).toEqual(Object.keys(pkg.dependencies).sort());
    const names = (await run("npm", ["ls", "--all", "--parseable"], { cwd: app, env: npmEnv, maxBuffer: 8 * 1024 * 1024 })).stdout;
    // A devDependency of keyward that a runtime dependency itself declares (e.g. @slack/web-api depends on @types/node)
    // is installed for that package, not for keyward: it is not counted.
    const lock = JSON.parse(await readFile(join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { dev?: boolean; dependencies?: Record<string, string> }> };
    const neededAtRuntime = new Set(
      Object.entries(lock.packages)
        .filter(([path, e]) => path !== "" && !e.dev)
        .flatMap(([, e]) => Object.keys(e.dependencies ?? {})),
    );
    for (const dev of Object.keys(pkg.devDependencies).filter((d) => !neededAtRuntime.has(d)))
      expect({ dev, installed: names.includes(`/node_modules/${dev}\n`) }).toEqual({ dev, installed: false });
  });

  it("runs `./node_modules/.bin/keyward` and `npx --no-install keyward`", async () => {
    expect(await keyward(["--version"])).toMatchObject({ code: 0, stdout: `keyward ${pkg.version}\n` });
    const viaNpx = await run("npx", ["--no-install", "keyward", "help"], { cwd: app, env: npmEnv, timeout: 60_000 });
    expect(viaNpx.stdout).toMatch(/keyward rotate/);
  });

  it("scans with the shipped rules and never prints the secret it found", async () => {
    const secret = newSecret();
    await writeFile(join(app, "leak.env"), `GENESYSCLOUD_OAUTHCLIENT_ID=3f0b1d2e-8c4a-4e1b-9f2d-6a7c8b9d0e1f\nGENESYSCLOUD_OAUTHCLIENT_SECRET=${secret}\n`);
    const found = await keyward(["scan", "leak.env", "--format", "json"]);
    expect(found.code).toBe(1);
    expect((JSON.parse(found.stdout) as { findings: unknown[] }).findings).toHaveLength(1);
    expect(leakedSecrets([found.stdout, found.stderr], [secret])).toEqual([]);
    expect(await keyward(["patterns", "--format", "gitleaks"])).toMatchObject({ code: 0 });
  });

  it("talks to Genesys Cloud and Secrets Manager (the sandbox) with the installed AWS SDK", async () => {
    const planned = await keyward(["rotate", "--client-id", sandbox.admin.id, "--secret-id", "demo/installed", "--create-secret", "--dry-run", "--rotate-self"], sandbox.env);
    expect({ code: planned.code, stderr: planned.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    expect(leakedSecrets([planned.stdout, planned.stderr], [sandbox.admin.secret, sandbox.awsCredentials.secretAccessKey])).toEqual([]);
  });

  it("exposes the library entry to the project that installed it, with type declarations that resolve inside the package", async () => {
    const { stdout } = await run(
      process.execPath,
      ["--input-type=module", "-e", 'import { CLIENT_ID_TAG, fingerprintOf } from "keyward"; console.log(CLIENT_ID_TAG, fingerprintOf("x").slice(0, 5));'],
      { cwd: app, env: npmEnv },
    );
    expect(stdout).toBe("keyward:client-id kwf1_\n");
    // What TypeScript follows: `exports["."].types`, then every relative import of every declaration file.
    // (A consumer project compiling against them is in the examples tier: tsc under load is too slow for npm test.)
    const installed = JSON.parse(await readFile(join(app, "node_modules", "keyward", "package.json"), "utf8")) as { types: string; exports: { ".": { types: string } } };
    expect(installed.exports["."].types).toBe(installed.types);
    const declarations = packedFiles.filter((f) => f.endsWith(".d.ts"));
    expect(declarations).toContain(installed.types.replace(/^\.\//, ""));
    const unresolved: string[] = [];
    for (const file of declarations) {
      const text = await readFile(join(app, "node_modules", "keyward", file), "utf8");
      for (const m of text.matchAll(/from "(\.{1,2}\/[^"]+)\.js"/g)) {
        const target = join(dirname(file), `${m[1]}.d.ts`);
        if (!declarations.includes(target)) unresolved.push(`${file} → ${target}`);
      }
    }
    expect(unresolved).toEqual([]);
  });
});
