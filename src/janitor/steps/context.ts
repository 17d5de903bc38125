import type { AuditStepTimings } from "../../audit/index.js";
import type { Logger } from "../../core/log.js";
import type { ProcessorDeps } from "../processor.js";
import type { WorkItem } from "../work-item.js";

/** What every step of one delivery shares: the item, the dependencies, its logger, its error slugs and timings. */
export interface DeliveryContext {
  item: WorkItem;
  deps: ProcessorDeps;
  log: Logger;
  /** Step-prefixed reason slugs (`fetch:locations-github-not-found`); never text built from input. */
  errors: string[];
  timings: AuditStepTimings;
  sleep(ms: number): Promise<void>;
  /** Token-grant verdict for a pair with the janitor's bounded retries. */
  check(clientId: string, secret: string): Promise<import("../decide.js").Verdict>;
  /** Step 2's seam (src/janitor/steps/verify.ts). */
  verifier: import("./verify.js").Verifier;
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
