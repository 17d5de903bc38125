// A worker thread of `keyward scan --jobs N` (bundled as dist/scan-worker.js): scans the batches of files it
// is sent and posts back the detections. The secrets cross to the main thread in memory only.
import { parentPort } from "node:worker_threads";
import { scanFileSync, scanLargeFile, type FileTarget } from "./files.js";
import { loadRules } from "./rules.js";

const rules = loadRules();
parentPort?.on("message", async (msg: { id: number; targets: FileTarget[] }) => {
  const results = [];
  for (const target of msg.targets) results.push(scanFileSync(target, rules) ?? (await scanLargeFile(target, rules)));
  parentPort?.postMessage({ id: msg.id, results });
});
