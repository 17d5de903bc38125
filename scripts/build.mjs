// Bundles keyward's own TypeScript into dist/ with esbuild (dependencies stay external and load from
// node_modules). One bundle per entry point keeps `keyward rotate` start-up light: nothing from cdktf or
// the stacks is reachable from the CLI entry.
//
// Two builds: what the package ships (the CLI, the Lambdas' handlers, the scan worker, the library entry and its
// type declarations) and the development tools (the demo behind `npm start`, the bench), whose chunks go to
// dist/dev-*.js (beside the others: paths taken from import.meta.url stay right) so no shipped file imports them
// (package.json `files` leaves them out of the tarball).
import { build } from "esbuild";
import { parse } from "yaml";
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const shipped = {
  cli: "src/cli/main.ts",
  // The library entry (`import … from "keyward"`): the shared shapes of src/contracts/.
  index: "src/index.ts",
  // The janitor's Lambda handlers (the stack bundles them itself at synth time; these let them be run locally).
  "janitor-receiver": "src/janitor/lambda/receiver.ts",
  "janitor-worker": "src/janitor/lambda/worker.ts",
  // The rotation Lambda's handlers (scheduled manifest and Secrets Manager's rotation protocol), runnable locally.
  "rotation-lambda": "src/rotation/lambda.ts",
  // `keyward scan --jobs N` worker threads load this next to the CLI chunks.
  "scan-worker": "src/scan/worker.ts",
};
const development = {
  demo: "scripts/demo.ts",
  bench: "scripts/bench.ts",
};

rmSync("dist", { recursive: true, force: true });
const pkg = JSON.parse(readFileSync("package.json", "utf8"));
const common = {
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
};
const present = (entries) => Object.fromEntries(Object.entries(entries).filter(([, file]) => existsSync(file)));
const [ship, dev] = await Promise.all([
  build({ ...common, entryPoints: present(shipped) }),
  build({ ...common, entryPoints: present(development), chunkNames: "dev-[name]-[hash]" }),
]);
// The import graph, for the tests that keep cdktf and the stacks out of the `keyward` executable and
// devDependencies out of the package.
writeFileSync("dist/meta.json", JSON.stringify({ inputs: { ...ship.metafile.inputs, ...dev.metafile.inputs }, outputs: { ...ship.metafile.outputs, ...dev.metafile.outputs } }));
// The scan rules are data read at run time from beside the bundle (src/scan/rules.ts: loadRules): the YAML as
// written, and the same document as JSON so a scan does not load a YAML parser.
copyFileSync("src/scan/rules.yaml", "dist/rules.yaml");
writeFileSync("dist/rules.json", JSON.stringify(parse(readFileSync("src/scan/rules.yaml", "utf8"))));
// Type declarations of the library entry (dist/types/index.d.ts, package.json `types`).
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
execFileSync(process.execPath, [tsc, "-p", "tsconfig.types.json"], { stdio: "inherit" });
