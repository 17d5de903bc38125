import { execFile } from "node:child_process";
import { constants } from "node:fs";
import { access, stat, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { promisify } from "node:util";
import { describeError, KeywardError, UsageError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { applyBaseline, readBaseline } from "../scan/baseline.js";
import { failsScan } from "../scan/finding.js";
import { repositoryFromRemote, unknownRevisions, type GitSelection } from "../scan/git.js";
import { checkJanitorUrl, postLiveFindings, WEBHOOK_SECRET_ENV } from "../scan/janitor.js";
import { renderJson, renderSarif, renderText, summaryLine } from "../scan/report.js";
import { defaultJobs, runScan, type ScanOutcome } from "../scan/scan.js";
import { verifyFindings } from "../scan/verify.js";
import { REPORT_SCHEMAS } from "../contracts/report-schemas.js";
import { concurrencyFlag, defineCommand, formatFlag, parseCommand, renderHelp } from "./command-spec.js";
import { USAGE_EXIT } from "./env-docs.js";
import type { CliIo } from "./io.js";

/** `keyward scan`'s grammar: flags, variables and exit codes (parser and help are generated from it). */
export const spec = defineCommand({
  name: "scan",
  summary: "find Genesys Cloud credentials in files, standard input or git history",
  usage: [
    "scan [PATH...|-] [--git] [--since REV | --range A..B] [--staged] [--format text|json|sarif] [--output FILE]",
    "     [--[no-]verify] [--baseline FILE] [--concurrency N] [--no-ignore] [--post-to-janitor URL]",
  ],
  positionals: { name: "PATH...|-", description: "files or directories (default .), - for standard input; in git mode the repository" },
  flags: {
    git: { type: "boolean", description: "scan every commit on every ref (added lines only)" },
    since: { type: "string", value: "REV", description: "scan the commits in REV..HEAD" },
    range: { type: "string", value: "A..B", description: "scan the commits in the range A..B" },
    staged: { type: "boolean", description: "scan the index (the pre-commit hook)" },
    format: formatFlag(["json", "sarif"], `report format: text, JSON (schema ${REPORT_SCHEMAS.scan}) or SARIF 2.1.0`),
    output: { type: "string", value: "FILE", short: "o", description: "write the report to FILE instead of stdout (checked before the scan)" },
    verify: { type: "boolean", negatable: true, default: false, description: "try each client id + secret pair with one token grant (live, dead or unknown)" },
    baseline: { type: "string", value: "FILE", description: 'findings whose fingerprints FILE lists are not new (an earlier JSON report, {"fingerprints": [...]} or one a line)' },
    concurrency: concurrencyFlag({
      max: 64,
      short: "j",
      default: defaultJobs,
      defaultText: "the number of cores, at most 8",
      description: "files scanned at once (worker threads)",
    }),
    "post-to-janitor": { type: "string", value: "URL", description: "post each new verified-live finding to the janitor's webhook (needs --verify)" },
    ignore: {
      type: "boolean",
      negatable: true,
      default: true,
      description: "leave out what .gitignore leaves out (--no-ignore scans ignored files too, e.g. .env, *.tfstate); a path named on the command line is always scanned",
    },
  },
  env: [
    { name: "GENESYSCLOUD_REGION", description: "--verify: the org's region (with no org configured at all, every region is tried)" },
    { name: "GENESYSCLOUD_GATEWAY_*", description: "--verify: send token grants through a gateway (the sandbox)" },
    {
      name: "GENESYSCLOUD_OAUTHCLIENT_ID, _SECRET | KEYWARD_ADMIN_SECRET_ARN",
      description: '--verify: the org\'s credentials: nothing is proven dead without them (README "What proves a secret dead")',
    },
    { name: "KEYWARD_ORGS_FILE, KEYWARD_VERIFY_MAX_GRANTS", description: "--verify: several orgs; the grant budget of one run" },
    { name: "KEYWARD_FINGERPRINT_KEY", description: "key of the kwf1_ fingerprints (baselines need the same key)" },
    { name: WEBHOOK_SECRET_ENV, description: "--post-to-janitor: the janitor's webhook secret" },
    { name: "GITHUB_REPOSITORY", description: "--post-to-janitor: owner/name of the repository (else the origin remote)" },
  ],
  exitCodes: [
    { code: 0, meaning: "clean, or only baselined findings" },
    { code: 1, meaning: "new findings (documentation examples and baselined findings do not count)" },
    { ...USAGE_EXIT, meaning: `${USAGE_EXIT.meaning}; not a repository, unknown revision, unwritable --output, janitor refused` },
    {
      code: ExitCode.Incomplete,
      meaning: "incomplete: part of the history could not be read (unreadable git objects, warned on stderr and skipped) and nothing new was found in the rest",
    },
  ],
});

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
  /** Scan ignored files too (--no-ignore). */
  noIgnore: boolean;
}

/** Flags to a scan plan, or a UsageError. Pure. */
export function parseScanArgs(args: string[]): ScanCommand {
  const parsed = parseCommand(spec, args);
  if (parsed.help) throw new HelpRequested();
  const { values, positionals } = parsed;
  const format = values.format;
  if (values.since !== undefined && values.range !== undefined)
    throw new UsageError("scan: --since and --range cannot be combined", { hint: "use --range A..B, or --since REV for REV..HEAD" });
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
  const jobs = values.concurrency;
  const janitorUrl = values["post-to-janitor"] === undefined ? undefined : checkJanitorUrl(values["post-to-janitor"]);
  if (janitorUrl && !values.verify) throw new UsageError("scan: --post-to-janitor sends verified-live findings only", { hint: "add --verify" });
  return { paths: positionals, git, format, output: values.output, verify: values.verify, baseline: values.baseline, jobs, janitorUrl, noIgnore: values.ignore === false };
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
      io.stdout(renderHelp(spec));
      return ExitCode.Ok;
    }
    throw err;
  }
  const webhookSecret = io.env[WEBHOOK_SECRET_ENV];
  if (command.janitorUrl && !webhookSecret)
    throw new UsageError(`scan: --post-to-janitor needs ${WEBHOOK_SECRET_ENV}`, { hint: `set ${WEBHOOK_SECRET_ENV} to the janitor's webhook secret` });
  // Everything that can be wrong with the command line is found before the scan, not after it.
  if (command.output !== undefined) await checkWritable(command.output);
  const baseline = command.baseline === undefined ? new Set<string>() : await readBaseline(command.baseline);
  if (command.git?.kind === "range") {
    const missing = await unknownRevisions(command.paths[0] ?? process.cwd(), command.git.range);
    if (missing.length > 0) {
      throw new UsageError(`scan: unknown revision ${missing.map((r) => `"${r}"`).join(" and ")}: no commit, branch or tag of that name in this repository`, {
        hint: "check the name (`git log --oneline`, `git branch -a`); in a shallow clone, fetch the history first (actions/checkout with fetch-depth: 0)",
      });
    }
  }

  const progress = io.stderrIsTty ? (n: number) => io.stderr(`\rkeyward scan: ${n} scanned…`) : undefined;
  let outcome: ScanOutcome;
  try {
    outcome = await runScan({
      cwd: process.cwd(),
      paths: command.paths,
      git: command.git,
      jobs: command.jobs,
      noIgnore: command.noIgnore,
      onWarning: (message) => io.stderr(`${message}\n`),
      ...(progress ? { onProgress: progress } : {}),
    });
  } catch (err) {
    if (err instanceof KeywardError) throw err;
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new UsageError(`scan: ${(err as Error).message}`);
    throw err;
  }
  if (progress) io.stderr("\r\x1b[K");
  applyBaseline(outcome.findings, baseline);
  if (command.verify) {
    // Loaded only for --verify: the AWS SDK behind it costs every plain scan ~0.2 s of start-up.
    const { secretsManagerDocuments } = await import("../liveness/documents.js");
    await verifyFindings(outcome.findings, io.env, { readDocument: secretsManagerDocuments(io.env) });
  }

  const report = render(command.format, outcome);
  if (command.output) {
    await writeFile(command.output, report, "utf8").catch((err: NodeJS.ErrnoException) => {
      throw new UsageError(`scan: cannot write the report to ${command.output} (${err.code ?? err.message})`, {
        hint: "pick a writable --output path (its directory must exist)",
        cause: err,
      });
    });
  } else io.stdout(report);
  if (command.output) io.stderr(`${summaryLine(outcome.findings, outcome.stats)}; report in ${command.output}\n`);

  let exit: number = outcome.findings.some(failsScan) ? ExitCode.Failed : outcome.stats.incomplete ? ExitCode.Incomplete : ExitCode.Ok;
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

/** Refuses an --output path whose directory is missing or not writable, or that is a directory or a read-only file. */
async function checkWritable(path: string): Promise<void> {
  const refuse = (why: string) =>
    new UsageError(`scan: cannot write the report to ${path}: ${why}`, { hint: "pick a writable --output path (its directory must exist); nothing was scanned" });
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) throw refuse("it is a directory");
  const target = existing ? path : dirname(resolve(path));
  const dir = existing ? undefined : await stat(target).catch(() => undefined);
  if (!existing && !dir?.isDirectory()) throw refuse(`the directory ${target} does not exist`);
  await access(target, constants.W_OK).catch(() => {
    throw refuse(existing ? "the file is not writable" : `the directory ${target} is not writable`);
  });
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
