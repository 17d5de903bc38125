// Shared helpers of the stack tests.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { synthStacks, type SynthesizedStack } from "../../stacks/app.js";
import { stateBackendSettings, type StateBackendSettings } from "../../stacks/backend.js";
import { parseStacksConfig, type KeywardStacksConfig } from "../../stacks/config.js";

export const EXAMPLE_CONFIG_PATH = join(process.cwd(), "stacks", "examples", "clients.json");

/** The example configuration, with top-level values replaced (validated like any other configuration). */
export function exampleConfig(overrides: Record<string, unknown> = {}): KeywardStacksConfig {
  const raw = JSON.parse(readFileSync(EXAMPLE_CONFIG_PATH, "utf8")) as Record<string, unknown>;
  return parseStacksConfig({ ...raw, ...overrides }, "test config");
}

export const LOCAL_STATE: StateBackendSettings = stateBackendSettings({});

/** Full in-process synth (validations included) into a temp dir that is removed afterwards. */
export function withSynthesizedStacks<T>(config: KeywardStacksConfig, use: (stacks: Record<string, SynthesizedStack>) => T, backend: StateBackendSettings = LOCAL_STATE): T {
  const outdir = mkdtempSync(join(tmpdir(), "keyward-synth-"));
  try {
    return use(synthStacks({ config, backend, outdir }));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Replaces what changes between builds: asset content hashes (directory names and paths). */
export function scrubVolatile(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value).replace(/\b[0-9A-F]{32}\b/g, "<ASSET_HASH>"));
}
