import type { AuditStepTimings } from "../../audit/index.js";
import type { Logger } from "../../core/log.js";
import type { GitHubClient } from "../../github/index.js";
import type { SlackClient } from "../../slack/index.js";
import type { Verdict } from "../decide.js";
import type { ProcessorDeps } from "../processor.js";
import type { WorkItem } from "../work-item.js";
import type { Verifier } from "./verify.js";

/** What every step of one delivery shares: the item, the dependencies, its logger, its error slugs and timings. */
export interface DeliveryContext {
  item: WorkItem;
  deps: ProcessorDeps;
  log: Logger;
  /** Step-prefixed reason slugs (`fetch:locations-github-not-found`); never text built from input. */
  errors: string[];
  timings: AuditStepTimings;
  sleep(ms: number): Promise<void>;
  now(): number;
  /** Epoch ms by which the delivery's work must be over (rate-limit waits past it are retried later instead). */
  deadlineMs: number;
  /** 1 for the first try. */
  attempt: number;
  /** No try follows this one: what is not settled now goes to a human. */
  lastAttempt: boolean;
  /** GitHub and Slack, their rate-limit waits bounded by the deadline. */
  github?: GitHubClient;
  slack?: SlackClient;
  /** Token-grant verdict for a pair (bounded retries, the replay cache, the token revoked off the critical path). */
  check(clientId: string, secret: string): Promise<Verdict>;
  /** The replay cache behind `check` (a containment records the leaked pair dead). */
  verdicts: import("../verdict-cache.js").VerdictCache;
  /** Step 2's seam (src/janitor/steps/verify.ts). */
  verifier: Verifier;
  /** Work started on the way (token revocations, look-ups) that the delivery waits for before it ends. */
  later(task: Promise<unknown>): void;
}

/** Runs `run` and adds its wall time to `timings[key]`. */
export async function timed<T>(ctx: DeliveryContext, key: Exclude<keyof AuditStepTimings, "totalMs">, run: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await run();
  } finally {
    ctx.timings[key] += Math.round(performance.now() - t0);
  }
}

/** The reason slug of anything thrown (a KeywardError's `reason`, else `error`). */
export function reasonOf(err: unknown): string {
  return typeof err === "object" && err !== null && typeof (err as { reason?: unknown }).reason === "string" ? (err as { reason: string }).reason : "error";
}
