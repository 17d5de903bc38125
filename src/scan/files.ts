import { execFile } from "node:child_process";
import { closeSync, constants, createReadStream, openSync, readSync } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import { promisify } from "node:util";
import { detect, detectBuffer, isAllowedPath, type Detection } from "./detect.js";
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
  /** Named on the command line: scanned even when ignored or allowlisted. */
  explicit?: boolean;
}

/** `gone`: not a regular file any more (a directory, a link, deleted since listed): left out, not counted. */
export type FileScan = { path: string; detections: Detection[] } | { path: string; skipped: "binary" | "large" | "unreadable" | "allowlisted" | "gone" };

/** Files above this are streamed in chunks of this size rather than read whole. */
export const STREAM_CHUNK_BYTES = 1024 * 1024;

/** Reusable read buffer of this thread: a file that fits is read whole into it with one read. */
const readBuffer = Buffer.allocUnsafe(STREAM_CHUNK_BYTES);
/** Symbolic links are not followed (a link can point out of the tree); O_NOFOLLOW makes open() refuse them. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);

/**
 * Scans one file. The cost that dominates on trees of many small files is the system calls, so a small file
 * takes three: open (refusing symbolic links), one read into a reused buffer (a short read is the end of a
 * regular file), close. A file that fills the buffer is measured and streamed in chunks instead (at most
 * MAX_FILE_BYTES). Directories, links, and files deleted since they were listed are left out without a count.
 */
export async function scanFile(target: FileTarget, rules: CompiledRules): Promise<FileScan> {
  const quick = scanFileSync(target, rules);
  return quick ?? scanLargeFile(target, rules);
}

/** A file that does not fit the read buffer: measured, then streamed in chunks (at most MAX_FILE_BYTES). */
export async function scanLargeFile(target: FileTarget, rules: CompiledRules): Promise<FileScan> {
  try {
    const size = (await stat(target.abs)).size;
    if (size > MAX_FILE_BYTES) return { path: target.path, skipped: "large" };
    const detections = await detectStream(createReadStream(target.abs, { highWaterMark: STREAM_CHUNK_BYTES }), rules);
    return detections === "binary" ? { path: target.path, skipped: "binary" } : { path: target.path, detections };
  } catch {
    return { path: target.path, skipped: "unreadable" };
  }
}

/** scanFile without a promise for a file that fits the read buffer (nearly every file); undefined for a larger one. */
export function scanFileSync(target: FileTarget, rules: CompiledRules): FileScan | undefined {
  if (!target.explicit && isAllowedPath(target.path, rules)) return { path: target.path, skipped: "allowlisted" };
  let fd: number;
  try {
    fd = openSync(target.abs, target.explicit ? constants.O_RDONLY : OPEN_FLAGS);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { path: target.path, skipped: code === "ENOENT" || code === "ELOOP" ? "gone" : "unreadable" };
  }
  let read = 0;
  try {
    for (;;) {
      const n = readSync(fd, readBuffer, read, readBuffer.length - read, null);
      if (n === 0) break;
      read += n;
      if (read === readBuffer.length) break;
    }
    closeSync(fd);
    if (read === readBuffer.length) return undefined;
  } catch (err) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    return { path: target.path, skipped: (err as NodeJS.ErrnoException).code === "EISDIR" ? "gone" : "unreadable" };
  }
  const bytes = readBuffer.subarray(0, read);
  if (isBinary(bytes)) return { path: target.path, skipped: "binary" };
  return { path: target.path, detections: detectBuffer(bytes, rules) };
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
  return buffer.subarray(0, BINARY_SNIFF_BYTES).indexOf(0) >= 0;
}

export interface ListOptions {
  /** Scan what .gitignore (and git's other exclude files) would leave out, too. */
  noIgnore?: boolean;
}

/**
 * The files under each PATH: inside a git work tree exactly what git would track (`git ls-files -co
 * --exclude-standard`: tracked plus untracked, .gitignore respected); elsewhere a walk that honours the top-level
 * .gitignore (simple patterns; negations are not supported) and never enters `.git`. A file named on the command
 * line is always scanned; so is everything under a directory named on the command line that git ignores. With
 * `noIgnore`, nothing is left out but `.git` itself.
 */
export async function listFiles(paths: string[], cwd: string, options: ListOptions = {}): Promise<FileTarget[]> {
  const out = new Map<string, FileTarget>();
  for (const p of paths) {
    const abs = resolve(cwd, p);
    const info = await stat(abs).catch(() => undefined);
    if (!info) throw Object.assign(new Error(`no such file or directory: ${p}`), { code: "ENOENT" });
    if (!info.isDirectory()) {
      out.set(abs, { abs, path: displayPath(abs, cwd), explicit: true });
      continue;
    }
    // Paths under the directory are joined as strings (path.relative per file is a measurable cost on big trees).
    const base = relative(cwd, abs).split(sep).join("/");
    const prefix = abs.endsWith(sep) ? abs : abs + sep;
    for (const rel of await listDirectory(abs, options)) {
      const file = prefix + (sep === "/" ? rel : rel.split("/").join(sep));
      if (!out.has(file)) out.set(file, { abs: file, path: base === "" ? rel : `${base}/${rel}` });
    }
  }
  return [...out.values()];
}

export function displayPath(abs: string, cwd: string): string {
  const rel = relative(cwd, abs);
  return (rel === "" ? abs : rel).split(sep).join("/");
}

async function listDirectory(dir: string, options: ListOptions): Promise<string[]> {
  let inRepo = true;
  try {
    await run("git", ["-C", dir, "rev-parse", "--is-inside-work-tree"]);
  } catch {
    inRepo = false;
  }
  if (!inRepo) return walk(dir, options.noIgnore ? [] : await readIgnore(dir));
  // A directory named explicitly is scanned even when git ignores it (`keyward scan .env.d/`).
  const ignoredItself = await run("git", ["-C", dir, "check-ignore", "-q", "--", "."]).then(
    () => true,
    () => false,
  );
  const args = ["-C", dir, "ls-files", "-co", "-z", ...(options.noIgnore || ignoredItself ? [] : ["--exclude-standard"]), "--", "."];
  const { stdout } = await run("git", args, { maxBuffer: 256 * 1024 * 1024 });
  // ls-files lists submodules, links and deleted-but-tracked paths too: scanFile leaves those out when it opens them.
  return stdout.split("\0").filter(Boolean);
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

/** The files under `root` as `/`-separated paths relative to it, sorted (built as strings: no path call per file). */
async function walk(root: string, ignore: IgnoreRule[]): Promise<string[]> {
  const out: string[] = [];
  const visit = async (dir: string, relDir: string) => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    const prefix = dir.endsWith(sep) ? dir : dir + sep;
    for (const entry of entries) {
      if (entry.name === ".git") continue;
      const rel = relDir === "" ? entry.name : `${relDir}/${entry.name}`;
      if (isIgnored(rel, entry.isDirectory(), ignore)) continue;
      if (entry.isDirectory()) await visit(prefix + entry.name, rel);
      else if (entry.isFile()) out.push(rel);
    }
  };
  await visit(root, "");
  return out.sort();
}
