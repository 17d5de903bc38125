import { execFile } from "node:child_process";
import { createReadStream } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import { promisify } from "node:util";
import { detect, isAllowedPath, type Detection } from "./detect.js";
import type { CompiledRules } from "./rules.js";

const run = promisify(execFile);

/** Files larger than this are skipped (and counted): generated data, dumps and archives, not source. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
const BINARY_SNIFF_BYTES = 8192;

export interface FileTarget {
  /** Absolute path to read. */
  abs: string;
  /** Path as reported: relative to the working directory, with forward slashes. */
  path: string;
}

export type FileScan = { path: string; detections: Detection[] } | { path: string; skipped: "binary" | "large" | "unreadable" | "allowlisted" };

/** Files above this are streamed in chunks of this size rather than read whole. */
export const STREAM_CHUNK_BYTES = 1024 * 1024;

/** Scans one file: small ones read whole, larger ones streamed (bounded by MAX_FILE_BYTES either way). */
export async function scanFile(target: FileTarget, rules: CompiledRules): Promise<FileScan> {
  if (isAllowedPath(target.path, rules)) return { path: target.path, skipped: "allowlisted" };
  try {
    const info = await stat(target.abs);
    if (info.size > MAX_FILE_BYTES) return { path: target.path, skipped: "large" };
    if (info.size > STREAM_CHUNK_BYTES) {
      const detections = await detectStream(createReadStream(target.abs, { highWaterMark: STREAM_CHUNK_BYTES }), rules);
      return detections === "binary" ? { path: target.path, skipped: "binary" } : { path: target.path, detections };
    }
    const buffer = await readFile(target.abs);
    if (isBinary(buffer)) return { path: target.path, skipped: "binary" };
    return { path: target.path, detections: detect(buffer.toString("utf8"), rules) };
  } catch {
    return { path: target.path, skipped: "unreadable" };
  }
}

/** Characters of the previous chunk kept in front of the next: the context window and the pairing lines fit. */
const OVERLAP_CHARS = 4096;

/**
 * Runs the detector over a stream chunk by chunk (cut at line ends, so UTF-8 sequences stay whole), each chunk
 * preceded by the end of the previous one so that a secret and its context or client id across a cut are still
 * seen together. Line numbers are of the whole stream; a detection seen twice in an overlap is reported once.
 * Returns "binary" when the first chunk holds a NUL byte.
 */
export async function detectStream(stream: AsyncIterable<Buffer | string>, rules: CompiledRules, options: { sniff?: boolean } = {}): Promise<Detection[] | "binary"> {
  const out: Detection[] = [];
  const seen = new Set<string>();
  let pending: Buffer = Buffer.alloc(0);
  let tail = "";
  let tailLine = 1; // line number of tail's first character
  let first = true;
  const run = (text: string) => {
    const joined = tail + text;
    for (const d of detect(joined, rules)) {
      const line = tailLine + d.line - 1;
      const key = `${d.ruleId}:${line}:${d.column}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ ...d, line, index: -1 });
    }
    // Keep the last OVERLAP_CHARS characters, from a line start.
    let cut = Math.max(0, joined.length - OVERLAP_CHARS);
    if (cut > 0) {
      const nl = joined.indexOf("\n", cut);
      cut = nl < 0 ? joined.length : nl + 1;
    }
    for (let i = joined.indexOf("\n"); i >= 0 && i < cut; i = joined.indexOf("\n", i + 1)) tailLine++;
    tail = joined.slice(cut);
  };
  for await (const raw of stream) {
    const chunk = typeof raw === "string" ? Buffer.from(raw) : raw;
    if (first && options.sniff !== false && isBinary(chunk)) return "binary";
    first = false;
    const data = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    const lastNl = data.lastIndexOf(10);
    if (lastNl < 0) {
      pending = data;
      continue;
    }
    pending = data.subarray(lastNl + 1);
    run(data.subarray(0, lastNl + 1).toString("utf8"));
  }
  if (pending.length) run(pending.toString("utf8"));
  return out;
}

export function isBinary(buffer: Buffer): boolean {
  const end = Math.min(buffer.length, BINARY_SNIFF_BYTES);
  for (let i = 0; i < end; i++) if (buffer[i] === 0) return true;
  return false;
}

/**
 * The files under each PATH: inside a git work tree, exactly what git would track (`git ls-files -co
 * --exclude-standard`: tracked plus untracked, .gitignore respected); elsewhere a walk that honours the
 * top-level .gitignore (simple patterns; negations are not supported) and never enters `.git`.
 */
export async function listFiles(paths: string[], cwd: string): Promise<FileTarget[]> {
  const out = new Map<string, FileTarget>();
  for (const p of paths) {
    const abs = resolve(cwd, p);
    const info = await stat(abs).catch(() => undefined);
    if (!info) throw Object.assign(new Error(`no such file or directory: ${p}`), { code: "ENOENT" });
    const files = info.isDirectory() ? await listDirectory(abs) : [abs];
    for (const file of files) out.set(file, { abs: file, path: displayPath(file, cwd) });
  }
  return [...out.values()];
}

export function displayPath(abs: string, cwd: string): string {
  const rel = relative(cwd, abs);
  return (rel === "" ? abs : rel).split(sep).join("/");
}

async function listDirectory(dir: string): Promise<string[]> {
  try {
    const { stdout } = await run("git", ["-C", dir, "ls-files", "-co", "--exclude-standard", "-z", "--", "."], { maxBuffer: 256 * 1024 * 1024 });
    const files = stdout.split("\0").filter(Boolean).map((f) => join(dir, f));
    // ls-files lists submodules and deleted-but-tracked paths too: keep regular files only.
    const kept: string[] = [];
    for (const f of files) if ((await stat(f).catch(() => undefined))?.isFile()) kept.push(f);
    return kept;
  } catch {
    return walk(dir, await readIgnore(dir));
  }
}

async function readIgnore(dir: string): Promise<IgnoreRule[]> {
  const text = await readFile(join(dir, ".gitignore"), "utf8").catch(() => "");
  return parseIgnore(text);
}

export interface IgnoreRule {
  regex: RegExp;
  dirOnly: boolean;
}

/** A small .gitignore reader: `name`, `*.ext`, `dir/`, `/anchored`, `a/**\/b`; `!negations` are skipped. */
export function parseIgnore(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (let line of text.split(/\r?\n/)) {
    line = line.replace(/\s+$/, "");
    if (!line || line.startsWith("#") || line.startsWith("!")) continue;
    const dirOnly = line.endsWith("/");
    if (dirOnly) line = line.slice(0, -1);
    const anchored = line.includes("/");
    if (line.startsWith("/")) line = line.slice(1);
    let body = "";
    for (let i = 0; i < line.length; i++) {
      const ch = line[i]!;
      if (ch === "*" && line[i + 1] === "*") {
        body += ".*";
        i++;
        if (line[i + 1] === "/") i++;
      } else if (ch === "*") body += "[^/]*";
      else if (ch === "?") body += "[^/]";
      else body += ch.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    }
    rules.push({ regex: new RegExp(anchored ? `^${body}$` : `(?:^|/)${body}$`), dirOnly });
  }
  return rules;
}

export function isIgnored(relPath: string, isDir: boolean, rules: IgnoreRule[]): boolean {
  return rules.some((r) => (!r.dirOnly || isDir) && r.regex.test(relPath));
}

async function walk(root: string, ignore: IgnoreRule[]): Promise<string[]> {
  const out: string[] = [];
  const visit = async (dir: string) => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (entry.name === ".git") continue;
      const abs = join(dir, entry.name);
      const rel = relative(root, abs).split(sep).join("/");
      if (isIgnored(rel, entry.isDirectory(), ignore)) continue;
      if (entry.isDirectory()) await visit(abs);
      else if (entry.isFile()) out.push(abs);
    }
  };
  await visit(root);
  return out.sort();
}



