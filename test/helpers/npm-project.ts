import { execFile } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * An npm with nothing of this session's configuration: its own HOME, empty user and global config, its own prefix,
 * no network — but the cache `npm ci` filled for this checkout (read with the real HOME, as the developer's npm sees it).
 */
export async function isolatedNpmEnv(dir: string): Promise<Record<string, string>> {
  const realHome = process.env.KEYWARD_REAL_HOME || homedir();
  const cache = (await run("npm", ["config", "get", "cache"], { env: { PATH: process.env.PATH!, HOME: realHome } })).stdout.trim();
  const [user, global] = [join(dir, "user-npmrc"), join(dir, "global-npmrc")];
  await Promise.all([writeFile(user, ""), writeFile(global, "")]);
  await mkdir(join(dir, "home"), { recursive: true });
  return {
    PATH: process.env.PATH!,
    HOME: join(dir, "home"),
    npm_config_cache: cache,
    npm_config_userconfig: user,
    npm_config_globalconfig: global,
    npm_config_prefix: join(dir, "prefix"),
    npm_config_offline: "true",
    npm_config_audit: "false",
    npm_config_fund: "false",
    npm_config_update_notifier: "false",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
}

/**
 * An empty project at `app` that depends on keyward through `spec` (a tarball or a git URL), with the lockfile its
 * first online `npm install` would write, pinned to the versions this checkout was tested with (its own lockfile,
 * devDependencies left out). Offline npm cannot resolve version ranges — `npm ci` caches tarballs, not registry
 * metadata — so `npm ci --offline` installs from this lockfile.
 */
export async function emptyProjectDependingOn(app: string, spec: string): Promise<void> {
  const root = process.cwd();
  const pkg = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as {
    name: string;
    version: string;
    license: string;
    bin: unknown;
    engines: unknown;
    dependencies: Record<string, string>;
  };
  const lock = JSON.parse(await readFile(join(root, "package-lock.json"), "utf8")) as { lockfileVersion: number; packages: Record<string, { dev?: boolean }> };
  await mkdir(app, { recursive: true });
  await writeFile(join(app, "package.json"), JSON.stringify({ name: "app", version: "1.0.0", private: true, dependencies: { [pkg.name]: spec } }, null, 2));
  const packages: Record<string, unknown> = {
    "": { name: "app", version: "1.0.0", dependencies: { [pkg.name]: spec } },
    [`node_modules/${pkg.name}`]: { version: pkg.version, resolved: spec, license: pkg.license, dependencies: pkg.dependencies, bin: pkg.bin, engines: pkg.engines },
  };
  for (const [path, entry] of Object.entries(lock.packages)) if (path !== "" && !entry.dev) packages[path] = entry;
  await writeFile(join(app, "package-lock.json"), JSON.stringify({ name: "app", version: "1.0.0", lockfileVersion: lock.lockfileVersion, requires: true, packages }, null, 2));
}
