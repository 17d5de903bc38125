import { readFile } from "node:fs/promises";

interface Metafile {
  outputs: Record<string, { entryPoint?: string; inputs: Record<string, unknown>; imports: Array<{ path: string; kind: string; external?: boolean }> }>;
}

/**
 * Everything `dist/cli.js` can load (static and dynamic imports, transitively), from esbuild's metafile. With
 * `command`, only what that command loads: the CLI's static imports plus that command's own chunk.
 */
async function reachableFromCli(command?: string): Promise<{ inputs: Set<string>; externals: Set<string> }> {
  const meta = JSON.parse(await readFile(new URL("../../dist/meta.json", import.meta.url), "utf8")) as Metafile;
  const inputs = new Set<string>();
  const externals = new Set<string>();
  const seen = new Set<string>();
  const visit = (output: string) => {
    if (seen.has(output)) return;
    seen.add(output);
    const o = meta.outputs[output];
    if (!o) throw new Error(`metafile has no output ${output}`);
    for (const i of Object.keys(o.inputs)) inputs.add(i);
    for (const imp of o.imports) {
      const commandChunk = output === "dist/cli.js" && imp.kind === "dynamic-import";
      if (commandChunk && command && !imp.path.startsWith(`dist/${command}-`)) continue;
      imp.external ? externals.add(imp.path) : visit(imp.path);
    }
  };
  visit("dist/cli.js");
  return { inputs, externals };
}

/** The packages `keyward <command>` loads before it does anything: its chunk and their static imports, transitively. */
async function loadedAtStart(command: string): Promise<Set<string>> {
  const meta = JSON.parse(await readFile(new URL("../../dist/meta.json", import.meta.url), "utf8")) as Metafile;
  const externals = new Set<string>();
  const seen = new Set<string>();
  const visit = (output: string) => {
    if (seen.has(output)) return;
    seen.add(output);
    for (const imp of meta.outputs[output]!.imports) {
      if (imp.kind === "dynamic-import") continue;
      imp.external ? externals.add(imp.path) : visit(imp.path);
    }
  };
  visit("dist/cli.js");
  const chunk = meta.outputs["dist/cli.js"]!.imports.find((i) => i.kind === "dynamic-import" && i.path.startsWith(`dist/${command}-`));
  if (!chunk) throw new Error(`no chunk for ${command}`);
  visit(chunk.path);
  return externals;
}

describe("the keyward executable", () => {
  it("never loads cdktf, constructs, provider bindings or the stacks", async () => {
    const { inputs, externals } = await reachableFromCli();
    expect(inputs.has("src/cli/rotate.ts")).toBe(true);
    expect([...inputs].filter((i) => i.startsWith("stacks/") || i === "main.ts")).toEqual([]);
    expect([...externals].filter((e) => /^(cdktf|constructs|@cdktf\/|esbuild)/.test(e))).toEqual([]);
  });

  it("loads its runtime dependencies only from the declared set", async () => {
    const { externals } = await reachableFromCli();
    const packages = [...externals].filter((e) => !e.startsWith("node:")).sort();
    expect(packages).toEqual([
      "@aws-sdk/client-secrets-manager",
      "@octokit/core",
      "@octokit/plugin-paginate-rest",
      "@octokit/plugin-retry",
      "@octokit/plugin-throttling",
      "@slack/web-api",
      "yaml",
    ]);
  });

  it("`keyward rotate` loads none of the janitor's clients (octokit, Slack): they are janitor-only", async () => {
    const { inputs, externals } = await reachableFromCli("rotate");
    expect(inputs.has("src/cli/rotate.ts")).toBe(true);
    expect([...externals].filter((e) => /^@octokit\/|^@slack\//.test(e))).toEqual([]);
    expect([...inputs].filter((i) => i.startsWith("src/janitor/") || i.startsWith("src/github/") || i.startsWith("src/slack/"))).toEqual([]);
  });

  it("`keyward scan` loads neither the AWS SDK nor the YAML parser at start-up (~90 ms): each is imported when a call needs it", async () => {
    const loaded = [...(await loadedAtStart("scan"))].filter((e) => !e.startsWith("node:"));
    expect(loaded).toEqual([]);
  });
});
