#!/usr/bin/env node
// Builds the test-time tools (the bench's peers gitleaks and TruffleHog; actionlint for `npm run test:examples`) from
// their Go modules into a git-ignored cache, once. keyward itself never needs Go: without it, the bench and the
// examples tier print a loud skip line for these tools.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const TOOLS = {
  gitleaks: { module: "github.com/zricethezav/gitleaks/v8", version: "v8.30.1", binary: "gitleaks" },
  trufflehog: { module: "github.com/trufflesecurity/trufflehog/v3", version: "v3.90.0", binary: "trufflehog" },
  // `package`: the command inside the module, when it is not the module's root.
  actionlint: { module: "github.com/rhysd/actionlint", package: "github.com/rhysd/actionlint/cmd/actionlint", version: "v1.7.12", binary: "actionlint" },
};

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
// KEYWARD_CACHE_DIR moves the cache (e.g. to share one build between checkouts); default: .cache/ in the checkout.
export const CACHE = join(process.env.KEYWARD_CACHE_DIR || join(ROOT, ".cache"), "go-tools");

export function toolPath(name) {
  const t = TOOLS[name];
  return join(CACHE, `${name}-${t.version}`, t.binary);
}

export function haveGo() {
  return spawnSync("go", ["version"], { stdio: "ignore" }).status === 0;
}

/** Returns the binary's path, building it first when missing; undefined (with the reason) when it cannot be built. */
export function ensureTool(name, log = (line) => process.stderr.write(line + "\n")) {
  const path = toolPath(name);
  if (existsSync(path)) return { path, built: false, seconds: 0 };
  if (!haveGo()) return { reason: "Go is not installed" };
  const t = TOOLS[name];
  mkdirSync(dirname(path), { recursive: true });
  log(`building ${name} ${t.version} from its Go module (once; cached in ${dirname(path)})…`);
  const started = Date.now();
  // `go install m@v` asks the proxy for the module's version list (deprecation check), which the proxy here refuses
  // for some modules; a throwaway module that requires the exact version builds the same binary.
  const work = mkdtempSync(join(tmpdir(), `keyward-${name}-`));
  const goEnv = { ...process.env, CGO_ENABLED: "0", GOFLAGS: "-mod=mod" };
  try {
    writeFileSync(join(work, "go.mod"), "module keywardtoolbuild\n\ngo 1.24\n");
    execFileSync("go", ["get", `${t.module}@${t.version}`], { cwd: work, env: goEnv, stdio: ["ignore", "inherit", "inherit"] });
    execFileSync("go", ["build", "-trimpath", "-o", path, t.package ?? t.module], { cwd: work, env: goEnv, stdio: ["ignore", "inherit", "inherit"] });
  } catch (err) {
    return { reason: `building ${t.module}@${t.version} failed: ${err.message.split("\n")[0]}` };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { path, built: true, seconds: Math.round((Date.now() - started) / 100) / 10 };
}

if (process.argv[1] && /go-tools\.mjs$/.test(process.argv[1])) {
  for (const name of process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(TOOLS)) {
    const r = ensureTool(name);
    console.log(JSON.stringify({ tool: name, ...r }));
  }
}
