import { createServer, type Server } from "node:net";
import type { FaultRule } from "../../src/sandbox/common/faults.js";
import { leakedSecrets, runKeyward } from "../helpers/keyward-cli.js";
import type { SandboxKit } from "../helpers/sandbox.js";

/**
 * Shared by test/cli/error-fixes-aws.test.ts and error-fixes-genesys.test.ts: every AWS and Genesys failure class,
 * caused for real against the emulators (wrong keys, injected AWS error types, closed ports, hung requests), gives
 * `keyward rotate` its own reason, exit code and a fix line that names the true fix, and never another class's fix.
 */
/** Each keyward run may take this long on a loaded machine; each test, two runs' worth. */
export const CLI_TIMEOUT_MS = 120_000;
export const SLOW = 2 * CLI_TIMEOUT_MS + 30_000;

/** A loopback port nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The failure line's `[exit N, reason]` and its `fix:` line. */
export function outcome(stderr: string): { exit: number; reason: string; fix: string } {
  const head = /\[exit (\d+), ([a-z-]+)\]/.exec(stderr);
  const fix = /\n\s+fix: (.*)/.exec(stderr);
  return { exit: Number(head?.[1] ?? -1), reason: head?.[2] ?? `(none in: ${stderr.slice(0, 400)})`, fix: fix?.[1] ?? "" };
}

export function errorFixTools(kit: SandboxKit) {
  return {
    /** Rotates a fresh client into a fresh secret with `env` on top of the sandbox's. */
    async rotate(label: string, env: Record<string, string | undefined> = {}, extra: string[] = ["--create-secret"]) {
      const client = await kit.createClient(`fix-${label}`);
      const run = await runKeyward(["rotate", "--client-id", client.id, "--secret-id", `fixes/${label}`, ...extra], { ...kit.env, ...env }, { timeoutMs: CLI_TIMEOUT_MS });
      kit.collectStoredSecrets();
      expect(leakedSecrets([run.stdout, run.stderr], kit.minted)).toEqual([]);
      return run;
    },
    injectAws: (rule: FaultRule) => kit.sandbox.secretsManager.control.faults.add({ errorRate: 1, ...rule }),
  };
}
