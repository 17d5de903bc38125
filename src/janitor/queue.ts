import type { Logger } from "../core/log.js";
import type { ProcessOptions, ProcessResult } from "./processor.js";
import type { WorkItem } from "./work-item.js";

/** SQS FIFO's deduplication window. */
export const DEDUPE_WINDOW_MS = 5 * 60_000;

export interface InProcessQueueOptions {
  process(item: WorkItem, options: ProcessOptions): Promise<Pick<ProcessResult, "disposition"> | unknown>;
  logger: Logger;
  /** Epoch ms; a test moves it by hand ("an hour later"). */
  now?: () => number;
  dedupeWindowMs?: number;
  /** Deliveries processed at once (across groups). Default 4: intake is never starved by processing. */
  concurrency?: number;
  /** Tries of one delivery. Default 5. */
  maxAttempts?: number;
  /** Runs `run` after `ms` (a retry's wait); returns a cancel. Default: a timer. */
  schedule?: (ms: number, run: () => void) => () => void;
}

interface Delayed {
  item: WorkItem;
  groupId: string;
  attempt: number;
  cancel(): void;
}

/**
 * The local twin of the SQS FIFO queue: deduplication on the delivery id within the same 5-minute window, strict
 * ordering per group (repository + alert number: one item of a group at a time, in arrival order), at most
 * `concurrency` items at once, and retries: a try whose work is not done is run again after the wait it asked for
 * (its `disposition`), up to `maxAttempts` tries — never dropped. `drain()` (shutdown) runs every waiting retry at
 * once as its last try, so what is not settled reaches a human.
 */
export class InProcessQueue {
  private readonly seen = new Map<string, number>();
  private readonly tails = new Map<string, Promise<void>>();
  private readonly delayed = new Set<Delayed>();
  private readonly now: () => number;
  private readonly windowMs: number;
  private readonly maxAttempts: number;
  private readonly concurrency: number;
  private readonly schedule: (ms: number, run: () => void) => () => void;
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private draining = false;

  constructor(private readonly options: InProcessQueueOptions) {
    this.now = options.now ?? Date.now;
    this.windowMs = options.dedupeWindowMs ?? DEDUPE_WINDOW_MS;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.schedule =
      options.schedule ??
      ((ms, run) => {
        const t = setTimeout(run, ms);
        return () => clearTimeout(t);
      });
  }

  enqueue = async (item: WorkItem, groupId: string): Promise<"queued" | "duplicate"> => {
    const now = this.now();
    for (const [id, at] of this.seen) if (now - at >= this.windowMs) this.seen.delete(id);
    if (this.seen.has(item.deliveryId)) return "duplicate";
    this.seen.set(item.deliveryId, now);
    this.append(item, groupId, 1);
    return "queued";
  };

  /** Items queued, running or waiting for a retry. */
  get pending(): number {
    return this.tails.size + this.delayed.size;
  }

  private append(item: WorkItem, groupId: string, attempt: number): void {
    const previous = this.tails.get(groupId) ?? Promise.resolve();
    const next = previous.then(() => this.run(item, groupId, attempt));
    this.tails.set(groupId, next);
    void next.then(() => {
      if (this.tails.get(groupId) === next) this.tails.delete(groupId);
    });
  }

  private async run(item: WorkItem, groupId: string, attempt: number): Promise<void> {
    if (this.running >= this.concurrency) await new Promise<void>((r) => this.waiting.push(r));
    this.running++;
    let held = true;
    // The slot is for the critical part (up to containment); resolving, telling and auditing run beside the next leak.
    const release = () => {
      if (!held) return;
      held = false;
      this.running--;
      this.waiting.shift()?.();
    };
    const last = this.draining || attempt >= this.maxAttempts;
    try {
      const result = (await this.options.process(item, { attempt, maxAttempts: last ? attempt : this.maxAttempts, criticalDone: release })) as Partial<ProcessResult> | undefined;
      const d = result?.disposition;
      if (d?.kind === "retry" && !last) this.later(item, groupId, attempt + 1, d.afterMs);
    } catch (err) {
      this.options.logger.error("processing failed", { deliveryId: item.deliveryId, error: err instanceof Error ? err.name : "error" });
      if (!last) this.later(item, groupId, attempt + 1, 30_000);
    } finally {
      release();
    }
  }

  private later(item: WorkItem, groupId: string, attempt: number, afterMs: number): void {
    const entry: Delayed = { item, groupId, attempt, cancel: () => undefined };
    entry.cancel = this.schedule(afterMs, () => {
      if (!this.delayed.delete(entry)) return;
      this.append(item, groupId, attempt);
    });
    this.delayed.add(entry);
    this.options.logger.info("delivery will be retried", { deliveryId: item.deliveryId, attempt, inMs: afterMs });
  }

  /** Resolves when every queued item has been processed and no retry is waiting (tests). */
  async idle(): Promise<void> {
    for (;;) {
      while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
      if (this.delayed.size === 0) return;
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Shutdown: the waiting retries run now as last tries, then everything finishes. */
  async drain(): Promise<void> {
    this.draining = true;
    for (;;) {
      for (const d of [...this.delayed]) {
        this.delayed.delete(d);
        d.cancel();
        this.append(d.item, d.groupId, d.attempt);
      }
      while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
      if (this.delayed.size === 0) return;
    }
  }
}
