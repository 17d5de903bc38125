import { RateGate } from "../../src/genesys/index.js";
import { createFakeClock, flush } from "./helpers/fake-clock.js";

function headers(values: Record<string, string>): Headers {
  return new Headers(values);
}

describe("the rate gate", () => {
  it("lets requests through at once while it is open", async () => {
    const clock = createFakeClock();
    const gate = new RateGate(clock);
    await gate.acquire();
    expect(clock.sleeps).toEqual([]);
  });

  it("holds every caller, not only the one that got the 429, until the pause ends", async () => {
    const clock = createFakeClock();
    const gate = new RateGate(clock);
    gate.pauseUntil(clock.now() + 5000);
    const passed: number[] = [];
    const callers = [1, 2, 3].map((n) => gate.acquire().then(() => passed.push(n)));
    await flush();
    expect(passed).toEqual([]);
    await clock.advance(4999);
    expect(passed).toEqual([]);
    await clock.advance(1);
    await Promise.all(callers);
    expect(passed.sort()).toEqual([1, 2, 3]);
  });

  it("makes waiting callers wait longer when the pause is extended meanwhile", async () => {
    const clock = createFakeClock();
    const gate = new RateGate(clock);
    gate.pauseUntil(clock.now() + 1000);
    let passed = false;
    const caller = gate.acquire().then(() => (passed = true));
    await flush();
    gate.pauseUntil(clock.now() + 3000);
    await clock.advance(1000);
    expect(passed).toBe(false);
    await clock.advance(2000);
    await caller;
    expect(passed).toBe(true);
  });

  it("never shortens a longer pause", () => {
    const clock = createFakeClock();
    const gate = new RateGate(clock);
    gate.pauseUntil(clock.now() + 10_000);
    gate.pauseUntil(clock.now() + 1_000);
    expect(gate.pausedUntil).toBe(clock.now() + 10_000);
  });

  it("ignores a pause that is not a number", () => {
    const gate = new RateGate();
    gate.pauseUntil(Number.NaN);
    expect(gate.pausedUntil).toBe(0);
  });

  it("holds new requests until the reset when inin-ratelimit-count reaches the allowed count", async () => {
    const clock = createFakeClock();
    const gate = new RateGate(clock);
    const paused = gate.observe(headers({ "inin-ratelimit-count": "180", "inin-ratelimit-allowed": "180", "inin-ratelimit-reset": "41" }));
    expect(paused).toBe(true);
    expect(gate.pausedUntil).toBe(clock.now() + 41_000);
    let passed = false;
    const caller = gate.acquire().then(() => (passed = true));
    await clock.advance(40_999);
    expect(passed).toBe(false);
    await clock.advance(1);
    await caller;
    expect(passed).toBe(true);
  });

  it("caps a pause from a hostile reset header at one minute, so a run can never stall on it", async () => {
    const clock = createFakeClock();
    const gate = new RateGate(clock);
    expect(gate.observe(headers({ "inin-ratelimit-count": "1", "inin-ratelimit-allowed": "1", "inin-ratelimit-reset": "100000000" }))).toBe(true);
    expect(gate.pausedUntil).toBe(clock.now() + 60_000);
    gate.pauseUntil(clock.now() + 10 ** 12);
    expect(gate.pausedUntil).toBe(clock.now() + 60_000);
    let passed = false;
    const caller = gate.acquire().then(() => (passed = true));
    await clock.advance(60_000);
    await caller;
    expect(passed).toBe(true);
  });

  it("tells its listeners when it closes, and why", () => {
    const clock = createFakeClock();
    const gate = new RateGate(clock);
    const seen: Array<[number, string]> = [];
    const stop = gate.onPause((until, reason) => seen.push([until - clock.now(), reason]));
    gate.pauseUntil(clock.now() + 5_000);
    gate.pauseUntil(clock.now() + 1_000);
    stop();
    gate.pauseUntil(clock.now() + 9_000);
    expect(seen).toEqual([[5_000, "429"]]);
  });

  it("announces one pause once, though every request in flight got its own 429 a few ms apart", () => {
    const clock = createFakeClock();
    const gate = new RateGate(clock);
    const seen: number[] = [];
    gate.onPause((until) => seen.push(until - clock.now()));
    // Eight workers in flight when the window filled: eight 429s with Retry-After 1, each a few ms later.
    for (let i = 0; i < 8; i++) {
      gate.pauseUntil(clock.now() + 1_000);
      clock.advance(3);
    }
    expect(seen).toEqual([1_000]);
    expect(gate.pausedUntil).toBe(clock.now() - 3 + 1_000);
    // A pause pushed a second or more further is news; so is the next pause once this one is over.
    gate.pauseUntil(clock.now() + 3_000);
    clock.advance(5_000);
    gate.pauseUntil(clock.now() + 1_000);
    expect(seen).toHaveLength(3);
  });

  it.each([
    ["the count is below the allowed count", { "inin-ratelimit-count": "1", "inin-ratelimit-allowed": "180", "inin-ratelimit-reset": "61" }],
    ["a header is missing", { "inin-ratelimit-count": "180", "inin-ratelimit-allowed": "180" }],
    ["a header is not a number", { "inin-ratelimit-count": "many", "inin-ratelimit-allowed": "180", "inin-ratelimit-reset": "61" }],
    ["the reset is zero", { "inin-ratelimit-count": "180", "inin-ratelimit-allowed": "180", "inin-ratelimit-reset": "0" }],
    ["no rate-limit headers are sent", {}],
  ])("stays open when %s", (_case, values) => {
    const gate = new RateGate(createFakeClock());
    expect(gate.observe(headers(values))).toBe(false);
    expect(gate.pausedUntil).toBe(0);
  });
});
