import { parseBaseline, baselineStatus } from "../../src/scan/baseline.js";
import { escapeCommandValue } from "../../src/core/github-actions.js";
import { escapeProperty, selectionFor } from "../../src/scan/action.js";
import { isIgnored, parseIgnore, isBinary } from "../../src/scan/files.js";
import { fingerprintOf, secretPrefix } from "../../src/scan/finding.js";
import { addedLinesText, gitArgs, PatchParser, repositoryFromRemote } from "../../src/scan/git.js";
import { parseScanArgs } from "../../src/cli/scan.js";

const SECRET = "Ct5zrCxDsD1Upz7YJ5r9pLmN6WG1nUchdZtN63FIq3w";

describe("the patch parser", () => {
  it("keeps added lines only, with new-file line numbers, per file and commit", () => {
    const patch = [
      "\x1eaaaa1111\x1fdev@example.com",
      "",
      "diff --git a/app.env b/app.env",
      "index 1..2 100644",
      "--- a/app.env",
      "+++ b/app.env",
      "@@ -1,0 +2,2 @@",
      "+ADDED_ONE",
      "+++ADDED_TWO starts with pluses",
      "@@ -9 +10 @@",
      "-removed line",
      "+replacement",
      "diff --git a/gone.txt b/gone.txt",
      "deleted file mode 100644",
      "--- a/gone.txt",
      "+++ /dev/null",
      "@@ -1,2 +0,0 @@",
      "-old",
      "--- looks like a header",
      "\x1ebbbb2222\x1f",
      "diff --git a/dir with space/f.txt b/dir with space/f.txt",
      "new file mode 100644",
      "--- /dev/null",
      "+++ b/dir with space/f.txt",
      "@@ -0,0 +1 @@",
      "+hello",
      "\\ No newline at end of file",
    ];
    const parser = new PatchParser();
    const out = [...patch.map((l) => parser.push(l)), parser.flush()]
      .filter((x) => x !== undefined)
      .map((x) => ({ commit: x.commit, authorEmail: x.authorEmail, path: x.path, lines: addedLinesText(x) }));
    expect(out).toEqual([
      {
        commit: "aaaa1111",
        authorEmail: "dev@example.com",
        path: "app.env",
        lines: [
          { line: 2, text: "ADDED_ONE" },
          { line: 3, text: "++ADDED_TWO starts with pluses" },
          { line: 10, text: "replacement" },
        ],
      },
      { commit: "bbbb2222", authorEmail: null, path: "dir with space/f.txt", lines: [{ line: 1, text: "hello" }] },
    ]);
  });

  it("asks git for added lines only (-U0), all refs for the full history, the index for --staged", () => {
    expect(gitArgs({ kind: "all" })).toEqual(expect.arrayContaining(["log", "-p", "-U0", "--all"]));
    expect(gitArgs({ kind: "range", range: "a..b" }).at(-1)).toBe("a..b");
    expect(gitArgs({ kind: "staged" })).toEqual(expect.arrayContaining(["diff", "--cached", "-U0", "--src-prefix=a/", "--dst-prefix=b/"]));
    expect(gitArgs({ kind: "all" })).toEqual(expect.arrayContaining(["diff.noprefix=false", "diff.mnemonicPrefix=false"]));
  });

  it.each([
    ["git@github.com:acme/app.git", "acme/app"],
    ["https://github.com/acme/app", "acme/app"],
    ["https://github.com/acme/app.git\n", "acme/app"],
    ["https://gitlab.com/acme/app.git", null],
  ])("reads the repository name from %s", (url, name) => {
    expect(repositoryFromRemote(url)).toBe(name);
  });
});

describe("the .gitignore reader", () => {
  const rules = parseIgnore("# comment\nnode_modules/\n*.log\n/build\ndocs/**/secret.txt\n!keep.log\n");
  it.each([
    ["node_modules", true, true],
    ["a/node_modules", true, true],
    ["node_modules", false, false],
    ["x.log", false, true],
    ["deep/x.log", false, true],
    ["build", true, true],
    ["src/build", true, false],
    ["docs/a/b/secret.txt", false, true],
    ["src/app.ts", false, false],
  ])("%s (dir %s) ignored: %s", (path, dir, ignored) => {
    expect(isIgnored(path, dir, rules)).toBe(ignored);
  });
  it("spots binary content by a NUL byte", () => {
    expect(isBinary(Buffer.from("a\0b"))).toBe(true);
    expect(isBinary(Buffer.from("plain text"))).toBe(false);
  });
});

describe("fingerprints and baselines", () => {
  it("fingerprints the value only, short and stable, and shows 4 characters of it", () => {
    expect(fingerprintOf(SECRET)).toMatch(/^kwf1_[0-9a-f]{16}$/);
    expect(fingerprintOf(SECRET)).toBe(fingerprintOf(SECRET));
    expect(fingerprintOf(SECRET)).not.toBe(fingerprintOf(SECRET.slice(1) + "x"));
    expect(fingerprintOf(SECRET)).not.toContain(SECRET.slice(0, 8));
    expect(secretPrefix(SECRET)).toBe("Ct5z…");
  });

  it("reads a JSON report, a fingerprint list or plain lines", () => {
    const fp = fingerprintOf(SECRET);
    expect([...parseBaseline(JSON.stringify({ findings: [{ fingerprint: fp }] }))]).toEqual([fp]);
    expect([...parseBaseline(JSON.stringify({ fingerprints: [fp] }))]).toEqual([fp]);
    expect([...parseBaseline(`# accepted\n${fp}  # test key\n\n`)]).toEqual([fp]);
    expect(() => parseBaseline("not-a-fingerprint")).toThrow(/fingerprint/);
    expect(() => parseBaseline("{oops")).toThrow(/JSON/);
    expect(baselineStatus(fp, new Set([fp]))).toBe("baselined");
    expect(baselineStatus(fp, new Set())).toBe("new");
  });
});

describe("Action helpers", () => {
  it("escapes workflow command data and properties", () => {
    expect(escapeCommandValue("a%b\r\nc")).toBe("a%25b%0D%0Ac");
    expect(escapeProperty("a:b,c")).toBe("a%3Ab%2Cc");
  });

  it.each([
    ["push", { before: "a1", after: "b2", commits: [{ id: "b2" }] }, { kind: "range", range: "a1..b2" }],
    ["push", { before: "0000000", after: "b2", commits: [{ id: "c1" }, { id: "b2" }] }, { kind: "commits", commits: ["c1", "b2"] }],
    ["push", { before: "a1", after: "0000000" }, undefined],
    ["pull_request", { pull_request: { base: { sha: "a1" }, head: { sha: "b2" } } }, { kind: "range", range: "a1..b2" }],
    ["workflow_dispatch", {}, undefined],
  ])("scans %s %j as %j", (name, event, selection) => {
    expect(selectionFor(name, event).selection).toEqual(selection);
  });
});

describe("scan flags", () => {
  it("turns --since into REV..HEAD and --staged into the index", () => {
    expect(parseScanArgs(["--since", "v1.0"]).git).toEqual({ kind: "range", range: "v1.0..HEAD" });
    expect(parseScanArgs(["--staged"]).git).toEqual({ kind: "staged" });
    expect(parseScanArgs(["a", "b"])).toMatchObject({ paths: ["a", "b"], git: undefined, format: "text", verify: false });
    expect(parseScanArgs(["--jobs", "2"]).jobs).toBe(2);
  });
  it("refuses a revision that would be read as a git option", () => {
    expect(() => parseScanArgs(["--since=--output=/tmp/x"])).toThrow(/revision/);
    expect(() => parseScanArgs(["--range=--all..x"])).toThrow(/revision|A..B/);
  });
});

describe("streamed scans", () => {
  const ID = "6f1c2a4e-8d3b-4c7a-9e21-5b0f3d8a7c14";
  it("finds what a whole-text scan finds, with the same lines, when the text arrives in small pieces", async () => {
    const { detect } = await import("../../src/scan/detect.js");
    const { detectStream } = await import("../../src/scan/files.js");
    const { loadRules } = await import("../../src/scan/rules.js");
    const rules = loadRules();
    const filler = Array.from({ length: 300 }, (_, i) => `line ${i} of ordinary text`).join("\n");
    const text = `${filler}\n# genesys\nclient_id=${ID}\nclient_secret=${SECRET}\n${filler}\nPURECLOUD_SECRET=${SECRET.split("").reverse().join("")}\n${filler}\n`;
    const whole = detect(text, rules).map((d) => [d.line, d.column, d.secret, d.clientId]);
    expect(whole).toHaveLength(2);
    for (const size of [7, 100, 999, 4096, 1 << 20]) {
      const pieces = async function* () {
        for (let i = 0; i < text.length; i += size) yield Buffer.from(text.slice(i, i + size));
      };
      const streamed = await detectStream(pieces(), rules);
      expect([size, streamed === "binary" ? streamed : streamed.map((d) => [d.line, d.column, d.secret, d.clientId])]).toEqual([size, whole]);
    }
  });
});
