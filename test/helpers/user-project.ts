import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface UserProject {
  /** The project's directory: run README commands here. */
  dir: string;
  /** PATH and HOME only, plus a quiet npm: the environment a user's fresh shell has. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * A throwaway project with keyward installed the way `npm install <checkout>` links it: `node_modules/keyward` is
 * this checkout (its built dist/ and its node_modules) and `node_modules/.bin/keyward` its bin, so
 * `npx --no-install keyward` and `./node_modules/.bin/keyward` resolve exactly as in a user's project — without a
 * registry lookup, and without touching files in this checkout. (test/package/install.test.ts installs the real
 * packed tarball; this is the cheap stand-in for tests that run documented commands.)
 */
export async function startUserProject(): Promise<UserProject> {
  const dir = await mkdtemp(join(tmpdir(), "keyward-user-project-"));
  await writeFile(join(dir, "package.json"), JSON.stringify({ name: "user-project", version: "1.0.0", private: true, dependencies: { keyward: "*" } }, null, 2));
  await mkdir(join(dir, "node_modules", ".bin"), { recursive: true });
  await symlink(process.cwd(), join(dir, "node_modules", "keyward"), "dir");
  await symlink(join("..", "keyward", "bin", "keyward.js"), join(dir, "node_modules", ".bin", "keyward"));
  return {
    dir,
    env: {
      PATH: process.env.PATH!,
      HOME: process.env.HOME!,
      npm_config_update_notifier: "false",
      npm_config_offline: "true",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}
