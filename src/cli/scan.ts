import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { promisify } from "node:util";
import { describeError, KeywardError, UsageError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { applyBaseline, readBaseline } from "../scan/baseline.js";
import { repositoryFromRemote, type GitSelection } from "../scan/git.js";
import { checkJanitorUrl, postLiveFindings, WEBHOOK_SECRET_ENV } from "../scan/janitor.js";
import { renderJson, renderSarif, renderText, summaryLine } from "../scan/report.js";
import { defaultJobs, runScan, type ScanOutcome } from "../scan/scan.js";
import { verifyFindings } from "../scan/verify.js";
import type { CliIo } from "./io.js";

export const SCAN_USAGE =
  "usage: keyward scan [PATH...|-] [--git] [--since REV | --range A..B] [--staged] [--format text|json|sarif] [--output FILE] [--verify] [--baseline FILE] [--jobs N] [--post-to-janitor URL]";

declare const __KEYWARD_VERSION__: string | undefined;
const VERSION = typeof __KEYWARD_VERSION__ === "string" ? __KEYWARD_VERSION__ : "dev";

export interface ScanCommand {
  paths: string[];
  git: GitSelection | undefined;
  format: "text" | "json" | "sarif";
  output: string | undefined;
  verify: boolean;
  baseline: string | undefined;
  jobs: number;
  janitorUrl: URL | undefined;
}

/** Flags to a scan plan, or a UsageError. Pure. */
export function parseScanArgs(args: string[]): ScanCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        git: { type: "boolean" },
        since: { type: "string" },
        range: { type: "string" },
        staged: { type: "boolean" },
        format: { type: "string" },
        output: { type: "string", short: "o" },
        verify: { type: "boolean" },
        baseline: { type: "string" },
        jobs: { type: "string", short: "j" },
        "post-to-janitor": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    throw new UsageError(`scan: ${(err as Error).message}`, { hint: SCAN_USAGE });
  }
  const { values, positionals } = parsed;
  if (values.help) throw new HelpRequested();
  const format = values.format ?? "text";
  if (format !== "text" && format !== "json" && format !== "sarif") throw new UsageError(`scan: --format must be text, json or sarif, got "${format}"`);
  if (values.since !== undefined && values.range !== undefined) throw new UsageError("scan: --since and --range cannot be combined", { hint: "use --range A..B, or --since REV for REV..HEAD" });
  if (values.range !== undefined && !/^[^\s.][^\s]*\.\.\.?[^\s.][^\s]*$/.test(values.range)) throw new UsageError(`scan: --range must look like A..B, got "${values.range}"`);
  for (const rev of [values.since, values.range]) if (rev?.startsWith("-")) throw new UsageError(`scan: a revision cannot start with "-": ${rev}`);
  const history = values.git || values.since !== undefined || values.range !== undefined;
  if (history && values.staged) throw new UsageError("scan: --staged reads the index; it cannot be combined with --git, --since or --range");
  let git: GitSelection | undefined;
  if (values.staged) git = { kind: "staged" };
  else if (values.range !== undefined) git = { kind: "range", range: values.range };
  else if (values.since !== undefined) git = { kind: "range", range: `${values.since}..HEAD` };
  else if (values.git) git = { kind: "all" };
  if (git && positionals.length > 1) throw new UsageError("scan: in git mode, give at most one PATH: the repository");
  if (git && positionals.includes("-")) throw new UsageError("scan: stdin (-) cannot be combined with git mode");
  const jobs = values.jobs === undefined ? defaultJobs() : Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64) throw new UsageError(`scan: --jobs must be an integer between 1 and 64, got "${values.jobs}"`);
  const janitorUrl = values["post-to-janitor"] === undefined ? undefined : checkJanitorUrl(values["post-to-janitor"]);
  if (janitorUrl && !values.verify) throw new UsageError("scan: --post-to-janitor sends verified-live findings only", { hint: "add --verify" });
  return { paths: positionals, git, format, output: values.output, verify: values.verify ?? false, baseline: values.baseline, jobs, janitorUrl };
}

class HelpRequested extends Error {}

/** `keyward scan`. Any failure is exit 2 (1 means findings), never a stack trace. */
export async function run(args: string[], io: CliIo): Promise<number> {
  try {
    return await scan(args, io);
  } catch (err) {
    if (err instanceof KeywardError) throw err;
    throw new KeywardError(`scan failed: ${describeError(err)}`, { reason: "scan-failed", exitCode: ExitCode.Usage, cause: err });
  }
}

async function scan(args: string[], io: CliIo): Promise<number> {
  let command: ScanCommand;
  try {
    command = parseScanArgs(args);
  } catch (err) {
    if (err instanceof HelpRequested) {
      io.stdout(`${SCAN_USAGE}\n  exit 0 clean · 1 findings · 2 error\n`);
      return ExitCode.Ok;
    }
    throw err;
  }
  const webhookSecret = io.env[WEBHOOK_SECRET_ENV];
  if (command.janitorUrl && !webhookSecret) throw new UsageError(`scan: --post-to-janitor needs ${WEBHOOK_SECRET_ENV}`, { hint: `set ${WEBHOOK_SECRET_ENV} to the janitor's webhook secret` });
  const baseline = command.baseline === undefined ? new Set<string>() : await readBaseline(command.baseline);

  const progress = io.stderrIsTty ? (n: number) => io.stderr(`\rkeyward scan: ${n} scanned…`) : undefined;
  let outcome: ScanOutcome;
  try {
    outcome = await runScan({ cwd: process.cwd(), paths: command.paths, git: command.git, jobs: command.jobs, ...(progress ? { onProgress: progress } : {}) });
  } catch (err) {
    if (err instanceof KeywardError) throw err;
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new UsageError(`scan: ${(err as Error).message}`);
    throw err;
  }
  if (progress) io.stderr("\r\x1b[K");
  applyBaseline(outcome.findings, baseline);
  if (command.verify) await verifyFindings(outcome.findings, io.env);

  const report = render(command.format, outcome);
  if (command.output) await writeFile(command.output, report, "utf8");
  else io.stdout(report);
  if (command.output) io.stderr(`${summaryLine(outcome.findings, outcome.stats)}; report in ${command.output}\n`);

  let exit: number = outcome.findings.some((f) => f.baseline === "new") ? ExitCode.Failed : ExitCode.Ok;
  if (command.janitorUrl) {
    try {
      const sent = await postLiveFindings(outcome.findings, { url: command.janitorUrl, webhookSecret: webhookSecret!, repository: await repositoryName(io.env) });
      io.stderr(`keyward scan: posted ${sent} live finding${sent === 1 ? "" : "s"} to the janitor\n`);
    } catch (err) {
      io.stderr(`keyward: ${describeError(err)}\n`);
      exit = ExitCode.Usage;
    }
  }
  return exit;
}

function render(format: ScanCommand["format"], outcome: ScanOutcome): string {
  if (format === "json") return renderJson(outcome.findings, outcome.stats);
  if (format === "sarif") return renderSarif(outcome.findings, VERSION);
  return renderText(outcome.findings, outcome.stats);
}

/** `owner/name`: GITHUB_REPOSITORY inside Actions, else the origin remote when it is on GitHub, else null. */
export async function repositoryName(env: NodeJS.ProcessEnv, cwd = process.cwd()): Promise<string | null> {
  if (env.GITHUB_REPOSITORY && /^[^/\s]+\/[^/\s]+$/.test(env.GITHUB_REPOSITORY)) return env.GITHUB_REPOSITORY;
  try {
    const { stdout } = await promisify(execFile)("git", ["-C", cwd, "remote", "get-url", "origin"]);
    return repositoryFromRemote(stdout);
  } catch {
    return null;
  }
}

