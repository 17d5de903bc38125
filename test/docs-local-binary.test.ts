import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parse } from "yaml";

/**
 * No document, example, help text or comment tells anyone to fetch keyward from a registry: the name is unclaimed on
 * the public npm registry, so a bare `npx keyward` runs whatever someone publishes under it, with the admin
 * credentials in its environment (README "Installing keyward in your project"). Commands run the local binary
 * (`npx --no-install keyward`, `./node_modules/.bin/keyward`), and the Action is used by path or by full commit.
 */
const ROOT = process.cwd();
const SKIP = new Set(["node_modules", "dist", ".git", "cdktf.out", ".cache", ".gen", "coverage", "fixtures"]);
const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    if (SKIP.has(name)) return [];
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
// This file holds the rules' own samples.
const SELF = join(ROOT, "test", "docs-local-binary.test.ts");
const files = walk(ROOT).filter((f) => /\.(md|ya?ml|ts|mjs|js|json|sh)$|\/pre-commit$/.test(f) && !/package-lock\.json$|action\/dist\//.test(f) && f !== SELF);
const documents = files.filter((f) => /\.(md|ya?ml)$|\/pre-commit$/.test(f));

/** `npx`/`npm exec`/`npm x`/`pnpm dlx`/`yarn dlx`/`bunx` starting keyward without `--no-install`. */
export function registryRuns(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/\b(npx|npm\s+exec|npm\s+x|pnpm\s+dlx|yarn\s+dlx|bunx)((?:\s+-[-\w=]+)*)\s+(?:--\s+)?keyward\b/g)) {
    const installs = m[1] !== "npx" && !/^npm/.test(m[1]!) ? true : !/(^|\s)--no-install(\s|$)/.test(m[2]!);
    if (installs) found.push(m[0]);
  }
  return found;
}

/** A `uses:` of keyward that is neither a path nor `<owner>/<repo>@<40-hex sha>` (or that placeholder, spelled out). */
export function movableUses(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/uses:\s*([^\s#`'"]+(?:\s+commit\s+sha>)?)/g)) {
    const ref = m[1]!;
    if (ref.startsWith("./") || ref === "<owner>/<repo>@<full" || ref.startsWith("<owner>/<repo>@<full commit sha>")) continue;
    if (/^[^/@\s]+\/[^@\s]+@[0-9a-f]{40}$/.test(ref)) continue;
    if (/keyward/i.test(ref)) found.push(ref);
  }
  return found;
}

/** Shell lines that run `keyward` from PATH (where a project's install does not put it), synopsis lines aside. */
export function barePathRuns(shell: string): string[] {
  return shell
    .split("\n")
    .filter((line) => !/\[-|<[a-z]/.test(line)) // usage synopses: `keyward rotate --client-id <uuid> [--dry-run]`
    .filter((line) => /(^|[|;&({]|&&|\|\||\bexec|\$\()\s*(?:[A-Z_]+=\S*\s+)*keyward\s/.test(line.replace(/#.*$/, "")));
}

/** The shell a document holds: ```sh blocks of Markdown, `run:`/`entry:` of YAML, a hook script itself. */
function shellIn(file: string, text: string): string[] {
  if (file.endsWith(".md")) return [...text.matchAll(/^```(?:sh|bash|shell)\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
  if (/\/pre-commit$/.test(file)) return [text];
  if (/\.ya?ml$/.test(file)) {
    const blocks: string[] = [];
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(visit);
      else if (node && typeof node === "object") {
        for (const [key, value] of Object.entries(node)) {
          if ((key === "run" || key === "entry") && typeof value === "string") blocks.push(value);
          else visit(value);
        }
      }
    };
    visit(parse(text));
    return blocks;
  }
  return [];
}

describe("the rules themselves", () => {
  it("flag a registry lookup in every spelling, and only that", () => {
    expect(registryRuns("npx keyward scan . ; npx -y keyward rotate ; npm exec keyward ; bunx keyward ; pnpm dlx keyward")).toHaveLength(5);
    expect(registryRuns("npx --no-install keyward scan ; npx --yes --no-install keyward ; npm exec --no-install -- keyward ; npx --no-install cdktf")).toEqual([]);
  });
  it("flag a movable or registry-style Action reference, and only that", () => {
    expect(movableUses("uses: keyward/keyward@v1\nuses: acme/keyward@main\nuses: acme/keyward@0123abc")).toHaveLength(3);
    expect(
      movableUses(
        "uses: ./\nuses: ./.github/actions/keyward\nuses: acme/keyward@0123456789abcdef0123456789abcdef01234567\nuses: <owner>/<repo>@<full commit sha>\nuses: actions/checkout@v4",
      ),
    ).toEqual([]);
  });
  it("flag keyward run from PATH, not through the local binary", () => {
    expect(barePathRuns("keyward scan .\nterraform state pull | keyward audit-state -\nKEYWARD_X=1 keyward rotate --manifest m.yaml\nexec keyward scan --staged")).toHaveLength(4);
    expect(barePathRuns("npx --no-install keyward scan .\n./node_modules/.bin/keyward scan\nkeyward scan [PATH...] [--git]\necho keyward is great # keyward scan")).toEqual([]);
  });
});

describe("every document, example and help text", () => {
  it("has been read (the walk finds the README, the examples, the Action and the CLI sources)", () => {
    const names = files.map((f) => relative(ROOT, f));
    expect(names).toEqual(expect.arrayContaining(["README.md", "action.yml", "examples/github-actions/scan.yml", "examples/pre-commit/pre-commit", "src/cli/app.ts"]));
  });

  it("never runs keyward through a registry lookup", () => {
    expect(files.flatMap((f) => registryRuns(readFileSync(f, "utf8")).map((hit) => `${relative(ROOT, f)}: ${hit}`))).toEqual([]);
  });

  it("use the Action by path or by full commit", () => {
    expect(documents.flatMap((f) => movableUses(readFileSync(f, "utf8")).map((hit) => `${relative(ROOT, f)}: ${hit}`))).toEqual([]);
  });

  it("run the local binary in every shell block, run: step, hook entry and hook script", () => {
    expect(
      documents.flatMap((f) =>
        shellIn(f, readFileSync(f, "utf8"))
          .flatMap(barePathRuns)
          .map((hit) => `${relative(ROOT, f)}: ${hit}`),
      ),
    ).toEqual([]);
  });
});
