import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The built handler bundles (npm test builds dist/ first). */
export const LAMBDA_BUNDLES = {
  rotation: fileURLToPath(new URL("../../dist/rotation-lambda.js", import.meta.url)),
} as const;

export interface LambdaRun {
  /** The handler's return value, when it returned. */
  result?: unknown;
  /** The handler's error message, when it threw. */
  error?: string;
  /** True when the invocation ran out of time and was killed, as Lambda kills it at its timeout. */
  killed: boolean;
  /** Everything the function logged (stdout and stderr). */
  output: string;
}

/**
 * Invokes a handler of a built Lambda bundle in its own process, as the Lambda runtime does: exactly `env` (plus
 * PATH/HOME), a context whose `getRemainingTimeInMillis()` counts down from `timeoutMs`, and SIGKILL when it reaches 0.
 */
export function invokeLambdaProcess(bundle: string, event: unknown, env: Record<string, string | undefined>, options: { timeoutMs: number; handler?: string }): Promise<LambdaRun> {
  const script = `
    const started = Date.now();
    const timeoutMs = Number(process.env.__LAMBDA_TIMEOUT_MS);
    setTimeout(() => process.kill(process.pid, "SIGKILL"), timeoutMs).unref();
    const mod = await import(process.env.__LAMBDA_BUNDLE);
    const context = { getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (Date.now() - started)) };
    try {
      const result = await mod[process.env.__LAMBDA_HANDLER](JSON.parse(process.env.__LAMBDA_EVENT), context);
      process.stderr.write("\\n__LAMBDA_RESULT__" + JSON.stringify({ result: result ?? null }) + "\\n");
    } catch (err) {
      process.stderr.write("\\n__LAMBDA_RESULT__" + JSON.stringify({ error: String(err && err.message || err) }) + "\\n");
    }
    process.exit(0);
  `;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      ...env,
      __LAMBDA_BUNDLE: bundle,
      __LAMBDA_HANDLER: options.handler ?? "handler",
      __LAMBDA_EVENT: JSON.stringify(event),
      __LAMBDA_TIMEOUT_MS: String(options.timeoutMs),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (_code, signal) => {
      const marker = output.lastIndexOf("__LAMBDA_RESULT__");
      const parsed = marker >= 0 ? (JSON.parse(output.slice(marker + "__LAMBDA_RESULT__".length).split("\n")[0]!) as { result?: unknown; error?: string }) : {};
      resolve({ ...parsed, killed: signal === "SIGKILL", output: marker >= 0 ? output.slice(0, marker) : output });
    });
  });
}
