import { parse } from "yaml";
import { captureRegexes, githubPatterns, renderGithub, renderGitleaks, renderTrufflehog, type GithubPattern } from "../../src/scan/export.js";
import { portabilityProblems } from "../../src/scan/portable-regex.js";
import { loadRules } from "../../src/scan/rules.js";
import { basicOf, fixture, labels } from "./corpus.js";

/** Hyperscan's \A and \z in JavaScript (no multiline flag: ^ and $ are the text's ends). */
const toJs = (re: string) => re.replace(/\\A/g, "^").replace(/\\z/g, "$");

/**
 * GitHub's custom-pattern semantics, applied in JavaScript: the secret is a match of `pattern` that `start` ends
 * right before and `end` begins right after, and that satisfies every additional_match and no
 * additional_not_match. Returns the secrets (the `pattern` parts).
 */
function githubMatches(text: string, p: GithubPattern): string[] {
  const body = new RegExp(p.regex.pattern, "y");
  const start = new RegExp(`(?:${toJs(p.regex.start)})$`);
  const end = new RegExp(`^(?:${toJs(p.regex.end)})`);
  const must = (p.regex.additional_match ?? []).map((r) => new RegExp(r));
  const mustNot = (p.regex.additional_not_match ?? []).map((r) => new RegExp(r));
  const out: string[] = [];
  for (let i = 0; i < text.length; i++) {
    body.lastIndex = i;
    const m = body.exec(text);
    if (!m) continue;
    const secret = m[0];
    if (!start.test(text.slice(0, i)) || !end.test(text.slice(i + secret.length))) continue;
    if (must.every((r) => r.test(secret)) && !mustNot.some((r) => r.test(secret))) out.push(secret);
  }
  return out;
}

const allGithub = (text: string) => githubPatterns().flatMap((p) => githubMatches(text, p));

describe("GitHub custom patterns (keyward patterns --format github)", () => {
  it("is a patterns.yml of advanced-security/secret-scanning-custom-patterns", () => {
    const doc = parse(renderGithub()) as { name: string; patterns: GithubPattern[] };
    expect(doc.name).toBe("Genesys Cloud");
    expect(doc.patterns).toEqual(githubPatterns());
    for (const p of doc.patterns) {
      expect(Object.keys(p.regex)).toEqual(expect.arrayContaining(["version", "pattern", "start", "end"]));
      for (const re of [p.regex.pattern, p.regex.start, p.regex.end, ...(p.regex.additional_match ?? []), ...(p.regex.additional_not_match ?? [])]) {
        expect([re, portabilityProblems(re)]).toEqual([re, []]);
      }
    }
  });

  const exported = Object.entries(labels.positives).flatMap(([path, planted]) => planted.filter((p) => p.exports !== false).map((p) => [path, p] as const));
  it.each(exported)("finds the credential in %s", (path, planted) => {
    const found = allGithub(fixture("positives", path));
    const forms = [planted.secret, ...(planted.client_id ? [basicOf(planted.client_id, planted.secret)] : [])];
    expect(found.some((f) => forms.includes(f))).toBe(true);
  });

  it.each(labels.decoys.filter((d) => d.exports !== false).map((d) => d.path))("finds nothing in the decoy %s", (path) => {
    // Lock files are excluded by path in keyward and gitleaks; GitHub has no path filter, so they are left out here.
    if (path === "package-lock.json") return;
    expect(allGithub(fixture("decoys", path))).toEqual([]);
  });

  it("keeps the known gaps known: the forms labeled exports:false really are missed", () => {
    for (const [path, planted] of Object.entries(labels.positives)) {
      for (const p of planted.filter((x) => x.exports === false)) expect([path, allGithub(fixture("positives", path)).includes(p.secret)]).toEqual([path, false]);
    }
  });
});

/** Just enough TOML for the file keyward writes: [[tables]], key = string | number | [strings]. */
function parseToml(text: string): { title?: string; rules: Array<Record<string, unknown> & { allowlists: Array<Record<string, unknown>> }> } {
  const doc: { title?: string; rules: Array<Record<string, unknown> & { allowlists: Array<Record<string, unknown>> }> } = { rules: [] };
  let target: Record<string, unknown> = doc as unknown as Record<string, unknown>;
  const value = (src: string): [unknown, string] => {
    src = src.trimStart();
    if (src.startsWith("'''")) {
      const end = src.indexOf("'''", 3);
      return [src.slice(3, end), src.slice(end + 3)];
    }
    if (src.startsWith('"')) {
      const m = /^"(?:[^"\\]|\\.)*"/.exec(src)!;
      return [JSON.parse(m[0]), src.slice(m[0].length)];
    }
    if (src.startsWith("[")) {
      const items: unknown[] = [];
      let rest = src.slice(1).trimStart();
      while (!rest.startsWith("]")) {
        const [item, after] = value(rest);
        items.push(item);
        rest = after.trimStart().replace(/^,/, "").trimStart();
      }
      return [items, rest.slice(1)];
    }
    const m = /^[-0-9.]+/.exec(src);
    if (!m) throw new Error(`bad TOML value: ${src.slice(0, 20)}`);
    return [Number(m[0]), src.slice(m[0].length)];
  };
  for (const line of text.split("\n")) {
    if (!line.trim() || line.startsWith("#")) continue;
    if (line === "[[rules]]") {
      doc.rules.push({ allowlists: [] });
      target = doc.rules.at(-1)!;
    } else if (line === "[[rules.allowlists]]") {
      const list = doc.rules.at(-1)!.allowlists;
      list.push({});
      target = list.at(-1)!;
    } else {
      const m = /^([A-Za-z]+) = (.*)$/.exec(line);
      if (!m) throw new Error(`bad TOML line: ${line}`);
      const [v, rest] = value(m[2]!);
      if (rest.trim()) throw new Error(`trailing text in: ${line}`);
      target[m[1]!] = v;
    }
  }
  return doc;
}

describe("gitleaks and TruffleHog exports", () => {
  const expected = captureRegexes();

  it("writes a gitleaks TOML config that parses and carries keyward's regexes", () => {
    const doc = parseToml(renderGitleaks());
    expect(doc.title).toContain("Genesys");
    expect(doc.rules.map((r) => [r.id, r.regex, r.secretGroup])).toEqual(expected.map((e) => [e.id, e.regex, 1]));
    expect(doc.rules[0]!.entropy).toBe(loadRules().doc.secret.entropy_min);
    expect(doc.rules[0]!.keywords).toEqual(loadRules().doc.context.keywords);
    for (const r of doc.rules) for (const a of r.allowlists) for (const re of [...((a.regexes as string[]) ?? []), ...((a.paths as string[]) ?? [])]) expect(() => new RegExp(re)).not.toThrow();
  });

  it("writes TruffleHog custom detectors that parse and carry the same regexes", () => {
    const doc = parse(renderTrufflehog()) as { detectors: Array<{ name: string; keywords: string[]; regex: Record<string, string>; entropy?: number }> };
    expect(doc.detectors.map((d) => d.regex.secret)).toEqual(expected.map((e) => e.regex));
    for (const d of doc.detectors) expect(d.keywords.length).toBeGreaterThan(0);
  });

  it("uses RE2-portable regexes whose group 1 finds the corpus in JavaScript too", () => {
    const rules = loadRules();
    for (const e of expected) expect([e.id, portabilityProblems(e.regex, { allowCapture: true })]).toEqual([e.id, []]);
    const find = (text: string) =>
      expected.flatMap((e) => [...text.matchAll(new RegExp(e.regex, "g"))].map((m) => m[1]!)).filter((s) => !rules.stopwords.test(s));
    for (const [path, planted] of Object.entries(labels.positives)) {
      for (const p of planted.filter((x) => x.exports !== false)) {
        const forms = [p.secret, ...(p.client_id ? [basicOf(p.client_id, p.secret)] : [])];
        expect([path, find(fixture("positives", path)).some((f) => forms.includes(f))]).toEqual([path, true]);
      }
    }
  });
});
