import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parse } from "yaml";
import { runCli } from "../src/cli/app.js";
import type { CliIo } from "../src/cli/io.js";

/**
 * The pipeline examples users copy: every keyward command, flag, Action input and keyward/Genesys variable they use
 * exists (a renamed flag must fail this test, not a user's pipeline).
 */
const ROOT = process.cwd();
const EXAMPLES = join(ROOT, "examples");
const files = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));
const readme = readFileSync(join(ROOT, "README.md"), "utf8");

async function helpOf(command: string): Promise<{ code: number; text: string }> {
  let text = "";
  const io: CliIo = { stdout: (t) => void (text += t), stderr: (t) => void (text += t), maskCommand: () => undefined, env: {}, stderrIsTty: false };
  const code = await runCli([command, "--help"], io);
  return { code, text };
}

/** `keyward <command> <args…>` in a shell line (through npx or not), with the flags it passes. */
function keywardCalls(text: string): Array<{ command: string; flags: string[]; line: string }> {
  const calls: Array<{ command: string; flags: string[]; line: string }> = [];
  for (const line of text.split("\n")) {
    // Comments describe; only commands run (a `# … keyward your package.json pins …` is prose).
    if (/^\s*#/.test(line)) continue;
    for (const m of line.matchAll(/\bkeyward\s+([a-z][a-z-]*)((?:\s+(?!\||&&|;|>)[^\s|;&>]+)*)/g)) {
      if (["is", "and", "to", "the", "scan)", "rotate)"].includes(m[1]!)) continue;
      calls.push({ command: m[1]!, flags: [...(m[2] ?? "").matchAll(/(?:^|\s)(--[a-z][a-z-]*)/g)].map((f) => f[1]!), line: line.trim() });
    }
  }
  return calls;
}

const all = files(EXAMPLES);

describe("the pipeline examples", () => {
  it("exist for deploy + rotation, scheduled rotation, scanning with the Action, and a pre-commit hook", () => {
    const names = all.map((f) => relative(EXAMPLES, f)).sort();
    expect(names).toEqual(
      expect.arrayContaining([
        "github-actions/deploy.yml",
        "github-actions/rotate-scheduled.yml",
        "github-actions/scan.yml",
        "pre-commit/pre-commit",
        "pre-commit/.pre-commit-config.yaml",
      ]),
    );
  });

  it.each(all.map((f) => [relative(EXAMPLES, f), f]))("%s uses only keyward commands and flags that exist", async (_name, file) => {
    const text = readFileSync(file, "utf8");
    if (/\.ya?ml$/.test(file)) expect(() => parse(text)).not.toThrow();
    for (const call of keywardCalls(text)) {
      const help = await helpOf(call.command);
      expect({ line: call.line, code: help.code }).toEqual({ line: call.line, code: 0 });
      for (const flag of call.flags) expect({ line: call.line, flag, known: help.text.includes(flag) }).toEqual({ line: call.line, flag, known: true });
    }
  });

  it.each(all.filter((f) => /\.ya?ml$/.test(f)).map((f) => [relative(EXAMPLES, f), f]))(
    "%s names only documented keyward and Genesys variables, and only inputs the Action declares",
    (_name, file) => {
      const text = readFileSync(file, "utf8");
      for (const name of new Set(text.match(/\b(KEYWARD|GENESYSCLOUD)_[A-Z_]+\b/g) ?? [])) expect({ name, documented: readme.includes(name) }).toEqual({ name, documented: true });
      const doc = parse(text) as { jobs?: Record<string, { steps?: Array<{ uses?: string; with?: Record<string, unknown> }> }> };
      for (const job of Object.values(doc.jobs ?? {})) {
        for (const step of job.steps ?? []) {
          if (!step.uses || !/^(\.\/?|[^/]+\/keyward@)/.test(step.uses)) continue;
          const action = parse(readFileSync(join(ROOT, "action.yml"), "utf8")) as { inputs: Record<string, unknown> };
          for (const input of Object.keys(step.with ?? {})) expect({ input, declared: input in action.inputs }).toEqual({ input, declared: true });
        }
      }
    },
  );

  it("includes a pre-commit hook that is executable", () => {
    const hook = join(EXAMPLES, "pre-commit", "pre-commit");
    expect(existsSync(hook)).toBe(true);
    expect(statSync(hook).mode & 0o111).not.toBe(0);
  });
});
