#!/usr/bin/env node
// `npm run --silent terraform:rc`: builds keyward's stand-in Terraform providers (test/terraform/providers, a Go
// module of its own) once into a git-ignored cache laid out as a Terraform filesystem mirror, writes a CLI
// configuration file that installs providers from that mirror only, and prints the file's absolute path on stdout
// (nothing else: progress goes to stderr), so that
//
//   TF_CLI_CONFIG_FILE=$(npm run --silent terraform:rc) terraform init
//
// installs `mypurecloud/genesyscloud` 1.84.1 and `hashicorp/aws` 6.28.0 stand-ins and never reaches a registry.
// Later runs reuse the build: the cache key is a hash of the module's sources, so editing a stand-in rebuilds it.
// `--json` prints {rc, mirror, built, seconds, terraform} instead, where `terraform` is the binary to run: the
// `terraform` on PATH when it is >= 1.4 (terraform_data), else OpenTofu built from its Go module into the same cache.
//
// KEYWARD_CACHE_DIR moves the cache (default .cache/ in the checkout), as for scripts/go-tools.mjs.
// Exit 0 ok; 1 when Go is missing or a build fails (the reason on stderr). Go is needed for tests only.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureTool, haveGo } from "./go-tools.mjs";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
export const MODULE_DIR = join(ROOT, "test", "terraform", "providers");
export const CACHE_ROOT = join(process.env.KEYWARD_CACHE_DIR || join(ROOT, ".cache"), "terraform");

/** The providers the mirror serves: registry address, version, main package. */
export const STANDINS = [
  { namespace: "mypurecloud", type: "genesyscloud", version: "1.84.1", pkg: "./cmd/terraform-provider-genesyscloud" },
  { namespace: "hashicorp", type: "aws", version: "6.28.0", pkg: "./cmd/terraform-provider-aws" },
];
// OpenTofu resolves short provider sources against its own registry host: the mirror answers for both.
const HOSTS = ["registry.terraform.io", "registry.opentofu.org"];

const stderrLog = (line) => process.stderr.write(line + "\n");

function goPlatform() {
  const os = { linux: "linux", darwin: "darwin", win32: "windows", freebsd: "freebsd" }[process.platform] ?? process.platform;
  const arch = { x64: "amd64", arm64: "arm64", ia32: "386", arm: "arm" }[process.arch] ?? process.arch;
  return `${os}_${arch}`;
}

function sourceFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(go|mod|sum)$/.test(entry.name) && !entry.name.endsWith("_test.go")) out.push(path);
  }
  return out.sort();
}

/** Hash of the stand-ins' sources and target platform: the cache key. */
export function sourceKey() {
  const hash = createHash("sha256").update(goPlatform());
  for (const file of sourceFiles(MODULE_DIR)) hash.update(relative(MODULE_DIR, file)).update("\0").update(readFileSync(file)).update("\0");
  return hash.digest("hex").slice(0, 16);
}

function cliConfig(mirror) {
  const include = HOSTS.flatMap((host) => STANDINS.map((p) => `"${host}/${p.namespace}/${p.type}"`));
  return [
    "# Written by keyward's scripts/terraform-standins.mjs: install only the stand-in providers of the filesystem mirror.",
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${JSON.stringify(mirror)}`,
    `    include = [${include.join(", ")}]`,
    "  }",
    "}",
    "disable_checkpoint = true",
    "",
  ].join("\n");
}

/**
 * The stand-ins' mirror and CLI config, building them first when this source version has no build yet. Returns
 * {rc, mirror, built, seconds} or {reason} when they cannot be built (no Go, a failed build).
 */
export function ensureStandins(log = stderrLog) {
  const dir = join(CACHE_ROOT, `standins-${sourceKey()}`);
  const rc = join(dir, "terraform.rc");
  const mirror = join(dir, "mirror");
  if (existsSync(rc)) return { rc, mirror, built: false, seconds: 0 };
  if (!haveGo()) return { reason: "Go is not installed (the stand-in providers are built from test/terraform/providers with Go >= 1.24; only tests need them)" };
  mkdirSync(CACHE_ROOT, { recursive: true });
  log(`building keyward's stand-in Terraform providers (genesyscloud 1.84.1, aws 6.28.0) from test/terraform/providers, once; cached in ${dir}…`);
  const started = Date.now();
  // Built beside the final directory and renamed into place, so a half-built mirror is never used and two
  // concurrent builds (parallel test workers) settle on one.
  const work = mkdtempSync(join(CACHE_ROOT, ".build-"));
  try {
    const platform = goPlatform();
    for (const p of STANDINS) {
      const target = join(work, "mirror", HOSTS[0], p.namespace, p.type, p.version, platform);
      mkdirSync(target, { recursive: true });
      const binary = join(target, `terraform-provider-${p.type}_v${p.version}${platform.startsWith("windows") ? ".exe" : ""}`);
      execFileSync("go", ["build", "-trimpath", "-ldflags=-s -w", "-o", binary, p.pkg], {
        cwd: MODULE_DIR,
        env: { ...process.env, CGO_ENABLED: "0", GOFLAGS: "-mod=readonly" },
        stdio: ["ignore", 2, 2],
      });
      for (const host of HOSTS.slice(1)) {
        const alias = join(work, "mirror", host, p.namespace, p.type);
        mkdirSync(dirname(alias), { recursive: true });
        symlinkSync(relative(dirname(alias), join(work, "mirror", HOSTS[0], p.namespace, p.type)), alias);
      }
    }
    writeFileSync(join(work, "terraform.rc"), cliConfig(mirror));
    try {
      renameSync(work, dir);
    } catch (err) {
      if (!existsSync(rc)) throw err; // someone else finished the same build first: use theirs
    }
  } catch (err) {
    return { reason: `building the stand-in providers failed: ${String(err.message ?? err).split("\n")[0]}` };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  // Drop builds of older sources (each ~40 MB).
  for (const entry of readdirSync(CACHE_ROOT)) {
    if (entry.startsWith("standins-") && join(CACHE_ROOT, entry) !== dir) rmSync(join(CACHE_ROOT, entry), { recursive: true, force: true });
  }
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  log(`stand-in providers built in ${seconds} s`);
  return { rc, mirror, built: true, seconds };
}

function versionOf(binary) {
  const res = spawnSync(binary, ["version", "-json"], { encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
  if (res.status !== 0) return undefined;
  try {
    return JSON.parse(res.stdout).terraform_version;
  } catch {
    return undefined;
  }
}

function atLeast(version, [major, minor]) {
  const [a = 0, b = 0] = String(version).split(".").map(Number);
  return a > major || (a === major && b >= minor);
}

/**
 * The Terraform CLI to run: `terraform` from PATH when it is >= 1.4 (the release that added `terraform_data`),
 * else OpenTofu built from its Go module into the cache. Returns {path, name, version, built} or {reason}.
 */
export function findTerraform(log = stderrLog) {
  const onPath = versionOf("terraform");
  if (onPath && atLeast(onPath, [1, 4])) return { path: "terraform", name: "terraform", version: onPath, built: false };
  const tofuOnPath = versionOf("tofu");
  if (tofuOnPath && atLeast(tofuOnPath, [1, 6])) return { path: "tofu", name: "opentofu", version: tofuOnPath, built: false };
  log(onPath ? `terraform ${onPath} on PATH is older than 1.4 (no terraform_data); using OpenTofu instead` : "no terraform on PATH; using OpenTofu instead");
  const tofu = ensureTool("tofu", log);
  if (!tofu.path) return { reason: `no Terraform >= 1.4 on PATH and OpenTofu could not be built: ${tofu.reason}` };
  return { path: tofu.path, name: "opentofu", version: versionOf(tofu.path) ?? "unknown", built: tofu.built };
}

if (process.argv[1] && /terraform-standins\.mjs$/.test(process.argv[1])) {
  const json = process.argv.includes("--json");
  const standins = ensureStandins();
  if (!standins.rc) {
    stderrLog(`keyward: ${standins.reason}`);
    process.exit(1);
  }
  if (json) {
    const terraform = findTerraform();
    process.stdout.write(JSON.stringify({ ...standins, terraform }) + "\n");
  } else {
    process.stdout.write(standins.rc + "\n");
  }
}
