import { UsageError } from "../core/errors.js";
import { exitCodeOfOutcome, type ExitCode, type Outcome } from "../core/exit-codes.js";
import { SecretsError } from "../secrets/index.js";
import { rotateClient, type RotateOptions, type RotationDeps, type RotationResult, type RotationTarget } from "./rotate-client.js";

export interface FleetOptions extends RotateOptions {
  /** Rotations in flight at once. They share one admin token and one rate gate (wired into `deps`). */
  concurrency?: number;
  onResult?: (result: RotationResult, done: number, total: number) => void;
}

export interface FleetReport {
  results: RotationResult[];
  ok: number;
  failed: number;
  skipped: number;
  /** The most serious result ({@link fleetOutcome}); `exitCode` is looked up from it. */
  outcome: Outcome;
  exitCode: ExitCode;
  totalMs: number;
}

/** A manifest entry with its identities resolved: the client's id and the secret's ARN (or its name when it does not exist yet). */
export interface ResolvedTarget {
  index: number;
  clientId: string | undefined;
  /** The alternating pair's standby client, when the entry names one. */
  standbyClientId?: string | undefined;
  secretKey: string;
}

/**
 * Finds the manifest entries that name one client twice (by id and by name) or one secret twice (by name and by
 * ARN), on resolved identities, before anything changes. Entries whose name or secret does not resolve are left
 * for their own rotation to fail on. Pure.
 */
export function findDuplicates(targets: RotationTarget[], resolved: ResolvedTarget[]): string[] {
  const problems: string[] = [];
  const byClient = new Map<string, number>();
  const bySecret = new Map<string, number>();
  for (const r of resolved) {
    const label = (i: number) => `entry ${i + 1} (${describeTarget(targets[i]!)})`;
    for (const id of [r.clientId, r.standbyClientId]) {
      if (id === undefined) continue;
      const key = id.toLowerCase();
      const first = byClient.get(key);
      if (first !== undefined) problems.push(`${label(r.index)} and ${label(first)} are the same client ${id}`);
      else byClient.set(key, r.index);
    }
    const first = bySecret.get(r.secretKey);
    if (first !== undefined) problems.push(`${label(r.index)} and ${label(first)} write the same secret ${r.secretKey}`);
    else bySecret.set(r.secretKey, r.index);
  }
  return problems;
}

function describeTarget(t: RotationTarget): string {
  return `${t.clientId ? `clientId ${t.clientId}` : `clientName "${t.clientName}"`} -> ${t.secretId}`;
}

/** Resolves names to ids and secret ids to ARNs (read-only calls). */
export async function resolveTargets(targets: RotationTarget[], deps: RotationDeps): Promise<ResolvedTarget[]> {
  const needNames = targets.some((t) => !t.clientId);
  const clients = needNames ? await deps.genesys.listClients() : [];
  const out: ResolvedTarget[] = [];
  for (const [index, t] of targets.entries()) {
    let clientId = t.clientId;
    if (!clientId) {
      const matches = clients.filter((c) => c.name === t.clientName && c.state !== "deleted");
      if (matches.length === 1) clientId = matches[0]!.id;
    }
    let secretKey = t.secretId;
    try {
      secretKey = (await deps.store.describe(t.secretId)).arn;
    } catch (err) {
      if (!(err instanceof SecretsError && err.reason === "secret-not-found")) throw err;
    }
    out.push({ index, clientId, ...(t.standbyClientId ? { standbyClientId: t.standbyClientId } : {}), secretKey });
  }
  return out;
}

/**
 * Rotates every target with a bounded pool of workers; a failed client never stops the others.
 * Before anything changes, every entry's identities are resolved: the same client or secret listed twice, or the
 * admin client without `rotateSelf`, is a UsageError (exit 2). With `rotateSelf`, the admin client goes last,
 * after every other rotation has finished (it invalidates the credentials they run with).
 * Results come back in manifest order. Exit code: the most serious of the results (3, 4, 5 before 1), 6 when a
 * stop request skipped clients and everything else succeeded, 0 when every client succeeded.
 */
export async function rotateFleet(targets: RotationTarget[], deps: RotationDeps, options: FleetOptions = {}): Promise<FleetReport> {
  const started = performance.now();
  const resolved = await resolveTargets(targets, deps);
  const problems = findDuplicates(targets, resolved);
  if (problems.length > 0) {
    throw new UsageError(`manifest: one client, one secret:\n  ${problems.join("\n  ")}`, {
      reason: "manifest-duplicates",
      hint: "list every client once, each with its own secret (names and ids are compared after resolving them; so are secret names and ARNs)",
    });
  }
  const admin = deps.genesys.adminClientId.toLowerCase();
  const selfIndex = resolved.find((r) => [r.clientId, r.standbyClientId].some((id) => id !== undefined && id.toLowerCase() === admin))?.index;
  if (selfIndex !== undefined && !options.rotateSelf) {
    throw new UsageError(`manifest: entry ${selfIndex + 1} is the admin client this run authenticates as (${deps.genesys.adminClientId})`, {
      reason: "rotates-admin-client",
      hint: "remove it (rotate it with another admin client), or pass --rotate-self: it is then rotated last and its new secret lives only in its entry's secret",
    });
  }
  const order = targets.map((_, i) => i).filter((i) => i !== selfIndex);
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 4, Math.max(order.length, 1)));
  const results: RotationResult[] = new Array(targets.length);
  let next = 0;
  let done = 0;
  const runOne = async (index: number) => {
    const result = await rotateClient(targets[index]!, deps, options);
    results[index] = result;
    done++;
    options.onResult?.(result, done, targets.length);
  };
  const worker = async () => {
    while (next < order.length) await runOne(order[next++]!);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (selfIndex !== undefined) await runOne(selfIndex);
  return summarize(results, Math.round(performance.now() - started));
}

export function summarize(results: RotationResult[], totalMs: number): FleetReport {
  const ok = results.filter((r) => r.status === "rotated" || r.status === "dry-run").length;
  const skipped = results.filter((r) => r.status === "skipped").length;
  const failed = results.length - ok - skipped;
  const outcome = fleetOutcome(results);
  return { results, ok, failed, skipped, outcome, exitCode: exitCodeOfOutcome(outcome), totalMs };
}

/** Most serious first. A secret nobody holds (not-stored) outranks everything. */
const SEVERITY: readonly Outcome[] = ["not-stored", "conflict", "not-verified", "misconfigured", "failed", "refused", "out-of-time", "interrupted"];

/**
 * The fleet's outcome is its most serious result's: not-stored, then conflict, not-verified, misconfigured (only
 * for admin-credential problems, which concern the whole run; a bad entry counts as failed), failed; then
 * out-of-time (skipped for lack of time: failed) and interrupted (skipped by a signal); rotated when all succeeded.
 */
export function fleetOutcome(results: RotationResult[]): Outcome {
  const adminProblem = results.some((r) => r.outcome === "misconfigured" && r.reason?.startsWith("admin-"));
  for (const outcome of SEVERITY) {
    if (!results.some((r) => r.outcome === outcome)) continue;
    if (outcome === "misconfigured" && !adminProblem) return "failed";
    if (outcome === "refused" || outcome === "out-of-time") return "failed";
    return outcome;
  }
  return results.length > 0 && results.every((r) => r.outcome === "dry-run") ? "dry-run" : "rotated";
}

/** The fleet's exit code (README "Exit codes"), from {@link fleetOutcome}. */
export function fleetExitCode(results: RotationResult[]): ExitCode {
  return exitCodeOfOutcome(fleetOutcome(results));
}
