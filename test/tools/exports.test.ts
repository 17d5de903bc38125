/**
 * The exported patterns, run by the real tools (npm run test:tools): gitleaks and TruffleHog as scripts/go-tools.mjs
 * builds them (the bench's build, cached in KEYWARD_CACHE_DIR), over the labeled corpus, and every exported
 * expression compiled by Hyperscan with start-of-match tracking (what GitHub secret scanning needs). Each tool that is
 * not available is skipped with a line saying how to get it.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import type { ExportTool, Planted } from "../scan/corpus.js";
import { FIXTURES, labels } from "../scan/corpus.js";

const ROOT = process.cwd();
const BIN = join(ROOT, "bin", "keyward.js");
// @ts-expect-error plain ESM helper without types
const { toolPath, CACHE } = (await import("../../scripts/go-tools.mjs")) as { toolPath: (name: string) => string; CACHE: string };

const work = mkdtempSync(join(tmpdir(), "keyward-tools-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const config = (format: string) => {
  const file = join(work, `${format}.${format === "gitleaks" ? "toml" : "yaml"}`);
  if (!existsSync(file)) execFileSync(process.execPath, ["--", BIN, "patterns", "--format", format, "--output", file]);
  return file;
};

/** Every form a tool may report for a planted credential: the secret, or its Basic value in any alphabet. */
const formsOf = (p: { secret: string; client_id: string | null }) => {
  const b = p.client_id ? Buffer.from(`${p.client_id}:${p.secret}`) : undefined;
  return [p.secret, ...(b ? [b.toString("base64"), b.toString("base64").replace(/=+$/, ""), b.toString("base64url")] : [])];
};

interface ToolRun {
  /** Everything the tool reported, as one string to search for planted forms. */
  reported: string;
  /** Files with at least one finding, relative to the folder scanned. */
  files: Set<string>;
}

function gitleaks(dir: string): ToolRun {
  const report = join(work, `gitleaks-${Math.random().toString(36).slice(2)}.json`);
  const r = spawnSync(toolPath("gitleaks"), ["dir", dir, "--config", config("gitleaks"), "--no-banner", "--report-format", "json", "--report-path", report, "--exit-code", "0"], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`gitleaks failed: ${r.stderr.slice(-500)}`);
  const rows = JSON.parse(readFileSync(report, "utf8")) as Array<{ Secret: string; Match: string; File: string }>;
  return { reported: rows.map((x) => `${x.Secret} ${x.Match}`).join("\n"), files: new Set(rows.map((x) => x.File.slice(dir.length + 1))) };
}

function trufflehog(dir: string): ToolRun {
  const r = spawnSync(
    toolPath("trufflehog"),
    ["filesystem", dir, "--config", config("trufflehog"), "--include-detectors=CustomRegex", "--no-verification", "--json", "--no-update"],
    { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  if (r.status !== 0) throw new Error(`trufflehog failed: ${r.stderr.slice(-500)}`);
  const rows = r.stdout
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { Raw: string; SourceMetadata: { Data: { Filesystem: { file: string } } } });
  return { reported: rows.map((x) => x.Raw).join("\n"), files: new Set(rows.map((x) => x.SourceMetadata.Data.Filesystem.file.slice(dir.length + 1))) };
}

const TOOLS: Array<[ExportTool, string, (dir: string) => ToolRun]> = [
  ["gitleaks", "gitleaks", gitleaks],
  ["trufflehog", "trufflehog", trufflehog],
];

for (const [tool, binary, run] of TOOLS) {
  const present = existsSync(toolPath(binary));
  if (!present)
    process.stderr.write(
      `test:tools: ${binary} is not built in ${CACHE}; build it with: KEYWARD_CACHE_DIR=${process.env.KEYWARD_CACHE_DIR ?? "<dir>"} node scripts/go-tools.mjs ${binary}\n`,
    );
  (present ? describe : describe.skip)(`keyward's exported rules run by the real ${binary}`, () => {
    let positives: ToolRun;
    let decoys: ToolRun;
    let examples: ToolRun;
    beforeAll(() => {
      positives = run(join(FIXTURES, "positives"));
      decoys = run(join(FIXTURES, "decoys"));
      examples = run(join(FIXTURES, "examples"));
    });

    const planted = Object.entries(labels.positives).flatMap(([path, list]) => list.map((p) => [path, p] as [string, Planted]));
    it("finds every planted credential but the forms labeled as missed, and really misses those", () => {
      const missing = planted.filter(([, p]) => !p.missed_by?.includes(tool) && !formsOf(p).some((f) => positives.reported.includes(f))).map(([path]) => path);
      const unexpectedlyFound = planted.filter(([, p]) => p.missed_by?.includes(tool) && formsOf(p).some((f) => positives.reported.includes(f))).map(([path]) => path);
      const covered = planted.length - planted.filter(([, p]) => p.missed_by?.includes(tool)).length;
      process.stdout.write(`test:tools: ${binary}: ${covered - missing.length}/${planted.length} planted found (${planted.length - covered} labeled as a known gap)\n`);
      expect({ missing, unexpectedlyFound }).toEqual({ missing: [], unexpectedlyFound: [] });
    });

    it("flags no decoy but those labeled, and does flag those", () => {
      const flagged = [...decoys.files].sort();
      const expectedFlags = labels.decoys
        .filter((d) => d.flagged_by?.includes(tool))
        .map((d) => d.path)
        .sort();
      process.stdout.write(`test:tools: ${binary}: ${flagged.length} of ${labels.decoys.length} decoys flagged\n`);
      expect(flagged).toEqual(expectedFlags);
    });

    it("reports documentation examples as often as they repeat (it cannot count files), as labeled", () => {
      for (const e of labels.examples)
        expect([e.dir, [...examples.files].filter((f) => f.startsWith(`${e.dir}/`)).length]).toEqual([e.dir, e.flagged_by?.includes(tool) ? e.files : 0]);
    });
  });
}

/** A Python with the `hyperscan` package: the cache's virtualenv, made on first use (pip from PyPI). */
function hyperscanPython(): string | undefined {
  const venv = join(CACHE, "..", "hyperscan-venv");
  const python = join(venv, "bin", "python");
  const hasIt = () => existsSync(python) && spawnSync(python, ["-c", "import hyperscan"]).status === 0;
  if (hasIt()) return python;
  if (spawnSync("python3", ["-m", "venv", venv], { stdio: "ignore" }).status !== 0) return undefined;
  spawnSync(join(venv, "bin", "pip"), ["install", "--quiet", "hyperscan==0.9.1"], { stdio: "ignore", timeout: 300_000 });
  return hasIt() ? python : undefined;
}

const python = hyperscanPython();
if (!python) process.stderr.write("test:tools: Python's hyperscan package is not available (python3 -m venv + pip install hyperscan failed); the Hyperscan checks are skipped\n");
(python ? describe : describe.skip)("every exported expression in Hyperscan with start-of-match tracking", () => {
  it("compiles GitHub's patterns (pattern, start+pattern+end as GitHub joins them, additional matches) and every gitleaks and TruffleHog regex", () => {
    const github = parse(execFileSync(process.execPath, ["--", BIN, "patterns", "--format", "github"], { encoding: "utf8" })) as {
      patterns: Array<{ type: string; regex: Record<string, string | string[]> }>;
    };
    const th = parse(readFileSync(config("trufflehog"), "utf8")) as { detectors: Array<{ name: string; regex: Record<string, string> }> };
    const gl = readFileSync(config("gitleaks"), "utf8");
    const expressions: Array<{ name: string; expression: string }> = [];
    for (const p of github.patterns) {
      const r = p.regex as { pattern: string; start: string; end: string; additional_match?: string[]; additional_not_match?: string[] };
      expressions.push(
        { name: `github ${p.type} pattern`, expression: r.pattern },
        { name: `github ${p.type} start+pattern+end`, expression: `(?:${r.start})${r.pattern}(?:${r.end})` },
      );
      for (const [i, extra] of [...(r.additional_match ?? []), ...(r.additional_not_match ?? [])].entries())
        expressions.push({ name: `github ${p.type} additional ${i}`, expression: extra });
    }
    for (const d of th.detectors) for (const [k, re] of Object.entries(d.regex)) expressions.push({ name: `trufflehog ${d.name} ${k}`, expression: re });
    for (const m of gl.matchAll(/^(id|regex) = (?:"(.*)"|'''(.*)''')$/gm))
      if (m[1] === "regex") expressions.push({ name: `gitleaks ${expressions.length}`, expression: m[3] ?? JSON.parse(`"${m[2]}"`) });
    const out = execFileSync(python!, [join(ROOT, "scripts", "hyperscan-check.py")], { input: JSON.stringify(expressions), encoding: "utf8" });
    const results = JSON.parse(out) as Array<{ name: string; ok: boolean; error: string | null }>;
    process.stdout.write(`test:tools: Hyperscan compiled ${results.filter((r) => r.ok).length} of ${results.length} exported expressions with HS_FLAG_SOM_LEFTMOST\n`);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(30);
  });
});
