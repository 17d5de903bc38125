/**
 * P3 (dense): the scanner on a keyword-dense corpus that looks like a Genesys Cloud SDK tree (scripts/bench/
 * dense-corpus.ts: ≥ 100 MB, every file names PureCloud / Genesys several times, UUIDs and 43-character identifiers
 * everywhere, 20 planted pairs), beside ripgrep with the seed's regex, gitleaks and TruffleHog with keyward's
 * exported rules; and the same tree as a git history, `keyward scan --git` against `git log -p -U0` itself.
 *
 * Every figure is the median of `RUNS` runs taken in turn (keyward, ripgrep, keyward --jobs 2, …), so a busy machine
 * slows all of them alike; the ratios are what to read. Recall and precision come from the planted values (keyward's
 * JSON has no secret: its fingerprints are matched against the planted secrets' fingerprints).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fingerprintOf } from "../../src/contracts/fingerprint.js";
import { gitArgs } from "../../src/scan/git.js";
// @ts-expect-error plain ESM helper without types
import { ensureTool } from "../go-tools.mjs";
import { add, BIN, median, notes, QUICK, round, type BenchSection } from "./common.js";
import { writeDenseCorpus, type PlantedPair } from "./dense-corpus.js";

const SEED_REGEX = `(?i)(?:genesys|purecloud|client[_]?secret|oauth).*?['"][a-zA-Z0-9_-]{43}['"]`;

interface Timed {
  seconds: number;
  /** CPU seconds (user + system) of the process and its children: what a busy machine does not inflate. */
  cpu: number;
  out: string;
  status: number | null;
}

/** CPU seconds used so far by this process's waited-for children (Linux /proc; 0 elsewhere). */
function childrenCpu(): number {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return 0;
  }
}

function timed(file: string, argv: string[], env: NodeJS.ProcessEnv = process.env, outputFile?: string, cwd?: string): Timed {
  const c0 = childrenCpu();
  const t0 = performance.now();
  const r = spawnSync(file, argv, { env, cwd, maxBuffer: 2 * 1024 * 1024 * 1024, encoding: "utf8" });
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, cpu: childrenCpu() - c0, out: outputFile && existsSync(outputFile) ? readFileSync(outputFile, "utf8") : r.stdout, status: r.status };
}

/** Recall and precision of a set of reported values against the planted secrets. */
function score(reported: string[], planted: PlantedPair[], key: (s: string) => string = (s) => s) {
  const plantedKeys = new Set(planted.map((p) => key(p.secret)));
  const hits = new Set(reported);
  const tp = [...hits].filter((h) => plantedKeys.has(h)).length;
  return { recall: round((tp / planted.length) * 100), precision: hits.size === 0 ? 100 : round((tp / hits.size) * 100), found: hits.size };
}

export const section: BenchSection = {
  id: "P3",
  title: "scanner on a keyword-dense SDK-like corpus (keyward 1 and 2 jobs, ripgrep, gitleaks, TruffleHog) and its git history",
  async run() {
    const MB = QUICK ? 24 : 110;
    const RUNS = QUICK ? 1 : 5;
    const dir = mkdtempSync(join(tmpdir(), "keyward-dense-"));
    const work = mkdtempSync(join(tmpdir(), "keyward-dense-work-"));
    const corpus = writeDenseCorpus(join(dir, "tree"), MB * 1024 * 1024);
    const tree = corpus.dir;
    const mb = corpus.bytes / 1024 / 1024;
    const loadBefore = loadavg()[0]!;
    notes.push(
      `P3 dense corpus: ${round(mb)} MB in ${corpus.files} files, ${corpus.planted.length} planted pairs; load average ${round(loadBefore, 2)} on ${cpus().length} cores before the runs`,
    );

    // The tools, each given keyward's exported rules.
    execFileSync(process.execPath, ["--", BIN, "patterns", "--format", "gitleaks", "--output", join(work, "gitleaks.toml")]);
    execFileSync(process.execPath, ["--", BIN, "patterns", "--format", "trufflehog", "--output", join(work, "trufflehog.yaml")]);
    let rg: string | undefined = spawnSync("rg", ["--version"]).status === 0 ? "rg" : undefined;
    if (!rg && spawnSync("apt-get", ["install", "-y", "-qq", "ripgrep"], { stdio: "ignore" }).status === 0) rg = "rg";
    if (!rg) notes.push("P3 dense: ripgrep is not installed and apt-get could not install it; its rows are missing");
    const gitleaks = ensureTool("gitleaks") as { path?: string; reason?: string };
    if (!gitleaks.path) notes.push(`P3 dense: gitleaks: ${gitleaks.reason}; its rows are missing`);
    const trufflehog = ensureTool("trufflehog") as { path?: string; reason?: string };
    if (!trufflehog.path) notes.push(`P3 dense: TruffleHog: ${trufflehog.reason}; its rows are missing`);

    const fingerprints = (out: string) =>
      (JSON.parse(out || '{"findings":[]}') as { findings: Array<{ fingerprint: string; example: boolean }> }).findings.filter((f) => !f.example).map((f) => f.fingerprint);
    const kinds: Array<{ name: string; threads: number; run: () => Timed; reported: (t: Timed) => string[]; key?: (s: string) => string }> = [
      {
        name: "keyward scan",
        threads: 1,
        run: () => timed(process.execPath, ["--", BIN, "scan", tree, "--format", "json", "--jobs", "1"]),
        reported: (t) => fingerprints(t.out),
        key: (s) => fingerprintOf(s),
      },
      {
        name: "keyward scan",
        threads: 2,
        run: () => timed(process.execPath, ["--", BIN, "scan", tree, "--format", "json", "--jobs", "2"]),
        reported: (t) => fingerprints(t.out),
        key: (s) => fingerprintOf(s),
      },
    ];
    if (rg) {
      for (const j of [1, 2])
        kinds.push({
          name: "ripgrep, the seed's context regex",
          threads: j,
          run: () => timed(rg!, ["-j", String(j), "-o", "--no-filename", "--no-line-number", SEED_REGEX, tree]),
          reported: (t) => [...t.out.matchAll(/['"]([A-Za-z0-9_-]{43})['"]$/gm)].map((m) => m[1]!),
        });
    }
    if (gitleaks.path) {
      for (const j of [1, 2]) {
        const report = join(work, `gitleaks-${j}.json`);
        kinds.push({
          name: "gitleaks, keyward's exported rules",
          threads: j,
          run: () => {
            rmSync(report, { force: true });
            return timed(
              gitleaks.path!,
              [
                "dir",
                tree,
                "--config",
                join(work, "gitleaks.toml"),
                "--no-banner",
                "--report-format",
                "json",
                "--report-path",
                report,
                "--max-decode-depth",
                "0",
                "--exit-code",
                "0",
              ],
              { ...process.env, GOMAXPROCS: String(j) },
              report,
            );
          },
          reported: (t) => (JSON.parse(t.out || "[]") as Array<{ Secret: string }>).map((f) => f.Secret),
        });
      }
    }
    if (trufflehog.path) {
      for (const j of [1, 2]) {
        kinds.push({
          name: "TruffleHog, keyward's exported rules",
          threads: j,
          run: () =>
            timed(
              trufflehog.path!,
              [
                "filesystem",
                tree,
                "--config",
                join(work, "trufflehog.yaml"),
                "--include-detectors=CustomRegex",
                "--no-verification",
                "--json",
                "--concurrency",
                String(j),
                "--no-update",
              ],
              { ...process.env, GOMAXPROCS: String(j) },
            ),
          // A detector with two regexes reports their matches concatenated in Raw (in either order).
          reported: (t) =>
            t.out
              .split("\n")
              .filter(Boolean)
              .map((l) => (JSON.parse(l) as { Raw?: string }).Raw ?? "")
              .map((raw) => corpus.planted.find((p) => raw.includes(p.secret))?.secret ?? raw),
        });
      }
    }
    // TruffleHog is ~10x slower than the others: it runs once, the rest RUNS times, in turn.
    const samples = new Map<number, Timed[]>();
    for (let r = 0; r < RUNS; r++) {
      kinds.forEach((k, i) => {
        if (r > 0 && k.name.startsWith("TruffleHog")) return;
        samples.set(i, [...(samples.get(i) ?? []), k.run()]);
      });
    }
    const results = kinds.map((k, i) => {
      const runs = samples.get(i)!;
      const seconds = median(runs.map((t) => t.seconds));
      const cpu = median(runs.map((t) => t.cpu));
      return { ...k, seconds, cpu, runs: runs.length, mbs: round(mb / seconds), cpuMbs: cpu > 0 ? round(mb / cpu) : 0, ...score(k.reported(runs[0]!), corpus.planted, k.key) };
    });
    const rg1 = results.find((r) => r.name.startsWith("ripgrep") && r.threads === 1);
    const kw1 = results.find((r) => r.name === "keyward scan" && r.threads === 1)!;
    for (const r of results) {
      const base =
        r.name === "keyward scan" && r.threads === 2
          ? { name: "keyward scan, 1 job", value: kw1.mbs }
          : rg1
            ? { name: "ripgrep -j1, the seed's regex", value: rg1.mbs }
            : { name: "keyward scan, 1 job", value: kw1.mbs };
      add({
        id: "P3",
        name: `dense ${round(mb)} MB: ${r.name}, ${r.threads} thread(s): recall ${r.recall}%, precision ${r.precision}% of ${corpus.planted.length} planted (wall)`,
        value: r.mbs,
        unit: "MB/s",
        baseline: base.name,
        baselineValue: base.value,
        samples: r.runs,
      });
    }
    // The same runs by CPU time (user + system): single-threaded tools compared without the machine's load.
    const rgCpu = rg1?.cpuMbs;
    for (const r of results.filter((x) => x.threads === 1 && x.cpuMbs > 0)) {
      add({
        id: "P3",
        name: `dense ${round(mb)} MB: ${r.name}, 1 thread, by CPU time (${round(r.cpu, 2)} s)`,
        value: r.cpuMbs,
        unit: "MB/s",
        baseline: rgCpu ? "ripgrep -j1 by CPU time" : "-",
        baselineValue: rgCpu ?? null,
        samples: r.runs,
      });
    }

    // The same tree as a history: the files arrive in commits of a few hundred, then a regeneration rewrites a
    // tenth of them (like an SDK release), so the patches hold both additions and small hunks.
    const repo = join(dir, "history");
    const gitEnv = {
      ...process.env,
      GIT_CONFIG_NOSYSTEM: "1",
      HOME: dir,
      GIT_AUTHOR_NAME: "bench",
      GIT_AUTHOR_EMAIL: "bench@example.com",
      GIT_COMMITTER_NAME: "bench",
      GIT_COMMITTER_EMAIL: "bench@example.com",
    };
    const git = (...a: string[]) => execFileSync("git", a, { cwd: repo, env: gitEnv, maxBuffer: 1024 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"] });
    execFileSync("git", ["init", "-q", "-b", "main", repo], { env: gitEnv });
    // No background gc while the history is written and timed (it would also race the clean-up).
    git("config", "gc.auto", "0");
    const perCommit = Math.max(50, Math.ceil(corpus.paths.length / 40));
    for (let i = 0; i < corpus.paths.length; i += perCommit) {
      for (const rel of corpus.paths.slice(i, i + perCommit)) {
        const to = join(repo, rel);
        mkdirSync(dirname(to), { recursive: true });
        writeFileSync(to, readFileSync(join(tree, rel)));
      }
      git("add", "-A");
      git("commit", "-q", "-m", `sdk ${i / perCommit}`);
    }
    for (const rel of corpus.paths.filter((_, i) => i % 10 === 3)) {
      const to = join(repo, rel);
      writeFileSync(to, readFileSync(to, "utf8").replace(/\d+\.0\.0/g, "263.0.0"));
    }
    git("add", "-A");
    git("commit", "-q", "-m", "regenerate");
    const floorArgs = gitArgs({ kind: "all" });
    const floor: number[] = [];
    const ours: number[] = [];
    let patchBytes = 0;
    let historyFindings = 0;
    for (let r = 0; r < RUNS; r++) {
      // The floor reads git's patches through a pipe, as keyward does (and keeps them as bytes, undecoded).
      const t0 = performance.now();
      const g = spawnSync("git", floorArgs, { cwd: repo, env: gitEnv, maxBuffer: 2 * 1024 * 1024 * 1024 });
      floor.push((performance.now() - t0) / 1000);
      patchBytes = g.stdout.length;
      const k = timed(process.execPath, ["--", BIN, "scan", "--git", repo, "--format", "json"]);
      ours.push(k.seconds);
      historyFindings = score(fingerprints(k.out), corpus.planted, (s) => fingerprintOf(s)).recall;
    }
    const patchMb = patchBytes / 1024 / 1024;
    add({
      id: "P3",
      name: `dense history: keyward scan --git, ${Math.ceil(corpus.paths.length / perCommit) + 1} commits, ${round(patchMb)} MB of patch text, recall ${historyFindings}% (wall time; ratio ≤ 1.2 is the goal)`,
      value: round(median(ours), 2),
      unit: "s",
      baseline: "git log -p -U0 alone, same arguments",
      baselineValue: round(median(floor), 2),
      samples: RUNS,
    });
    notes.push(`P3 dense: load average ${round(loadavg()[0]!, 2)} after the runs (before: ${round(loadBefore, 2)}); ${cpus().length} cores`);
    rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
    rmSync(work, { recursive: true, force: true, maxRetries: 5 });
  },
};
