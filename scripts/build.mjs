// Bundles keyward's own TypeScript into dist/ with esbuild (dependencies stay external and load from
// node_modules). One bundle per entry point keeps `keyward rotate` start-up light: nothing from cdktf or
// the stacks is reachable from the CLI entry.
import { build } from "esbuild";
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";

const entries = {
  cli: "src/cli/main.ts",
  demo: "scripts/demo.ts",
  bench: "scripts/bench.ts",
  // The janitor's Lambda handlers (the stack bundles them itself at synth time; these let them be run locally).
  "janitor-receiver": "src/janitor/lambda/receiver.ts",
  "janitor-worker": "src/janitor/lambda/worker.ts",
  // The rotation Lambda's handlers (scheduled manifest and Secrets Manager's rotation protocol), runnable locally.
  "rotation-lambda": "src/rotation/lambda.ts",
  // `keyward scan --jobs N` worker threads load this next to the CLI chunks.
  "scan-worker": "src/scan/worker.ts",
};

rmSync("dist", { recursive: true, force: true });
const pkg = JSON.parse(readFileSync("package.json", "utf8"));
const result = await build({
  entryPoints: Object.fromEntries(Object.entries(entries).filter(([, file]) => existsSync(file))),
  outdir: "dist",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: "linked",
  splitting: true,
  metafile: true,
  define: { __KEYWARD_VERSION__: JSON.stringify(pkg.version) },
  logLevel: "warning",
});
// The import graph, for the test that keeps cdktf and the stacks out of the `keyward` executable.
writeFileSync("dist/meta.json", JSON.stringify(result.metafile));
// The scan rules are data read at run time from beside the bundle (src/scan/rules.ts: loadRules).
copyFileSync("src/scan/rules.yaml", "dist/rules.yaml");
