import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// @ts-expect-error plain ESM helper without types
import { ensureTool } from "../go-tools.mjs";
import { add, BIN, notes, QUICK, round, type BenchSection } from "./common.js";

export const section: BenchSection = {
  id: "P3",
  title: "scanner throughput beside ripgrep, gitleaks and TruffleHog; git history",
  async run() {
    const MB = QUICK ? 20 : 100;
    const dir = mkdtempSync(join(tmpdir(), "keyward-corpus-"));
    const planted = new Set<string>();
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    const secret = () => {
      for (;;) {
        const s = Array.from(randomBytes(43), (b) => alphabet[b % 64]).join("");
        if (/[A-Z]/.test(s) && /[a-z]/.test(s) && /[0-9]/.test(s)) return s;
      }
    };
    const uuid = () => randomUUID();
    const filler = [
      "export function handler(event, context) {\n  const items = event.records.map((r) => ({ id: r.id, value: r.value * 2 }));\n  return { statusCode: 200, body: JSON.stringify(items) };\n}\n",
      'import os\nimport json\n\ndef load(path):\n    with open(path) as f:\n        return json.load(f)\n\nCONFIG = {"timeout": 30, "retries": 3, "region": "us-east-1"}\n',
      `"node_modules/some-lib": {\n  "version": "1.2.3",\n  "resolved": "https://registry.npmjs.org/some-lib/-/some-lib-1.2.3.tgz",\n  "integrity": "sha512-${randomBytes(48).toString("base64")}"\n},\n`,
      `!function(e){var t={};function n(r){if(t[r])return t[r].exports;var o=t[r]={i:r,l:!1,exports:{}};return e[r].call(o.exports,o,o.exports,n),o.l=!0,o.exports}n.m=e}({${randomBytes(20).toString("hex")}:1});\n`,
      `{"cell_type": "code", "execution_count": 3, "metadata": {}, "outputs": [], "source": ["df = pd.read_csv('data.csv')\\n", "df.describe()"]},\n`,
    ];
    let bytes = 0;
    let file = 0;
    while (bytes < MB * 1024 * 1024) {
      const parts: string[] = [];
      let size = 0;
      while (size < 256 * 1024) {
        const chunk = filler[Math.floor(Math.random() * filler.length)]!;
        parts.push(chunk);
        size += chunk.length;
      }
      if (file % 8 === 0) {
        const s = secret();
        planted.add(s);
        parts.splice(Math.floor(parts.length / 2), 0, `# Genesys Cloud\nGENESYSCLOUD_OAUTHCLIENT_ID = "${uuid()}"\nGENESYSCLOUD_OAUTHCLIENT_SECRET = "${s}"\n`);
      }
      const text = parts.join("");
      writeFileSync(join(dir, `f${file}.${["js", "py", "json", "min.js", "ipynb"][file % 5]}`), text);
      bytes += text.length;
      file++;
    }
    const mb = bytes / 1024 / 1024;
    const found = (text: string) => {
      const hits = new Set<string>();
      for (const m of text.matchAll(/[A-Za-z0-9_-]{43}/g)) hits.add(m[0]);
      const tp = [...hits].filter((h) => planted.has(h)).length;
      return { recall: round((tp / planted.size) * 100), precision: hits.size === 0 ? 100 : round((tp / hits.size) * 100) };
    };
    const runTool = (name: string, file: string, argv: string[], env: Record<string, string | undefined> = process.env, outputFile?: string) => {
      const t0 = performance.now();
      const r = spawnSync(file, argv, { env, maxBuffer: 512 * 1024 * 1024, encoding: "utf8" });
      const seconds = (performance.now() - t0) / 1000;
      const out = outputFile && existsSync(outputFile) ? readFileSync(outputFile, "utf8") : `${r.stdout}`;
      return { name, seconds, out, status: r.status };
    };
    const results: Array<{ name: string; threads: number; mbs: number; recall: number; precision: number }> = [];
    for (const jobs of [1, 2]) {
      const r = runTool("keyward scan", process.execPath, ["--", BIN, "scan", dir, "--format", "json", "--jobs", String(jobs)]);
      // keyward's JSON never holds the secret: recall is counted from its findings against the planted count.
      const findings = (JSON.parse(r.out || '{"findings":[]}') as { findings: unknown[] }).findings.length;
      results.push({
        name: "keyward scan",
        threads: jobs,
        mbs: round(mb / r.seconds),
        recall: round((Math.min(findings, planted.size) / planted.size) * 100),
        precision: findings === 0 ? 100 : round((Math.min(findings, planted.size) / findings) * 100),
      });
    }
    let rg = spawnSync("rg", ["--version"]).status === 0 ? "rg" : undefined;
    if (!rg && spawnSync("apt-get", ["install", "-y", "-qq", "ripgrep"], { stdio: "ignore" }).status === 0) rg = "rg";
    const seedRegex = `(?i)(?:genesys|purecloud|client[_]?secret|oauth).*?['"][a-zA-Z0-9_-]{43}['"]`;
    if (rg) {
      for (const j of [1, 2]) {
        const r = runTool("ripgrep (seed regex)", rg, ["-j", String(j), "-o", "--no-filename", "--no-line-number", seedRegex, dir]);
        results.push({ name: "ripgrep, the seed's context regex", threads: j, mbs: round(mb / r.seconds), ...found(r.out) });
      }
    } else notes.push("ripgrep: not installed and apt-get could not install it; its rows are missing");
    const exported = mkdtempSync(join(tmpdir(), "keyward-rules-"));
    execFileSync(process.execPath, ["--", BIN, "patterns", "--format", "gitleaks", "--output", join(exported, "gitleaks.toml")]);
    execFileSync(process.execPath, ["--", BIN, "patterns", "--format", "trufflehog", "--output", join(exported, "trufflehog.yaml")]);
    const gitleaks = ensureTool("gitleaks") as { path?: string; reason?: string; built?: boolean; seconds?: number };
    if (gitleaks.path) {
      if (gitleaks.built) notes.push(`gitleaks built from its Go module in ${gitleaks.seconds} s (cached afterwards)`);
      for (const j of [1, 2]) {
        const report = join(exported, `gitleaks-${j}.json`);
        const r = runTool(
          "gitleaks",
          gitleaks.path,
          ["dir", dir, "--config", join(exported, "gitleaks.toml"), "--no-banner", "--report-format", "json", "--report-path", report, "--max-decode-depth", "0"],
          { ...process.env, GOMAXPROCS: String(j) },
          report,
        );
        const secrets = (JSON.parse(r.out || "[]") as Array<{ Secret?: string; Match?: string }>).map((f) => f.Secret ?? f.Match ?? "").join("\n");
        results.push({ name: "gitleaks, keyward's exported rule", threads: j, mbs: round(mb / r.seconds), ...found(secrets) });
      }
    } else notes.push(`gitleaks: ${gitleaks.reason}; its rows are missing`);
    const trufflehog = ensureTool("trufflehog") as { path?: string; reason?: string; built?: boolean; seconds?: number };
    if (trufflehog.path) {
      if (trufflehog.built) notes.push(`TruffleHog built from its Go module in ${trufflehog.seconds} s (cached afterwards)`);
      for (const j of [1, 2]) {
        const r = runTool(
          "trufflehog",
          trufflehog.path,
          [
            "filesystem",
            dir,
            "--config",
            join(exported, "trufflehog.yaml"),
            "--include-detectors=CustomRegex",
            "--no-verification",
            "--json",
            "--concurrency",
            String(j),
            "--no-update",
          ],
          { ...process.env, GOMAXPROCS: String(j) },
        );
        // A detector with two regexes reports their matches concatenated in Raw (in either order): a Raw holding a
        // planted secret counts as that secret.
        const secrets = r.out
          .split("\n")
          .filter(Boolean)
          .map((l) => {
            try {
              const raw = (JSON.parse(l) as { Raw?: string }).Raw ?? "";
              return [...planted].find((p) => raw.includes(p)) ?? raw;
            } catch {
              return "";
            }
          })
          .join("\n");
        results.push({ name: "TruffleHog, keyward's exported rule", threads: j, mbs: round(mb / r.seconds), ...found(secrets) });
      }
    } else notes.push(`TruffleHog: ${trufflehog.reason}; its rows are missing`);
    const keyward1 = results.find((r) => r.name === "keyward scan" && r.threads === 1)!.mbs;
    for (const r of results) {
      add({
        id: "P3",
        name: `${r.name}, ${r.threads} thread(s), ${round(mb)} MB corpus: recall ${r.recall}%, precision ${r.precision}% of ${planted.size} planted`,
        value: r.mbs,
        unit: "MB/s",
        baseline: "keyward scan, 1 thread",
        baselineValue: keyward1,
        samples: 1,
      });
    }
    // Git history: patch text scanned by keyward against `git log -p -U0` producing it.
    const repo = mkdtempSync(join(tmpdir(), "keyward-history-"));
    const git = (...a: string[]) => execFileSync("git", a, { cwd: repo, env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", HOME: repo }, maxBuffer: 1024 * 1024 * 1024 });
    git("init", "-q", "-b", "main");
    git("config", "user.email", "bench@example.com");
    git("config", "user.name", "bench");
    git("config", "gc.auto", "0");
    const commits = QUICK ? 20 : 60;
    for (let c = 0; c < commits; c++) {
      for (let f = 0; f < 5; f++)
        writeFileSync(join(repo, `m${c}-${f}.js`), readFileSync(join(dir, `f${(c * 5 + f) % file}.${["js", "py", "json", "min.js", "ipynb"][((c * 5 + f) % file) % 5]}`), "utf8"));
      git("add", ".");
      git("commit", "-q", "-m", `c${c}`);
    }
    const t0 = performance.now();
    const patch = git("log", "-p", "-U0", "--no-color");
    const floorS = (performance.now() - t0) / 1000;
    const patchMb = patch.length / 1024 / 1024;
    const r = runTool("keyward scan --git", process.execPath, ["--", BIN, "scan", "--git", repo, "--format", "json"]);
    add({
      id: "P3",
      name: `keyward scan --git, ${commits} commits, ${round(patchMb)} MB of patch text`,
      value: round(patchMb / r.seconds),
      unit: "MB/s",
      baseline: "git log -p -U0 alone",
      baselineValue: round(patchMb / floorS),
      samples: 1,
    });
    rmSync(repo, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
    rmSync(exported, { recursive: true, force: true });
  },
};
