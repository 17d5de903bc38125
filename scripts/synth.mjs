#!/usr/bin/env node
// `npm run synth [-- --hcl] [-- <other cdktf synth flags>]`:
// 1. validates the stacks configuration with the app itself (`tsx main.ts`, KEYWARD_VALIDATE_ONLY=1): a bad
//    configuration prints every issue once and exits 2 (the cdktf CLI would report it as exit 1, twice);
// 2. clears the output directory (`--output`, else cdktf.json's `output`, default cdktf.out), so a JSON synth
//    and an HCL synth never leave both `cdk.tf.json` and `cdk.tf` in a stack directory (Terraform would load
//    both); a directory holding anything but cdktf output is refused, exit 2;
// 3. runs `cdktf synth` with the given flags and exits with its code, with cdktf-cli's telemetry and version check
//    off (CHECKPOINT_DISABLE=1 unless set): offline, cdktf-cli would print `getaddrinfo ENOTFOUND checkpoint-api…`;
// 4. with --hcl, writes each reference as Terraform >= 0.12 does (`x.y` for `"${x.y}"`, scripts/hcl-unwrap.mjs), so
//    the HCL passes `terraform fmt -check` as written.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { unwrapInterpolationOnly } from "./hcl-unwrap.mjs";

const project = dirname(dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const npx = process.platform === "win32" ? "npx.cmd" : "npx";

// The app builds the Lambda bundle under its output directory even when it writes nothing else: keep that away.
const scratch = mkdtempSync(join(tmpdir(), "keyward-validate-"));
const validate = spawnSync(npx, ["--no-install", "tsx", "main.ts"], {
  cwd: project,
  stdio: "inherit",
  env: { ...process.env, KEYWARD_VALIDATE_ONLY: "1", CDKTF_OUTDIR: scratch },
});
rmSync(scratch, { recursive: true, force: true });
if (validate.status !== 0) process.exit(validate.status ?? 1);

function outputDir() {
  const at = args.findIndex((a) => a === "--output" || a === "-o" || a.startsWith("--output="));
  if (at >= 0) return resolve(project, args[at].startsWith("--output=") ? args[at].slice("--output=".length) : (args[at + 1] ?? ""));
  const config = JSON.parse(readFileSync(join(project, "cdktf.json"), "utf8"));
  return resolve(project, config.output ?? "cdktf.out");
}
const out = outputDir();
const CDKTF_ENTRIES = new Set(["manifest.json", "stacks", ".keyward-bundles"]);
if (existsSync(out) && readdirSync(out).some((entry) => !CDKTF_ENTRIES.has(entry))) {
  process.stderr.write(
    `keyward: ${out} is not empty and not a cdktf output directory (entries other than manifest.json, stacks/); not clearing it\n  fix: pick another --output\n`,
  );
  process.exit(2);
}
rmSync(out, { recursive: true, force: true });

const synth = spawnSync(npx, ["--no-install", "cdktf", "synth", ...args], {
  cwd: project,
  stdio: "inherit",
  env: { ...process.env, CHECKPOINT_DISABLE: process.env.CHECKPOINT_DISABLE ?? "1" },
});
if (synth.status === 0 && args.includes("--hcl") && existsSync(join(out, "stacks"))) {
  for (const stack of readdirSync(join(out, "stacks"))) {
    const file = join(out, "stacks", stack, "cdk.tf");
    if (existsSync(file)) writeFileSync(file, unwrapInterpolationOnly(readFileSync(file, "utf8")));
  }
}
process.exit(synth.status ?? 1);
