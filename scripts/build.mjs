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
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";

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

// The build goes to a staging folder beside dist/ and then replaces dist/'s files one atomic rename at a time, so a
// keyward already running from dist/ (a test, a sandbox) never finds it missing or half written. This matters
// because `npx --no-install keyward` inside this checkout, with an empty npm cache, installs the checkout into
// npx's cache and so runs `prepare`: the build, in the middle of whatever else is running.
const staging = mkdtempSync(".dist-staging-");
const pkg = JSON.parse(readFileSync("package.json", "utf8"));
const common = {
  outdir: staging,
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
// devDependencies out of the package (paths as they are in dist/).
const meta = { inputs: { ...ship.metafile.inputs, ...dev.metafile.inputs }, outputs: { ...ship.metafile.outputs, ...dev.metafile.outputs } };
writeFileSync(join(staging, "meta.json"), JSON.stringify(meta).replaceAll(`${staging}/`, "dist/"));
// The scan rules are data read at run time from beside the bundle (src/scan/rules.ts: loadRules): the YAML as
// written, and the same document as JSON so a scan does not load a YAML parser.
copyFileSync("src/scan/rules.yaml", join(staging, "rules.yaml"));
writeFileSync(join(staging, "rules.json"), JSON.stringify(parse(readFileSync("src/scan/rules.yaml", "utf8"))));
// Type declarations of the library entry (dist/types/index.d.ts, package.json `types`).
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
execFileSync(process.execPath, [tsc, "-p", "tsconfig.types.json", "--declarationDir", join(staging, "types")], { stdio: "inherit" });
publish(staging, "dist", new Set([...Object.keys(shipped), ...Object.keys(development)].map((name) => `${name}.js`)));

/**
 * Moves every file of `from` into `to` with rename (atomic for each file: a reader sees the old file or the new one),
 * chunks before the entry points that import them, then deletes what the new build no longer has.
 */
function publish(from, to, entryFiles) {
  const files = readdirSync(from, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(from, join(e.parentPath ?? e.path, e.name)));
  const order = [...files.filter((f) => !entryFiles.has(f)), ...files.filter((f) => entryFiles.has(f))];
  mkdirSync(to, { recursive: true });
  for (const file of order) {
    mkdirSync(dirname(join(to, file)), { recursive: true });
    renameSync(join(from, file), join(to, file));
  }
  const fresh = new Set(files);
  for (const e of readdirSync(to, { recursive: true, withFileTypes: true })) {
    const file = relative(to, join(e.parentPath ?? e.path, e.name));
    if (e.isFile() && !fresh.has(file)) rmSync(join(to, file), { force: true });
  }
  rmSync(from, { recursive: true, force: true });
}
