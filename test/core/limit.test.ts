import { createLimiter } from "../../src/core/limit.js";

describe("createLimiter", () => {
  it("never runs more than n tasks at once and starts the waiting ones in order, a caller arriving later behind them", async () => {
    const limit = createLimiter(2);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const gates = new Map<number, () => void>();
    const task = (id: number) =>
      limit(async () => {
        running++;
        most = Math.max(most, running);
        order.push(id);
        await new Promise<void>((resolve) => gates.set(id, resolve));
        running--;
      });
    const done = [task(1), task(2), task(3), task(4)];
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual([1, 2]);
    // Task 1 ends and a fifth caller arrives in the same turn: task 3, which waited, goes first.
    gates.get(1)!();
    done.push(task(5));
    await new Promise((r) => setImmediate(r));
    expect(most).toBe(2);
    expect(order).toEqual([1, 2, 3]);
    for (const id of [2, 3, 4, 5]) {
      await new Promise((r) => setImmediate(r));
      gates.get(id)?.();
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(done);
    expect(most).toBe(2);
    expect(order).toEqual([1, 2, 3, 4, 5]);
  });

  it("a task that throws frees its slot", async () => {
    const limit = createLimiter(1);
    await expect(limit(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(limit(async () => "next")).resolves.toBe("next");
  });
});
