// keyward's GitHub Action (action.yml → action/dist/index.js, bundled by scripts/build-action.mjs). Workflow
// commands are written by hand (no @actions/core): `::add-mask::` for every form of every finding's secret
// first, then annotations, the step summary, the SARIF file and the outputs.
import { escapeCommandValue } from "../core/github-actions.js";
import { execFileSync } from "node:child_process";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { appendActionsFile } from "../contracts/github-output.js";
import { isAbsolute, join } from "node:path";
import { describeError, exitCodeOf, UsageError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { registerSecret, scrub } from "../core/redact.js";
import { applyBaseline, readBaseline } from "./baseline.js";
import { failsScan, secretForms, type Finding } from "./finding.js";
import type { GitSelection } from "./git.js";
import { checkJanitorUrl, postLiveFindings, WEBHOOK_SECRET_ENV } from "./janitor.js";
import { describeFinding, renderSarif, summaryLine } from "./report.js";
import { runScan } from "./scan.js";
import { verifyFindings } from "./verify.js";

declare const __KEYWARD_VERSION__: string | undefined;
const VERSION = typeof __KEYWARD_VERSION__ === "string" ? __KEYWARD_VERSION__ : "dev";
const ZERO_SHA = /^0+$/;

export interface ActionIo {
  /** Raw stdout: only for workflow commands whose value must not be scrubbed (add-mask). */
  raw(text: string): void;
  /** Scrubbed stdout. */
  log(text: string): void;
}

/** A command property value also escapes `:` and `,`. */
export function escapeProperty(value: string): string {
  return escapeCommandValue(value).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/** The `::add-mask::` lines for a set of findings: each form, and each line of a multi-line form. */
export function maskCommands(findings: Finding[]): string[] {
  const values = new Set<string>();
  for (const f of findings) for (const form of secretForms(f)) for (const part of [form, ...form.split(/\r?\n/)]) if (part) values.add(part);
  return [...values].map((v) => `::add-mask::${escapeCommandValue(v)}\n`);
}

export function annotation(f: Finding): string {
  const kind = f.baseline === "baselined" || f.example ? "notice" : "error";
  const props = [`file=${escapeProperty(f.path)}`, `line=${f.line}`, `col=${f.column}`, `title=${escapeProperty(`keyward: ${f.ruleId}`)}`].join(",");
  const where = f.commit ? ` in commit ${f.commit.slice(0, 12)}` : "";
  return `::${kind} ${props}::${escapeCommandValue(`${describeFinding(f)}${where}. Rotate it (keyward rotate) and remove it from the code.`)}\n`;
}

export function stepSummary(findings: Finding[], summary: string): string {
  const rows = findings.map(
    (f) =>
      `| \`${f.path}:${f.line}\` | ${f.ruleId}${f.example ? " (example)" : ""} | \`${f.secretPrefix}\` | \`${f.fingerprint}\` | ${f.clientId ?? ""} | ${f.commit ? `\`${f.commit.slice(0, 12)}\`` : ""} | ${f.verdict} | ${f.baseline} |`,
  );
  const table =
    findings.length === 0
      ? "No Genesys Cloud credential found.\n"
      : ["| location | rule | secret | fingerprint | client id | commit | verdict | baseline |", "|---|---|---|---|---|---|---|---|", ...rows].join("\n") + "\n";
  return `## keyward scan\n\n${summary}\n\n${table}`;
}

interface PushEvent {
  before?: string;
  after?: string;
  commits?: Array<{ id: string }>;
}
interface PullRequestEvent {
  pull_request?: { base?: { sha?: string }; head?: { sha?: string }; commits?: number };
}

/** What to scan for an event: the push range, the pull request's commits, or (other events) the work tree. */
export function selectionFor(eventName: string | undefined, event: unknown): { selection: GitSelection | undefined; fetch: string[]; depth: number } {
  if (eventName === "push") {
    const e = event as PushEvent;
    if (e.after && !ZERO_SHA.test(e.after)) {
      if (e.before && !ZERO_SHA.test(e.before))
        return { selection: { kind: "range", range: `${e.before}..${e.after}` }, fetch: [e.before, e.after], depth: (e.commits?.length ?? 0) + 1 };
      const commits = (e.commits ?? []).map((c) => c.id).filter(Boolean);
      return { selection: { kind: "commits", commits: commits.length ? commits : [e.after] }, fetch: commits.length ? commits : [e.after], depth: 1 };
    }
    return { selection: undefined, fetch: [], depth: 0 };
  }
  if (eventName === "pull_request" || eventName === "pull_request_target") {
    const pr = (event as PullRequestEvent).pull_request;
    if (pr?.base?.sha && pr.head?.sha)
      return { selection: { kind: "range", range: `${pr.base.sha}..${pr.head.sha}` }, fetch: [pr.base.sha, pr.head.sha], depth: (pr.commits ?? 50) + 1 };
  }
  return { selection: undefined, fetch: [], depth: 0 };
}

/** Makes sure the commits to scan are here (checkout@v4 fetches one commit by default). Best effort. */
function ensureHistory(repo: string, shas: string[], depth: number, io: ActionIo): void {
  const missing = shas.filter((sha) => {
    try {
      execFileSync("git", ["cat-file", "-e", `${sha}^{commit}`], { cwd: repo, stdio: "ignore" });
      return false;
    } catch {
      return true;
    }
  });
  let shallow = false;
  try {
    shallow = execFileSync("git", ["rev-parse", "--is-shallow-repository"], { cwd: repo, encoding: "utf8" }).trim() === "true";
  } catch {
    return;
  }
  if (missing.length === 0 && !shallow) return;
  io.log(`keyward: fetching ${missing.length ? missing.length + " missing commit(s)" : "more history"} (depth ${depth})\n`);
  try {
    execFileSync("git", ["fetch", "--no-tags", "--quiet", `--depth=${Math.max(depth, 2)}`, "origin", ...shas], { cwd: repo, stdio: "ignore" });
  } catch {
    io.log("keyward: git fetch failed; scanning what is here (use actions/checkout with fetch-depth: 0)\n");
  }
}

function input(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[`INPUT_${name.toUpperCase()}`] ?? env[`INPUT_${name.toUpperCase().replace(/-/g, "_")}`];
  return value?.trim() ? value.trim() : undefined;
}

/**
 * A boolean input, read as `@actions/core`'s getBooleanInput reads one (YAML 1.2 core schema): exactly true, True,
 * TRUE, false, False or FALSE. Anything else (`yes`, `1`, `on`) is an error, not a silent false.
 */
export function boolInput(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const value = input(env, name);
  if (value === undefined) return fallback;
  if (["true", "True", "TRUE"].includes(value)) return true;
  if (["false", "False", "FALSE"].includes(value)) return false;
  throw new UsageError(`input ${name}: "${value.slice(0, 40)}" is not a boolean (YAML 1.2 core schema)`, {
    hint: `set ${name} to true or false (also accepted: True, TRUE, False, FALSE)`,
  });
}

function setOutput(env: NodeJS.ProcessEnv, name: string, value: string): void {
  if (!env.GITHUB_OUTPUT) return;
  appendActionsFile(env.GITHUB_OUTPUT, name, value);
}

export async function runAction(env: NodeJS.ProcessEnv, io: ActionIo): Promise<number> {
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  const webhookSecret = input(env, "webhook-secret") ?? env[WEBHOOK_SECRET_ENV];
  if (webhookSecret) {
    io.raw(`::add-mask::${escapeCommandValue(webhookSecret)}\n`);
    registerSecret(webhookSecret);
  }
  const event = env.GITHUB_EVENT_PATH && existsSync(env.GITHUB_EVENT_PATH) ? (JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, "utf8")) as unknown) : {};
  const { selection, fetch, depth } = selectionFor(env.GITHUB_EVENT_NAME, event);
  const janitorInput = input(env, "janitor-url");
  const janitorUrl = janitorInput ? checkJanitorUrl(janitorInput) : undefined;
  const verify = boolInput(env, "verify", false) || janitorUrl !== undefined;
  const failOnFindings = boolInput(env, "fail-on-findings", true);
  const sarifInput = input(env, "sarif-file") ?? "keyward.sarif";
  const sarifPath = isAbsolute(sarifInput) ? sarifInput : join(workspace, sarifInput);
  const baselineInput = input(env, "baseline");

  if (selection) ensureHistory(workspace, fetch, depth, io);
  io.log(
    `keyward: scanning ${selection?.kind === "range" ? `commits ${selection.range}` : selection?.kind === "commits" ? `${selection.commits.length} pushed commit(s)` : "the work tree"}\n`,
  );
  const outcome = await runScan({
    cwd: workspace,
    paths: selection ? [workspace] : ["."],
    git: selection,
    jobs: 1,
    onWarning: (message) => io.log(`::warning::${escapeCommandValue(message)}\n`),
  });
  // Before any line that could show a finding: mask every form of every secret found.
  for (const line of maskCommands(outcome.findings)) io.raw(line);

  if (baselineInput) applyBaseline(outcome.findings, await readBaseline(isAbsolute(baselineInput) ? baselineInput : join(workspace, baselineInput)));
  if (verify) await verifyFindings(outcome.findings, env);

  for (const f of outcome.findings) io.log(annotation(f));
  const summary = summaryLine(outcome.findings, outcome.stats);
  io.log(`${summary}\n`);
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, scrub(stepSummary(outcome.findings, summary)), "utf8");
  writeFileSync(sarifPath, scrub(renderSarif(outcome.findings, VERSION)), "utf8");
  const fresh = outcome.findings.filter(failsScan);
  setOutput(env, "findings", String(outcome.findings.length));
  setOutput(env, "new-findings", String(fresh.length));
  setOutput(env, "sarif-file", sarifPath);

  let exit = 0;
  if (janitorUrl) {
    const secret = webhookSecret;
    if (!secret) {
      io.log(`::error::keyward: janitor-url needs the webhook-secret input (or ${WEBHOOK_SECRET_ENV})\n`);
      return 2;
    }
    const sent = await postLiveFindings(outcome.findings, { url: janitorUrl, webhookSecret: secret, repository: env.GITHUB_REPOSITORY ?? null });
    io.log(`keyward: posted ${sent} live finding(s) to the janitor\n`);
  }
  if (fresh.length > 0 && failOnFindings) {
    io.log(`::error::keyward found ${fresh.length} Genesys Cloud credential${fresh.length === 1 ? "" : "s"}\n`);
    exit = 1;
  } else if (outcome.stats.incomplete && failOnFindings) {
    io.log(`::error::keyward could not read part of the history (see the warnings): the scan is incomplete\n`);
    exit = ExitCode.Incomplete;
  }
  return exit;
}

/** Entry point of the bundle. */
export async function main(): Promise<void> {
  const io: ActionIo = { raw: (t) => void process.stdout.write(t), log: (t) => void process.stdout.write(scrub(t)) };
  try {
    process.exitCode = await runAction(process.env, io);
  } catch (err) {
    io.log(`::error::${escapeCommandValue(`keyward: ${describeError(err)}`)}\n`);
    process.exitCode = Math.max(2, exitCodeOf(err));
  }
}
