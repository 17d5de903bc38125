import type { Logger } from "../core/log.js";
import type { WorkItem } from "./work-item.js";

/** SQS FIFO's deduplication window. */
export const DEDUPE_WINDOW_MS = 5 * 60_000;

export interface InProcessQueueOptions {
  process(item: WorkItem): Promise<unknown>;
  logger: Logger;
  /** Epoch ms; a test moves it by hand ("an hour later"). */
  now?: () => number;
  dedupeWindowMs?: number;
}

/**
 * The local twin of the SQS FIFO queue: deduplication on the delivery id within the same 5-minute window, and
 * strict ordering per group (repository + alert number): one item of a group at a time, in arrival order; groups
 * run concurrently. Processing is asynchronous: `enqueue` resolves once the item is queued.
 */
export class InProcessQueue {
  private readonly seen = new Map<string, number>();
  private readonly tails = new Map<string, Promise<void>>();
  private readonly now: () => number;
  private readonly windowMs: number;

  constructor(private readonly options: InProcessQueueOptions) {
    this.now = options.now ?? Date.now;
    this.windowMs = options.dedupeWindowMs ?? DEDUPE_WINDOW_MS;
  }

  enqueue = async (item: WorkItem, groupId: string): Promise<"queued" | "duplicate"> => {
    const now = this.now();
    for (const [id, at] of this.seen) if (now - at >= this.windowMs) this.seen.delete(id);
    if (this.seen.has(item.deliveryId)) return "duplicate";
    this.seen.set(item.deliveryId, now);
    const previous = this.tails.get(groupId) ?? Promise.resolve();
    const next = previous.then(async () => {
      try {
        await this.options.process(item);
      } catch (err) {
        this.options.logger.error("processing failed", { deliveryId: item.deliveryId, error: err instanceof Error ? err.name : "error" });
      }
    });
    this.tails.set(groupId, next);
    void next.then(() => {
      if (this.tails.get(groupId) === next) this.tails.delete(groupId);
    });
    return "queued";
  };

  /** Resolves when every queued item has been processed (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }
}
