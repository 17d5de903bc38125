import { existsSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { registerSecret } from "../core/redact.js";
import { detect, isAllowedPath, type Detection } from "./detect.js";
import { detectStream, listFiles, scanFile, type FileScan, type FileTarget } from "./files.js";
import { secretForms, sortFindings, toFinding, type Finding } from "./finding.js";
import { readGitAdditions, type GitSelection } from "./git.js";
import { loadRules, type CompiledRules } from "./rules.js";

export interface ScanRequest {
  cwd: string;
  /** Files and folders; `-` is stdin. In git mode, at most one: the repository (default `cwd`). */
  paths: string[];
  git?: GitSelection;
  /** Worker threads for file scans (1 = in this thread). */
  jobs?: number;
  stdin?: NodeJS.ReadableStream;
  /** Called now and then with the number of files (or file-commits) scanned so far. */
  onProgress?: (scanned: number) => void;
}

export interface ScanStats {
  files: number;
  commits: number;
  /** Worker threads used for file scans (0: scanned in the main thread). */
  workers: number;
  skipped: { binary: number; large: number; unreadable: number; allowlisted: number };
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
  const stats: ScanStats = { files: 0, commits: 0, workers: 0, skipped: { binary: 0, large: 0, unreadable: 0, allowlisted: 0 } };
  const findings: Finding[] = [];
  if (request.git) {
    const repo = request.paths[0] ?? request.cwd;
    const commits = new Set<string>();
    for await (const added of readGitAdditions(repo, request.git)) {
      if (added.commit) commits.add(added.commit);
      stats.files++;
      if (stats.files % 200 === 0) request.onProgress?.(stats.files);
      if (isAllowedPath(added.path, rules)) {
        stats.skipped.allowlisted++;
        continue;
      }
      for (const d of detect(added.lines.map((l) => l.text).join("\n"), rules)) {
        const source = added.lines[d.line - 1]!;
        findings.push(toFinding(d, { path: added.path, line: source.line, column: d.column, commit: added.commit, authorEmail: added.authorEmail }));
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
    const targets = await listFiles(paths.filter((p) => p !== "-"), request.cwd);
    const results = await scanTargets(targets, rules, request.jobs ?? 1, stats, request.onProgress);
    for (const result of results) {
      if ("skipped" in result) {
        stats.skipped[result.skipped]++;
        continue;
      }
      stats.files++;
      for (const d of result.detections) findings.push(toFinding(d, { path: result.path, line: d.line, column: d.column }));
    }
  }
  for (const f of findings) registerSecret(...secretForms(f));
  return { findings: sortFindings(findings), stats };
}

/** Below this many files a worker's start-up costs more than it saves. */
const MIN_FILES_FOR_WORKERS = 16;

async function scanTargets(targets: FileTarget[], rules: CompiledRules, jobs: number, stats: ScanStats, onProgress?: (n: number) => void): Promise<FileScan[]> {
  const workerFile = fileURLToPath(new URL("./scan-worker.js", import.meta.url));
  if (jobs <= 1 || targets.length < MIN_FILES_FOR_WORKERS || !existsSync(workerFile)) {
    const out: FileScan[] = [];
    for (const t of targets) {
      out.push(await scanFile(t, rules));
      if (out.length % 500 === 0) onProgress?.(out.length);
    }
    return out;
  }
  const batch = Math.min(64, Math.max(1, Math.ceil(targets.length / (jobs * 4))));
  const batches: FileTarget[][] = [];
  for (let i = 0; i < targets.length; i += batch) batches.push(targets.slice(i, i + batch));
  stats.workers = Math.min(jobs, batches.length);
  const results: FileScan[][] = new Array(batches.length);
  let next = 0;
  let done = 0;
  const runWorker = () =>
    new Promise<void>((resolve, reject) => {
      const worker = new Worker(workerFile);
      const send = () => {
        if (next >= batches.length) {
          void worker.terminate().then(() => resolve());
          return;
        }
        const id = next++;
        worker.postMessage({ id, targets: batches[id] });
      };
      worker.on("message", (msg: { id: number; results: FileScan[] }) => {
        results[msg.id] = msg.results;
        done += msg.results.length;
        onProgress?.(done);
        send();
      });
      worker.on("error", reject);
      send();
    });
  await Promise.all(Array.from({ length: Math.min(jobs, batches.length) }, runWorker));
  return results.flat();
}

/** Scans one text as if it were a file at `path` (pure; for the Action's own use and tests). */
export function scanText(text: string, path: string): Finding[] {
  const rules = loadRules();
  if (isAllowedPath(path, rules)) return [];
  return detect(text, rules).map((d: Detection) => toFinding(d, { path, line: d.line, column: d.column }));
}

