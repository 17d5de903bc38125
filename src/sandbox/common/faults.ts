import type { IncomingMessage, ServerResponse } from "node:http";
import { sleep } from "./http.js";

/**
 * A fault applied to matching requests. `route` matches the emulator's route key: for the Genesys emulator
 * `"<METHOD> <path template>"` such as `"POST /api/v2/oauth/clients/{clientId}/secret"` or `"POST /oauth/token"`;
 * for the Secrets Manager emulator the operation name such as `"PutSecretValue"`. `*` in `route` matches any
 * run of characters; an absent route matches everything.
 */
export interface FaultRule {
  route?: string;
  /** Added before the request is handled (or before the injected error). */
  latencyMs?: number;
  /** Probability 0..1 of answering with `errorStatus` instead of handling. */
  errorRate?: number;
  /** Status for injected errors; the emulator renders its own error body for it. Default 503. */
  errorStatus?: number;
  /** `Retry-After` (seconds) of an injected 429 (Genesys API routes; default 1). */
  retryAfterSeconds?: number;
  /**
   * The error's type for emulators whose bodies name one (Secrets Manager's `__type`, e.g. `KMSAccessDeniedException`
   * or `DecryptionFailure`), with `errorMessage` as its message; default: the type the emulator picks for the status.
   */
  errorType?: string;
  errorMessage?: string;
  /** Probability 0..1 of destroying the connection without a response (ECONNRESET at the client). */
  resetRate?: number;
  /** Never answer; the socket stays open until the client gives up or the emulator closes. */
  hang?: boolean;
  /** Apply to the next N matching requests only, then expire. Absent = until cleared. */
  times?: number;
  /** Let the first N matching requests through untouched before the rule applies (e.g. fail the second write). */
  skip?: number;
}

export type FaultOutcome = { kind: "continue" } | { kind: "error"; status: number; retryAfterSeconds?: number; type?: string; message?: string } | { kind: "handled" };

export class FaultInjector {
  private rules: Array<FaultRule & { matcher: RegExp }> = [];
  /** How many requests each fault kind affected, for tests and `state`. */
  readonly counters = { latency: 0, error: 0, reset: 0, hang: 0 };

  constructor(private readonly random: () => number = Math.random) {}

  set(rules: FaultRule[]): void {
    this.rules = rules.map((rule) => ({ ...rule, matcher: compileRoute(rule.route) }));
  }

  add(rule: FaultRule): void {
    this.rules.push({ ...rule, matcher: compileRoute(rule.route) });
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultRule[] {
    return this.rules.map(({ matcher: _m, ...rule }) => rule);
  }

  /** Applies the first live rule that matches `routeKey`. */
  async apply(routeKey: string, req: IncomingMessage, _res: ServerResponse): Promise<FaultOutcome> {
    const index = this.rules.findIndex((r) => r.matcher.test(routeKey) && (r.times === undefined || r.times > 0));
    if (index < 0) return { kind: "continue" };
    const rule = this.rules[index]!;
    if (rule.skip) {
      rule.skip -= 1;
      return { kind: "continue" };
    }
    if (rule.times !== undefined) {
      rule.times -= 1;
      if (rule.times <= 0) this.rules.splice(index, 1);
    }
    if (rule.latencyMs) {
      this.counters.latency++;
      await sleep(rule.latencyMs);
    }
    if (rule.hang) {
      this.counters.hang++;
      return { kind: "handled" };
    }
    if (rule.resetRate && this.random() < rule.resetRate) {
      this.counters.reset++;
      req.socket.destroy();
      return { kind: "handled" };
    }
    if (rule.errorRate && this.random() < rule.errorRate) {
      this.counters.error++;
      return {
        kind: "error",
        status: rule.errorStatus ?? 503,
        ...(rule.retryAfterSeconds !== undefined ? { retryAfterSeconds: rule.retryAfterSeconds } : {}),
        ...(rule.errorType ? { type: rule.errorType } : {}),
        ...(rule.errorMessage ? { message: rule.errorMessage } : {}),
      };
    }
    return { kind: "continue" };
  }
}

function compileRoute(route: string | undefined): RegExp {
  if (!route) return /^/;
  const escaped = route.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`);
}
