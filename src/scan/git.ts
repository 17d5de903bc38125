import { spawn } from "node:child_process";
import { KeywardError, UsageError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";

/** What to read from git: the whole history, a range (`A..B`, or `REV..HEAD` for --since), commits, or the index. */
export type GitSelection = { kind: "all" } | { kind: "range"; range: string } | { kind: "commits"; commits: string[] } | { kind: "staged" };

/**
 * The added lines of one file in one commit (or in the index): their bytes as git printed them (without the `+`),
 * joined with line feeds in one buffer, and their line numbers in the new file (line i of `bytes` is
 * `lineNumbers[i]`). Kept as bytes: most additions are searched without ever becoming strings.
 */
export interface AddedLines {
  commit: string | null;
  authorEmail: string | null;
  path: string;
  bytes: Buffer;
  lineNumbers: number[];
}

/** The added lines joined with line feeds: line i of this text is `lineNumbers[i]` of the file. */
export function addedBytes(added: AddedLines): Buffer {
  return added.bytes;
}

/** The added lines as text with their line numbers (for tests and small inputs). */
export function addedLinesText(added: AddedLines): Array<{ line: number; text: string }> {
  const lines = added.bytes.toString("utf8").split("\n");
  return added.lineNumbers.map((line, i) => ({ line, text: lines[i] ?? "" }));
}

/** A growable byte buffer: added lines are copied in (one memcpy each, no object per line). */
class ByteBuilder {
  private buf = Buffer.allocUnsafe(4096);
  length = 0;
  append(data: Buffer, start: number, end: number, separator: boolean): void {
    const need = this.length + (separator ? 1 : 0) + (end - start);
    if (need > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
      this.buf.copy(next, 0, 0, this.length);
      this.buf = next;
    }
    if (separator) this.buf[this.length++] = 10;
    data.copy(this.buf, this.length, start, end);
    this.length += end - start;
  }
  take(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

/** A part of the history git could not read: the scan went on without it. */
export interface UnreadableObject {
  commit: string | null;
  path: string | null;
  /** git's own words (its last line on stderr), without any file content. */
  message: string;
}

const COMMIT_MARK = "\x1e";
const FIELD_MARK = "\x1f";

/** `-c` settings that make git's output the same whatever the user's config (prefixes, colour, quoting, pager tools). */
const COMMON = ["-c", "core.quotePath=false", "-c", "diff.noprefix=false", "-c", "diff.mnemonicPrefix=false", "-c", "log.showSignature=false"];
const PREFIXES = ["--src-prefix=a/", "--dst-prefix=b/"];
const PATCH = ["-p", "-U0", "--no-color", "--no-ext-diff", "--no-textconv", ...PREFIXES, `--format=${COMMIT_MARK}%H${FIELD_MARK}%ae`];

/** The git command line for a selection: `git log -p -U0` (added lines only), or `git diff --cached -U0`. */
export function gitArgs(selection: GitSelection): string[] {
  // Whatever the user's config says (noprefix, mnemonicPrefix, external diff, colour), the output is parsed as a/ b/.
  switch (selection.kind) {
    case "staged":
      return [...COMMON, "diff", "--cached", "-U0", "--no-color", "--no-ext-diff", "--no-textconv", ...PREFIXES];
    case "all":
      return [...COMMON, "log", ...PATCH, "--full-history", "--all"];
    case "range":
      return [...COMMON, "log", ...PATCH, selection.range];
    case "commits":
      return [...COMMON, "log", ...PATCH, "--no-walk", ...selection.commits];
  }
}

/** The commits a selection covers, in `git log` order (for resuming after an unreadable object). */
function revListArgs(selection: GitSelection): string[] {
  switch (selection.kind) {
    case "all":
      return ["rev-list", "--full-history", "--all"];
    case "range":
      return ["rev-list", selection.range];
    case "commits":
      return ["rev-list", "--no-walk", ...selection.commits];
    case "staged":
      return [];
  }
}

/** Unparsed git output held at most before the stream pauses (then git waits on the pipe). */
const QUEUE_BYTES = 32 * 1024 * 1024;

/** git's messages for an object it cannot read (missing, corrupt, truncated), as opposed to a bad revision or no repository. */
const UNREADABLE = /unable to read|bad object|corrupt|invalid object|loose object .* is corrupt|inflate|missing blob|missing tree|packfile|did not match any|could not read/i;

interface RunResult {
  code: number | null;
  stderr: string;
  /** The commit whose header was the last one read (the one being diffed when git stopped). */
  lastCommit: string | null;
  /** The files of that commit already yielded (so a salvage does not yield them twice). */
  pathsOfLast: Set<string>;
}

/**
 * Runs git and feeds its patch output through the parser as it arrives: bytes are decoded in chunks and cut into
 * lines with indexOf (no line reader), and only added lines are kept. The history is never held in memory at once.
 */
async function* runPatch(repo: string, args: string[], input: string | undefined, result: RunResult): AsyncGenerator<AddedLines> {
  const child = spawn("git", args, { cwd: repo, stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
  if (input !== undefined) {
    child.stdin!.on("error", () => undefined);
    child.stdin!.end(input);
  }
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  const parser = new PatchParser();
  // Flowing mode into a bounded queue: git's output is read whenever it arrives (git never waits on a full pipe
  // while a chunk is parsed), and the stream pauses when the queue holds QUEUE_BYTES unparsed.
  const queue: Buffer[] = [];
  let queued = 0;
  let ended = false;
  let wake: (() => void) | undefined;
  const stdout = child.stdout!;
  stdout.on("data", (chunk: Buffer) => {
    queue.push(chunk);
    queued += chunk.length;
    if (queued > QUEUE_BYTES) stdout.pause();
    wake?.();
  });
  stdout.on("end", () => {
    ended = true;
    wake?.();
  });
  stdout.on("error", () => {
    ended = true;
    wake?.();
  });
  let rest: Buffer | undefined;
  const ready: AddedLines[] = [];
  for (;;) {
    if (queue.length === 0) {
      if (ended) break;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      continue;
    }
    const chunk = queue.shift()!;
    queued -= chunk.length;
    if (stdout.isPaused() && queued < QUEUE_BYTES / 2) stdout.resume();
    const data = chunk;
    let start = 0;
    if (rest) {
      // Only the line cut at the previous chunk's end is copied, not the whole chunk.
      const first = chunk.indexOf(10);
      if (first < 0) {
        rest = Buffer.concat([rest, chunk]);
        continue;
      }
      const joined = Buffer.concat([rest, chunk.subarray(0, first)]);
      const done = parser.pushBytes(joined, 0, joined.length);
      if (done) ready.push(done);
      rest = undefined;
      start = first + 1;
    }
    for (let nl = data.indexOf(10, start); nl >= 0; nl = data.indexOf(10, start)) {
      const done = parser.pushBytes(data, start, nl);
      if (done) ready.push(done);
      start = nl + 1;
    }
    rest = start < data.length ? data.subarray(start) : undefined;
    for (const added of ready) {
      track(result, added);
      yield added;
    }
    ready.length = 0;
    // Let the event loop read what git wrote meanwhile.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  if (rest) {
    const done = parser.pushBytes(rest, 0, rest.length);
    if (done) ready.push(done);
  }
  const last = parser.flush();
  if (last) ready.push(last);
  for (const added of ready) {
    track(result, added);
    yield added;
  }
  const code = await exited.catch((err: NodeJS.ErrnoException) => {
    throw new KeywardError(`cannot run git: ${err.code ?? err.message}`, {
      reason: "git-missing",
      exitCode: ExitCode.Usage,
      hint: "install git, or scan files without --git/--staged",
    });
  });
  result.code = code;
  result.stderr = stderr;
  if (parser.lastCommit !== result.lastCommit) {
    result.lastCommit = parser.lastCommit;
    result.pathsOfLast = new Set();
  }
}

function track(result: RunResult, added: AddedLines): void {
  if (added.commit !== result.lastCommit) {
    result.lastCommit = added.commit;
    result.pathsOfLast = new Set();
  }
  result.pathsOfLast.add(added.path);
}

function runText(repo: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, { cwd: repo, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const lastLine = (stderr: string) => stderr.trim().split("\n").at(-1) ?? "";

/**
 * Streams `git log -p -U0` (or `git diff --cached -U0`) and yields the added lines per file and commit as they
 * are read. Removed lines and context are never looked at, so a secret is reported in the commit that added it,
 * even if a later commit deleted it.
 *
 * An object git cannot read (a missing or corrupt blob, say) does not end the scan: the commit it belongs to is
 * read again file by file (every readable file is still scanned), the unreadable part is reported to `onUnreadable`,
 * and the history is resumed after that commit. A bad revision or a directory that is not a repository is a usage
 * error, as before.
 */
export async function* readGitAdditions(repo: string, selection: GitSelection, onUnreadable: (u: UnreadableObject) => void = () => undefined): AsyncGenerator<AddedLines> {
  let result = newResult();
  yield* runPatch(repo, gitArgs(selection), undefined, result);
  if (result.code === 0) return;
  if (selection.kind === "staged" || !UNREADABLE.test(result.stderr)) throw gitFailed(selection, result);
  // Resume: the commits after the one git stopped at, fed to `git log --no-walk=unsorted --stdin` in log order.
  const list = await runText(repo, [...COMMON, ...revListArgs(selection)]);
  if (list.code !== 0) {
    onUnreadable({
      commit: result.lastCommit,
      path: null,
      message: `${lastLine(result.stderr)}; the history walk itself failed (${lastLine(list.stderr)}), so commits beyond it were not scanned`,
    });
    return;
  }
  let remaining = list.stdout.split("\n").filter(Boolean);
  for (;;) {
    // The commit git stopped in (or, when it stopped before any header, the first one it was given) is read file by file.
    const at = result.lastCommit ? remaining.indexOf(result.lastCommit) : -1;
    const culprit = at >= 0 ? remaining[at]! : remaining[0];
    if (culprit === undefined) return;
    yield* salvageCommit(repo, culprit, result.stderr, at >= 0 ? result.pathsOfLast : new Set(), onUnreadable);
    remaining = remaining.slice(Math.max(at, 0) + 1);
    if (remaining.length === 0) return;
    result = newResult();
    yield* runPatch(repo, [...COMMON, "log", ...PATCH, "--no-walk=unsorted", "--stdin"], remaining.join("\n") + "\n", result);
    if (result.code === 0) return;
    if (!UNREADABLE.test(result.stderr)) throw gitFailed(selection, result);
  }
}

function newResult(): RunResult {
  return { code: 0, stderr: "", lastCommit: null, pathsOfLast: new Set() };
}

/** One commit read file by file: every file git can read is yielded; each one it cannot is reported. */
async function* salvageCommit(repo: string, commit: string, stderr: string, done: Set<string>, onUnreadable: (u: UnreadableObject) => void): AsyncGenerator<AddedLines> {
  const tree = await runText(repo, [...COMMON, "diff-tree", "-r", "-z", "--no-commit-id", "--name-only", "--root", commit]);
  if (tree.code !== 0) {
    onUnreadable({ commit, path: null, message: `${lastLine(stderr)} (${lastLine(tree.stderr)})` });
    return;
  }
  const paths = tree.stdout.split("\0").filter(Boolean);
  let reported = false;
  for (const path of paths) {
    if (done.has(path)) continue;
    const one = newResult();
    const lines: AddedLines[] = [];
    for await (const added of runPatch(repo, [...COMMON, "log", ...PATCH, "--no-walk", commit, "--", path], undefined, one)) lines.push(added);
    if (one.code === 0) yield* lines;
    else {
      reported = true;
      onUnreadable({ commit, path, message: lastLine(one.stderr) });
    }
  }
  if (!reported) onUnreadable({ commit, path: null, message: lastLine(stderr) });
}

function gitFailed(selection: GitSelection, result: RunResult): UsageError {
  // git's own diagnosis is its `fatal:` line; the usage lines it may print after it say nothing about this run.
  const said =
    result.stderr
      .trim()
      .split("\n")
      .find((l) => l.startsWith("fatal:")) ??
    (lastLine(result.stderr) || `exit ${result.code}`);
  return new UsageError(`git ${selection.kind === "staged" ? "diff --cached" : "log"} failed: ${said}`, {
    hint:
      selection.kind === "range" && !/not a git repository/.test(said)
        ? "check the revisions exist here (fetch enough history, e.g. fetch-depth: 0)"
        : "run inside a git repository, or pass its path",
  });
}

/**
 * The revisions of a range (`A..B`, `A...B`) that name no commit in `repo` (checked with `git rev-parse --verify`
 * before a scan, so a typo gets its own message instead of git's usage text). Empty when `repo` is not a git
 * repository or git cannot run: the scan itself then says so.
 */
export async function unknownRevisions(repo: string, range: string): Promise<string[]> {
  const git = (args: string[]) =>
    new Promise<boolean | undefined>((resolve) => {
      const child = spawn("git", args, { cwd: repo, stdio: "ignore" });
      child.on("error", () => resolve(undefined));
      child.on("close", (code) => resolve(code === 0));
    });
  if ((await git(["rev-parse", "--git-dir"])) !== true) return [];
  const missing: string[] = [];
  for (const rev of range.split(/\.\.\.?/).filter(Boolean)) {
    if ((await git(["rev-parse", "--verify", "--quiet", "--end-of-options", `${rev}^{commit}`])) === false) missing.push(rev);
  }
  return missing;
}

/**
 * Line-by-line state machine over patch text. Pure: fed lines (bytes, or strings in tests), returns each finished
 * file's added lines. Added and removed lines are recognised by their first byte and kept as slices of the bytes
 * given (not copied, not decoded); only header lines are decoded.
 */
export class PatchParser {
  private commit: string | null = null;
  private author: string | null = null;
  private current: { commit: string | null; authorEmail: string | null; path: string; bytes: ByteBuilder; lineNumbers: number[] } | undefined;
  private nextLine = 0;
  private addedLeft = 0;
  private removedLeft = 0;

  /** The commit whose header was read last. */
  get lastCommit(): string | null {
    return this.commit;
  }

  push(line: string): AddedLines | undefined {
    const bytes = Buffer.from(line, "utf8");
    return this.pushBytes(bytes, 0, bytes.length);
  }

  /** Feeds the line data[start, end) (without its line feed). */
  pushBytes(data: Buffer, start: number, end: number): AddedLines | undefined {
    const first = start < end ? data[start]! : -1;
    if (this.addedLeft > 0 || this.removedLeft > 0) {
      if (first === 43 /* + */ && this.addedLeft > 0) {
        if (this.current) {
          this.current.bytes.append(data, start + 1, end, this.current.lineNumbers.length > 0);
          this.current.lineNumbers.push(this.nextLine);
        }
        this.nextLine++;
        this.addedLeft--;
        return undefined;
      }
      if (first === 45 /* - */ && this.removedLeft > 0) {
        this.removedLeft--;
        return undefined;
      }
      if (first === 92 /* \ */) return undefined; // "\ No newline at end of file"
      this.addedLeft = this.removedLeft = 0;
    }
    if (first === 92) return undefined;
    // Only header lines are decoded: commit marks, diff/+++/@@ lines.
    if (first !== 0x1e && first !== 100 /* d */ && first !== 43 /* + */ && first !== 64 /* @ */) return undefined;
    const line = data.toString("utf8", start, end);
    if (line.startsWith(COMMIT_MARK)) {
      const done = this.finish();
      const [hash, email] = line.slice(1).split(FIELD_MARK);
      this.commit = hash ?? null;
      this.author = email || null;
      return done;
    }
    if (line.startsWith("diff --git ")) {
      const done = this.finish();
      this.current = { commit: this.commit, authorEmail: this.author, path: pathFromDiffHeader(line), bytes: new ByteBuilder(), lineNumbers: [] };
      return done;
    }
    if (line.startsWith("+++ ") && this.current) {
      const target = line.slice(4);
      if (target !== "/dev/null") this.current.path = stripPrefix(unquoteGitPath(target), "b/");
      return undefined;
    }
    if (line.startsWith("@@ ") && this.current) {
      const hunk = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
      if (hunk) {
        this.removedLeft = hunk[1] === undefined ? 1 : Number(hunk[1]);
        this.nextLine = Number(hunk[2]);
        this.addedLeft = hunk[3] === undefined ? 1 : Number(hunk[3]);
      }
    }
    return undefined;
  }

  flush(): AddedLines | undefined {
    return this.finish();
  }

  private finish(): AddedLines | undefined {
    const done = this.current;
    this.current = undefined;
    this.addedLeft = this.removedLeft = 0;
    if (!done || done.lineNumbers.length === 0) return undefined;
    return { commit: done.commit, authorEmail: done.authorEmail, path: done.path, bytes: done.bytes.take(), lineNumbers: done.lineNumbers };
  }
}

function stripPrefix(path: string, prefix: string): string {
  return path.startsWith(prefix) ? path.slice(prefix.length) : path;
}

function pathFromDiffHeader(line: string): string {
  const rest = line.slice("diff --git ".length);
  if (rest.startsWith('"')) {
    const second = rest.lastIndexOf(' "');
    return stripPrefix(unquoteGitPath(second > 0 ? rest.slice(second + 1) : rest), "b/");
  }
  const b = rest.lastIndexOf(" b/");
  return stripPrefix(unquoteGitPath(b >= 0 ? rest.slice(b + 1) : rest), "b/");
}

const C_ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, "\\": 92 };

/**
 * A path as git prints it in a patch header: the trailing TAB git adds after a name with a space removed, and a
 * C-style quoted name (`"tab\tname"`, `"\303\251"` — octal bytes of UTF-8 — `"q\"uote"`) unquoted, whatever
 * `core.quotePath` says.
 */
export function unquoteGitPath(raw: string): string {
  const path = raw.endsWith("\t") ? raw.slice(0, -1) : raw;
  if (!(path.length >= 2 && path.startsWith('"') && path.endsWith('"'))) return path;
  const body = path.slice(1, -1);
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== "\\") {
      for (const b of Buffer.from(ch, "utf8")) bytes.push(b);
      continue;
    }
    const next = body[i + 1] ?? "";
    if (/[0-7]/.test(next)) {
      const oct = /^[0-7]{1,3}/.exec(body.slice(i + 1))![0];
      bytes.push(parseInt(oct, 8) & 0xff);
      i += oct.length;
    } else if (next in C_ESCAPES) {
      bytes.push(C_ESCAPES[next]!);
      i++;
    } else {
      bytes.push(92);
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

/** `owner/name` from a GitHub remote URL (https or ssh), or null. */
export function repositoryFromRemote(url: string): string | null {
  const m = /github\.com[:/]([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?\/?$/.exec(url.trim());
  return m ? `${m[1]}/${m[2]}` : null;
}
