import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { KeywardError, UsageError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";

/** What to read from git: the whole history, a range (`A..B`, or `REV..HEAD` for --since), commits, or the index. */
export type GitSelection = { kind: "all" } | { kind: "range"; range: string } | { kind: "commits"; commits: string[] } | { kind: "staged" };

/** The added lines of one file in one commit (or in the index), with their line numbers in the new file. */
export interface AddedLines {
  commit: string | null;
  authorEmail: string | null;
  path: string;
  lines: Array<{ line: number; text: string }>;
}

const COMMIT_MARK = "\x1e";
const FIELD_MARK = "\x1f";

/** The git command line for a selection: `git log -p -U0` (added lines only), or `git diff --cached -U0`. */
export function gitArgs(selection: GitSelection): string[] {
  // Whatever the user's config says (noprefix, mnemonicPrefix, external diff, colour), the output is parsed as a/ b/.
  const common = ["-c", "core.quotePath=false", "-c", "diff.noprefix=false", "-c", "diff.mnemonicPrefix=false", "-c", "log.showSignature=false"];
  const prefixes = ["--src-prefix=a/", "--dst-prefix=b/"];
  const patch = ["-p", "-U0", "--no-color", "--no-ext-diff", "--no-textconv", ...prefixes, `--format=${COMMIT_MARK}%H${FIELD_MARK}%ae`];
  switch (selection.kind) {
    case "staged":
      return [...common, "diff", "--cached", "-U0", "--no-color", "--no-ext-diff", "--no-textconv", ...prefixes];
    case "all":
      return [...common, "log", ...patch, "--full-history", "--all"];
    case "range":
      return [...common, "log", ...patch, selection.range];
    case "commits":
      return [...common, "log", ...patch, "--no-walk", ...selection.commits];
  }
}

/**
 * Streams `git log -p -U0` (or `git diff --cached -U0`) and yields the added lines per file and commit as they
 * are read: the history is never held in memory at once. Removed lines and context are never looked at, so a
 * secret is reported in the commit that added it, even if a later commit deleted it.
 */
export async function* readGitAdditions(repo: string, selection: GitSelection): AsyncGenerator<AddedLines> {
  const child = spawn("git", gitArgs(selection), { cwd: repo, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  const parser = new PatchParser();
  const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
  for await (const line of lines) {
    const done = parser.push(line);
    if (done) yield done;
  }
  const last = parser.flush();
  if (last) yield last;
  const code = await exited.catch((err: NodeJS.ErrnoException) => {
    throw new KeywardError(`cannot run git: ${err.code ?? err.message}`, { reason: "git-missing", exitCode: ExitCode.Usage, hint: "install git, or scan files without --git/--staged" });
  });
  if (code !== 0) {
    // git's own diagnosis is its `fatal:` line; the usage lines it may print after it say nothing about this run.
    const lines = stderr.trim().split("\n");
    const said = lines.find((l) => l.startsWith("fatal:")) ?? lines.at(-1) ?? `exit ${code}`;
    throw new UsageError(`git ${selection.kind === "staged" ? "diff --cached" : "log"} failed: ${said}`, {
      hint: selection.kind === "range" && !/not a git repository/.test(said) ? "check the revisions exist here (fetch enough history, e.g. fetch-depth: 0)" : "run inside a git repository, or pass its path",
    });
  }
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

/** Line-by-line state machine over patch text. Pure: fed lines, returns each finished file's added lines. */
export class PatchParser {
  private commit: string | null = null;
  private author: string | null = null;
  private current: AddedLines | undefined;
  private nextLine = 0;
  private addedLeft = 0;
  private removedLeft = 0;

  push(line: string): AddedLines | undefined {
    if (this.addedLeft > 0 || this.removedLeft > 0) {
      if (line.startsWith("+") && this.addedLeft > 0) {
        this.current?.lines.push({ line: this.nextLine++, text: line.slice(1) });
        this.addedLeft--;
        return undefined;
      }
      if (line.startsWith("-") && this.removedLeft > 0) {
        this.removedLeft--;
        return undefined;
      }
      if (line.startsWith("\\")) return undefined; // "\ No newline at end of file"
      this.addedLeft = this.removedLeft = 0;
    }
    if (line.startsWith("\\")) return undefined;
    if (line.startsWith(COMMIT_MARK)) {
      const done = this.finish();
      const [hash, email] = line.slice(1).split(FIELD_MARK);
      this.commit = hash ?? null;
      this.author = email || null;
      return done;
    }
    if (line.startsWith("diff --git ")) {
      const done = this.finish();
      this.current = { commit: this.commit, authorEmail: this.author, path: pathFromDiffHeader(line), lines: [] };
      return done;
    }
    if (line.startsWith("+++ ") && this.current) {
      const target = line.slice(4);
      if (target !== "/dev/null") this.current.path = unquote(target).replace(/^b\//, "");
      return undefined;
    }
    const hunk = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (hunk && this.current) {
      this.removedLeft = hunk[1] === undefined ? 1 : Number(hunk[1]);
      this.nextLine = Number(hunk[2]);
      this.addedLeft = hunk[3] === undefined ? 1 : Number(hunk[3]);
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
    return done && done.lines.length > 0 ? done : undefined;
  }
}

function pathFromDiffHeader(line: string): string {
  const rest = line.slice("diff --git ".length);
  const b = rest.lastIndexOf(" b/");
  return unquote(b >= 0 ? rest.slice(b + 1) : rest).replace(/^b\//, "");
}

function unquote(path: string): string {
  if (!path.startsWith('"')) return path;
  try {
    return JSON.parse(path) as string;
  } catch {
    return path.slice(1, -1);
  }
}

/** `owner/name` from a GitHub remote URL (https or ssh), or null. */
export function repositoryFromRemote(url: string): string | null {
  const m = /github\.com[:/]([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?\/?$/.exec(url.trim());
  return m ? `${m[1]}/${m[2]}` : null;
}
