import { type SecretsManagerError, serviceUnavailable, throttling } from "./errors.js";
import type { SecretsManagerFaults } from "./types.js";

/** A SecretsManagerFaults value that doesn't have the documented shape. */
export class FaultSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FaultSettingsError";
  }
}

/** What the plan decided for one request. */
export interface FaultDecision {
  latencyMs: number;
  error?: SecretsManagerError;
  /** Handle the request, then destroy the connection instead of answering. */
  dropAnswer?: boolean;
}

/** Remaining budget of one fault kind: `Infinity` for `true`, 0 for off. */
type Budget = number;

/**
 * Applies `SecretsManagerFaults` to requests: latency, then `unavailable`, then `throttle`, each within its budget;
 * `dropAnswer` lets the request through and loses its answer.
 */
export class FaultPlan {
  private unavailable: Budget = 0;
  private throttle: Budget = 0;
  private dropAnswer: Budget = 0;
  private latencyMs = 0;
  private operations: string[] | undefined;
  readonly counters = { unavailable: 0, throttle: 0, latency: 0, dropped: 0 };

  set(faults: SecretsManagerFaults): void {
    const parsed = parseFaults(faults);
    this.unavailable = parsed.unavailable;
    this.throttle = parsed.throttle;
    this.dropAnswer = parsed.dropAnswer;
    this.latencyMs = parsed.latencyMs;
    this.operations = parsed.operations;
  }

  clear(): void {
    this.unavailable = 0;
    this.throttle = 0;
    this.dropAnswer = 0;
    this.latencyMs = 0;
    this.operations = undefined;
  }

  resetCounters(): void {
    this.counters.unavailable = 0;
    this.counters.throttle = 0;
    this.counters.latency = 0;
    this.counters.dropped = 0;
  }

  /** The settings still in force, with `times` showing what is left. */
  current(): SecretsManagerFaults {
    const show = (budget: Budget) => (budget === Infinity ? true : { times: budget });
    return {
      ...(this.unavailable ? { unavailable: show(this.unavailable) } : {}),
      ...(this.throttle ? { throttle: show(this.throttle) } : {}),
      ...(this.dropAnswer ? { dropAnswer: show(this.dropAnswer) } : {}),
      ...(this.latencyMs ? { latencyMs: this.latencyMs } : {}),
      ...(this.operations ? { operations: [...this.operations] } : {}),
    };
  }

  /** Decides for one request to `operation`, using up one unit of whichever budget applies. */
  next(operation: string): FaultDecision {
    if (this.operations && !this.operations.includes(operation)) return { latencyMs: 0 };
    if (this.latencyMs) this.counters.latency++;
    if (this.unavailable > 0) {
      this.unavailable--;
      this.counters.unavailable++;
      return { latencyMs: this.latencyMs, error: serviceUnavailable() };
    }
    if (this.throttle > 0) {
      this.throttle--;
      this.counters.throttle++;
      return { latencyMs: this.latencyMs, error: throttling() };
    }
    if (this.dropAnswer > 0) {
      this.dropAnswer--;
      this.counters.dropped++;
      return { latencyMs: this.latencyMs, dropAnswer: true };
    }
    return { latencyMs: this.latencyMs };
  }
}

function parseFaults(value: unknown): { unavailable: Budget; throttle: Budget; dropAnswer: Budget; latencyMs: number; operations: string[] | undefined } {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new FaultSettingsError("faults must be an object");
  const f = value as Record<string, unknown>;
  const known = new Set(["unavailable", "throttle", "dropAnswer", "latencyMs", "operations"]);
  const unknown = Object.keys(f).filter((key) => !known.has(key));
  if (unknown.length) throw new FaultSettingsError(`unknown fault setting(s): ${unknown.join(", ")}`);
  const latencyMs = f.latencyMs ?? 0;
  if (typeof latencyMs !== "number" || !Number.isFinite(latencyMs) || latencyMs < 0) throw new FaultSettingsError("latencyMs must be a number >= 0");
  let operations: string[] | undefined;
  if (f.operations !== undefined) {
    if (!Array.isArray(f.operations) || f.operations.some((op) => typeof op !== "string")) {
      throw new FaultSettingsError("operations must be a list of operation names");
    }
    operations = [...(f.operations as string[])];
  }
  return { unavailable: budget("unavailable", f.unavailable), throttle: budget("throttle", f.throttle), dropAnswer: budget("dropAnswer", f.dropAnswer), latencyMs, operations };
}

function budget(name: string, value: unknown): Budget {
  if (value === undefined || value === false) return 0;
  if (value === true) return Infinity;
  const times = (value as { times?: unknown } | null)?.times;
  if (typeof times === "number" && Number.isInteger(times) && times >= 0) return times;
  throw new FaultSettingsError(`${name} must be true, false or { times: <integer >= 0> }`);
}
