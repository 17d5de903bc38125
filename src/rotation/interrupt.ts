/**
 * Critical sections of a run, and what a stop request (a signal, a Lambda deadline) means for them.
 *
 * Between a regenerate and a verified store, the only valid secret of a client lives in this process: stopping
 * there leaves a client whose secret nobody holds. So a rotation enters a critical section just before it
 * regenerates and leaves it once the new value is stored and verified (or the attempt has definitely failed).
 * A stop request while no section is open may end the process at once (nothing is lost); while one is open, the
 * section finishes (bounded by the rotation policy's own limits), and no new regenerate starts.
 *
 * No I/O here: `src/cli/signals.ts` connects it to process signals, the Lambda handler to its remaining time.
 */
export interface InFlight {
  clientId: string;
  secretId: string;
}

export type StopSignal = "SIGINT" | "SIGTERM" | "SIGHUP";

/** Why no new regenerate may start: a signal, or too little time left (the run's deadline, the invocation's time). */
export type StopReason =
  | { kind: "signal"; signal: StopSignal }
  | { kind: "deadline"; detail: string }
  /** The caller's go/no-go (`RotateOptions.proceed`) said no before the regenerate. */
  | { kind: "called-off"; detail: string };

export function describeStop(stop: StopReason): string {
  return stop.kind === "signal" ? `interrupted by ${stop.signal}` : stop.kind === "deadline" ? `deadline (${stop.detail})` : `called off (${stop.detail})`;
}

export interface RunGate {
  /** Why no new regenerate may start, or undefined while it may. */
  readonly stopReason: StopReason | undefined;
  /** Epoch ms after which no regenerate may start (the run's deadline less a critical section), if there is one. */
  readonly latestStartMs?: number | undefined;
  /** Enters a critical section; the returned function leaves it (idempotent). */
  enter(what: InFlight): () => void;
}

export class InterruptState implements RunGate {
  private readonly open = new Map<number, InFlight>();
  private nextId = 0;
  private idleWaiters: Array<() => void> = [];
  /** The first stop request, e.g. `SIGINT`. */
  signal: StopSignal | undefined;
  private readonly latestStart: (() => number) | undefined;
  private readonly deadlineDetail: string;
  private readonly now: () => number;

  /**
   * `latestStart`: epoch ms after which no regenerate may start (`detail` says why, e.g. the variable that set the
   * deadline); past it, `stopReason` is a deadline.
   */
  constructor(options: { latestStart?: () => number; detail?: string; now?: () => number } = {}) {
    this.latestStart = options.latestStart;
    this.deadlineDetail = options.detail ?? "deadline";
    this.now = options.now ?? Date.now;
  }

  get latestStartMs(): number | undefined {
    return this.latestStart?.();
  }

  get stopReason(): StopReason | undefined {
    if (this.signal) return { kind: "signal", signal: this.signal };
    const latest = this.latestStart?.();
    return latest !== undefined && this.now() > latest ? { kind: "deadline", detail: this.deadlineDetail } : undefined;
  }

  /** The rotations that regenerated and have not finished storing and verifying. */
  get inFlight(): InFlight[] {
    return [...this.open.values()];
  }

  enter(what: InFlight): () => void {
    const id = this.nextId++;
    this.open.set(id, what);
    return () => {
      if (!this.open.delete(id)) return;
      if (this.open.size === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of waiters) w();
      }
    };
  }

  /** Records a stop request. Returns what the caller should do: exit now, or let the sections finish. */
  request(signal: StopSignal): "exit-now" | "finish-in-flight" {
    this.signal ??= signal;
    return this.open.size === 0 ? "exit-now" : "finish-in-flight";
  }

  /** Resolves when no critical section is open. */
  idle(): Promise<void> {
    if (this.open.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
