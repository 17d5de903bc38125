/** Shared by every `npm run bench` section: the row table, timing helpers, the sandbox and the paths. */
import { spawnSync } from "node:child_process";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { createGenesysClient } from "../../src/genesys/index.js";
import { BUILTIN_ROLES } from "../../src/sandbox/genesys/index.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/sandbox.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
export const args = process.argv.slice(2);
export const QUICK = args.includes("--quick");
/** The bundle is dist/bench.js (chunks beside it): bin/ is one level up. */
export const BIN = fileURLToPath(new URL("../bin/keyward.js", import.meta.url));
export const ROOT = dirname(dirname(BIN));

export interface Row {
  id: string;
  name: string;
  value: number;
  unit: string;
  baseline: string;
  baselineValue: number | null;
  ratio: number | null;
  samples: number;
}
export const rows: Row[] = [];
export const notes: string[] = [];
export const add = (row: Omit<Row, "ratio"> & { ratio?: number | null }) => {
  const r: Row = { ...row, ratio: row.ratio !== undefined ? row.ratio : row.baselineValue ? round(row.value / row.baselineValue, 2) : null };
  rows.push(r);
  process.stderr.write(`  ${r.id} ${r.name}: ${r.value} ${r.unit}${r.ratio !== null ? ` (${r.ratio}x ${r.baseline})` : ""}\n`);
};
export const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
export const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export function timeProcess(file: string, argv: string[], env: Record<string, string | undefined> = process.env, runs = 7): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    spawnSync(file, argv, { env, stdio: "ignore" });
    samples.push(performance.now() - t0);
  }
  return round(median(samples));
}

export async function withSandbox<T>(fn: (s: Sandbox) => Promise<T>): Promise<T> {
  const sandbox = await startSandbox();
  try {
    return await fn(sandbox);
  } finally {
    await sandbox.close();
  }
}
export const smClient = (s: Sandbox) =>
  new SecretsManagerClient({
    endpoint: s.secretsManager.url,
    region: s.region,
    credentials: { accessKeyId: s.env.AWS_ACCESS_KEY_ID!, secretAccessKey: s.env.AWS_SECRET_ACCESS_KEY! },
  });
export const mkClient = (admin: ReturnType<typeof createGenesysClient>, name: string) =>
  admin.oauthClients.create({ name, authorizedGrantType: "CLIENT-CREDENTIALS", roleDivisions: [{ roleId: BUILTIN_ROLES.readonly, divisionId: "*" }] });

/** One section of the bench: its row id and what it runs. */
export interface BenchSection {
  id: string;
  title: string;
  run(): Promise<void>;
}
