/**
 * `npm run bench [-- --json FILE] [--quick] [--only P1,P3]`: keyward's speed as ratios taken in one run against a floor or a peer,
 * never as pass/fail timings. Rows (ids P1…P5, several rows may share an id):
 *   P1 leak → contained: signed alert accepted → leaked secret refused, through the janitor's server, with a fixed
 *      round-trip latency on the Genesys emulator and the GitHub stand-in; p50/p99 and the sequential round trips
 *      on the critical path, against the floor (the minimum sequential calls × RTT).
 *   P2 fleet rotation under a per-token limit answered only with 429 + Retry-After: wall time ÷ the rate-limit
 *      floor, failures and lost secrets; the same fleet through an SDK-script peer.
 *   P3 scanner MB/s on a generated corpus with planted credentials, beside ripgrep (the seed's regex), gitleaks and
 *      TruffleHog (each given keyward's exported rule), with 1 and 2 threads; recall and precision of each; git-history
 *      scan against `git log -p -U0` itself. Its dense part (scripts/bench/p3-dense.ts): a ≥ 100 MB keyword-dense
 *      SDK-like corpus (every file names Genesys), keyward with 1 and 2 jobs against ripgrep with the seed's regex,
 *      gitleaks and TruffleHog with the exports, medians of runs taken in turn; the same tree as a git history.
 *   P4 cold start of three commands ÷ `node -e 0`.   P5 `cdktf synth` wall time and peak memory; `npm test` wall time.
 *   P6 `keyward audit-state` on a 10,000-resource state with 50 unpaired secrets against an org of 500 clients: wall
 *      time and token grants made, beside the fewest grants proving them dead takes.
 *   P7 consumer-visible refused grants per rotation, alternating clients (must be 0) vs a single client (the cutover).
 * Every figure is a median (samples given) or a count; machine details are in the JSON.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname } from "node:path";
import { args, notes, QUICK, round, rows, type BenchSection } from "./bench/common.js";
import { section as p1 } from "./bench/p1-janitor.js";
import { section as p2 } from "./bench/p2-fleet.js";
import { section as p3 } from "./bench/p3-scanner.js";
import { section as p3dense } from "./bench/p3-dense.js";
import { section as p4 } from "./bench/p4-cold-start.js";
import { section as p5 } from "./bench/p5-synth.js";
import { section as p6 } from "./bench/p6-audit-state.js";
import { section as p7 } from "./bench/p7-consumer.js";

/** Sections in the order they run; a new section is a file in scripts/bench/ and one entry here. */
const SECTIONS: BenchSection[] = [p4, p2, p1, p3, p3dense, p5, p6, p7];

const jsonFile = args.includes("--json") ? args[args.indexOf("--json") + 1] : undefined;
const only = args.includes("--only") ? new Set(args[args.indexOf("--only") + 1]!.split(",").map((s) => s.trim().toUpperCase())) : undefined;

process.stderr.write(`keyward bench${QUICK ? " (--quick)" : ""}${only ? ` (--only ${[...only].join(",")})` : ""}\n`);
for (const section of SECTIONS) {
  if (only && !only.has(section.id)) continue;
  process.stderr.write(`${section.id}: ${section.title}\n`);
  await section.run();
}

// ---- report --------------------------------------------------------------------------------------------------------
const machine = {
  node: process.version,
  platform: `${process.platform}/${process.arch}`,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? "?",
  memoryGiB: round(totalmem() / 1024 ** 3),
  date: new Date().toISOString(),
  quick: QUICK,
};
if (jsonFile) {
  mkdirSync(dirname(jsonFile), { recursive: true });
  writeFileSync(jsonFile, JSON.stringify({ machine, rows, notes }, null, 2) + "\n");
}
const table = [
  ["id", "measured", "value", "vs", "ratio", "samples"],
  ...rows.map((r) => [
    r.id,
    r.name,
    `${r.value} ${r.unit}`,
    r.baselineValue === null ? r.baseline : `${r.baseline} (${r.baselineValue})`,
    r.ratio === null ? "-" : `${r.ratio}x`,
    String(r.samples),
  ]),
];
const widths = table[0]!.map((_, i) => Math.min(90, Math.max(...table.map((r) => r[i]!.length))));
process.stdout.write(
  `keyward bench — node ${machine.node}, ${machine.platform}, ${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB${QUICK ? ", --quick" : ""}\n\n`,
);
for (const r of table)
  process.stdout.write(
    r
      .map((c, i) => (c.length > widths[i]! ? c.slice(0, widths[i]! - 1) + "…" : c).padEnd(widths[i]!))
      .join("  ")
      .trimEnd() + "\n",
  );
for (const n of notes) process.stdout.write(`note: ${n}\n`);
