import { existsSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { registerSecret } from "../core/redact.js";
import { detect, detectBuffer, isAllowedPath, type Detection } from "./detect.js";
import { collapseExamples } from "./examples.js";
import { detectStream, listFiles, scanFileSync, scanLargeFile, type FileScan, type FileTarget } from "./files.js";
import { secretForms, sortFindings, toFinding, type Finding } from "./finding.js";
import { addedBytes, readGitAdditions, type GitSelection, type UnreadableObject } from "./git.js";
import { loadRules, type CompiledRules } from "./rules.js";

export interface ScanRequest {
  cwd: string;
  /** Files and folders; `-` is stdin. In git mode, at most one: the repository (default `cwd`). */
  paths: string[];
  git?: GitSelection;
  /** Threads scanning files at once (1 = this thread only). */
  jobs?: number;
  /** Scan files .gitignore would leave out, too. */
  noIgnore?: boolean;
  stdin?: NodeJS.ReadableStream;
  /** Called now and then with the number of files (or file-commits) scanned so far. */
  onProgress?: (scanned: number) => void;
  /** Called for each part of the input that could not be read (an unreadable git object); the scan goes on. */
  onWarning?: (message: string) => void;
}

export interface ScanStats {
  files: number;
  commits: number;
  /** Worker threads used for file scans besides this thread (0: this thread alone). */
  workers: number;
  skipped: { binary: number; large: number; unreadable: number; allowlisted: number; objects: number };
  /** Something could not be read (git objects): the absence of findings does not mean clean. */
  incomplete: boolean;
}

export interface ScanOutcome {
  findings: Finding[];
  stats: ScanStats;
}

export function defaultJobs(): number {
  return Math.max(1, Math.min(cpus().length, 8));
}

/** Runs one scan: files, stdin or git. Every secret found is registered for redaction before this returns. */
export async function runScan(request: ScanRequest): Promise<ScanOutcome> {
  const rules = loadRules();
  const stats: ScanStats = { files: 0, commits: 0, workers: 0, skipped: { binary: 0, large: 0, unreadable: 0, allowlisted: 0, objects: 0 }, incomplete: false };
  let findings: Finding[] = [];
  if (request.git) {
    const repo = request.paths[0] ?? request.cwd;
    const commits = new Set<string>();
    const onUnreadable = (u: UnreadableObject) => {
      stats.skipped.objects++;
      stats.incomplete = true;
      request.onWarning?.(
        `keyward scan: warning: git could not read ${u.path ? `${u.path} in ` : ""}${u.commit ? `commit ${u.commit.slice(0, 12)}` : "the history"} (${u.message}); skipped, the scan goes on`,
      );
    };
    for await (const added of readGitAdditions(repo, request.git, onUnreadable)) {
      if (added.commit) commits.add(added.commit);
      stats.files++;
      if (stats.files % 200 === 0) request.onProgress?.(stats.files);
      if (isAllowedPath(added.path, rules)) {
        stats.skipped.allowlisted++;
        continue;
      }
      for (const d of detectBuffer(addedBytes(added), rules)) {
        findings.push(toFinding(d, { path: added.path, line: added.lineNumbers[d.line - 1]!, column: d.column, commit: added.commit, authorEmail: added.authorEmail }));
      }
    }
    stats.commits = commits.size;
  } else {
    const paths = request.paths.length > 0 ? request.paths : ["."];
    if (paths.includes("-")) {
      const detections = await detectStream((request.stdin ?? process.stdin) as AsyncIterable<Buffer>, rules, { sniff: false });
      stats.files++;
      for (const d of detections === "binary" ? [] : detections) findings.push(toFinding(d, { path: "-", line: d.line, column: d.column }));
    }
    // Worker threads boot (an isolate, the bundle, the JIT) while git lists the files.
    const pool = startWorkers((request.jobs ?? 1) - 1);
    let results: FileScan[];
    try {
      const targets = await listFiles(
        paths.filter((p) => p !== "-"),
        request.cwd,
        { noIgnore: request.noIgnore ?? false },
      );
      results = await scanTargets(targets, rules, pool, stats, request.onProgress);
    } finally {
      for (const w of pool) void w.terminate();
    }
    for (const result of results) {
      if ("skipped" in result) {
        if (result.skipped !== "gone") stats.skipped[result.skipped]++;
        continue;
      }
      stats.files++;
      for (const d of result.detections) findings.push(toFinding(d, { path: result.path, line: d.line, column: d.column }));
    }
  }
  findings = collapseExamples(findings, rules);
  for (const f of findings) registerSecret(...secretForms(f));
  return { findings: sortFindings(findings), stats };
}

/** Below this many files a worker's start-up costs more than it saves. */
const MIN_FILES_FOR_WORKERS = 16;
/** Batches a worker holds at once: one in hand, one queued, so it never waits on this thread between batches. */
const PREFETCH = 2;

/** Worker threads for file scans (none when there is no bundled worker, as when the sources run under a test runner). */
function startWorkers(count: number): Worker[] {
  const workerFile = fileURLToPath(new URL("./scan-worker.js", import.meta.url));
  if (count <= 0 || !existsSync(workerFile)) return [];
  return Array.from({ length: Math.min(count, 63) }, () => new Worker(workerFile));
}

/**
 * Scans the files: in this thread alone (no workers, or too few files to share), else in this thread and the
 * workers, all pulling batches from one queue (this thread takes a batch whenever it is free, each worker keeps one
 * queued), results put back in file order.
 */
async function scanTargets(targets: FileTarget[], rules: CompiledRules, pool: Worker[], stats: ScanStats, onProgress?: (n: number) => void): Promise<FileScan[]> {
  if (pool.length === 0 || targets.length < MIN_FILES_FOR_WORKERS) {
    const out: FileScan[] = [];
    for (const t of targets) {
      out.push(scanFileSync(t, rules) ?? (await scanLargeFile(t, rules)));
      if (out.length % 500 === 0) onProgress?.(out.length);
    }
    return out;
  }
  const jobs = pool.length + 1;
  const batchSize = Math.min(48, Math.max(1, Math.ceil(targets.length / (jobs * 16))));
  const batches: FileTarget[][] = [];
  for (let i = 0; i < targets.length; i += batchSize) batches.push(targets.slice(i, i + batchSize));
  const workers = pool.slice(0, Math.min(pool.length, batches.length));
  stats.workers = workers.length;
  const results: FileScan[][] = new Array(batches.length);
  let next = 0;
  let done = 0;
  const finished = (id: number, scans: FileScan[]) => {
    results[id] = scans;
    done += scans.length;
    onProgress?.(done);
  };
  const runWorker = (worker: Worker) =>
    new Promise<void>((resolve, reject) => {
      let inFlight = 0;
      const send = () => {
        while (inFlight < PREFETCH && next < batches.length) {
          const id = next++;
          inFlight++;
          worker.postMessage({ id, targets: batches[id] });
        }
        if (inFlight === 0) {
          worker.off("message", onMessage);
          worker.off("error", reject);
          resolve();
        }
      };
      const onMessage = (msg: { id: number; results: FileScan[] }) => {
        inFlight--;
        finished(msg.id, msg.results);
        send();
      };
      worker.on("message", onMessage);
      worker.on("error", reject);
      send();
    });
  // This thread scans too, a batch at a time, yielding between batches so the workers' messages are answered.
  const runHere = async () => {
    while (next < batches.length) {
      const id = next++;
      const scans: FileScan[] = [];
      for (const t of batches[id]!) scans.push(scanFileSync(t, rules) ?? (await scanLargeFile(t, rules)));
      finished(id, scans);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };
  await Promise.all([...workers.map(runWorker), runHere()]);
  return results.flat();
}

/** Scans one text as if it were a file at `path` (pure; for the Action's own use and tests). */
export function scanText(text: string, path: string): Finding[] {
  const rules = loadRules();
  if (isAllowedPath(path, rules)) return [];
  return detect(text, rules).map((d: Detection) => toFinding(d, { path, line: d.line, column: d.column }));
}

/** Scans several texts as the files of one tree (documentation examples are collapsed across them). */
export function scanTexts(files: Array<{ path: string; text: string }>): Finding[] {
  const rules = loadRules();
  return collapseExamples(
    files.flatMap((f) => scanText(f.text, f.path)),
    rules,
  );
}
