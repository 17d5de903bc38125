import { randomUUID } from "node:crypto";
import { SecretsManagerError } from "./errors.js";
import type { SecretStore } from "./secret-store.js";
import type { RotationEvent, RotationFunction, RotationRunState } from "./types.js";

const STEPS: ReadonlyArray<RotationEvent["Step"]> = ["createSecret", "setSecret", "testSecret", "finishSecret"];
/** Runs kept in `state()`; older ones are dropped. */
const MAX_RUNS = 200;

/**
 * What Secrets Manager does after RotateSecret answered: invokes the secret's rotation function once per step
 * (createSecret, setSecret, testSecret, finishSecret), synchronously one after the other, with the secret's ARN and
 * the rotation's token. A step that throws ends the rotation (AWSPENDING stays where it is: the next RotateSecret
 * is refused as "a previous rotation isn't complete"); when all four succeed, LastRotatedDate is set. Automatic
 * retries of a failed rotation are not emulated (AWS retries "multiple times" on its own schedule).
 */
export class RotationRunner {
  private readonly functions = new Map<string, RotationFunction>();
  private readonly runs: RotationRunState[] = [];
  private readonly active = new Set<Promise<void>>();

  constructor(
    private readonly store: SecretStore,
    private readonly now: () => number,
  ) {}

  register(lambdaArn: string, fn: RotationFunction | undefined): void {
    if (fn) this.functions.set(lambdaArn, fn);
    else this.functions.delete(lambdaArn);
  }

  /** The error AWS answers RotateSecret with when Secrets Manager may not invoke the function. */
  require(lambdaArn: string): void {
    if (this.functions.has(lambdaArn)) return;
    throw new SecretsManagerError(
      "AccessDeniedException",
      "Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants access to the principal secretsmanager.amazonaws.com.",
    );
  }

  start(run: { arn: string; name: string; token: string; lambdaArn: string }): void {
    const state: RotationRunState = {
      secretName: run.name,
      token: run.token,
      lambdaArn: run.lambdaArn,
      status: "running",
      steps: [],
      startedDate: new Date(this.now()).toISOString(),
    };
    this.runs.push(state);
    if (this.runs.length > MAX_RUNS) this.runs.splice(0, this.runs.length - MAX_RUNS);
    const done = this.execute(run, state).finally(() => this.active.delete(done));
    this.active.add(done);
  }

  list(): RotationRunState[] {
    return this.runs.map((r) => ({ ...r, steps: r.steps.map((s) => ({ ...s })) }));
  }

  async idle(): Promise<void> {
    while (this.active.size > 0) await Promise.allSettled([...this.active]);
  }

  clear(): void {
    this.runs.length = 0;
  }

  private async execute(run: { arn: string; token: string; lambdaArn: string }, state: RotationRunState): Promise<void> {
    // After the answer: RotateSecret returns before the rotation runs.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const rotationToken = randomUUID();
    for (const step of STEPS) {
      const fn = this.functions.get(run.lambdaArn);
      try {
        if (!fn) throw new Error(`no rotation function is registered for ${run.lambdaArn}`);
        await fn({ Step: step, SecretId: run.arn, ClientRequestToken: run.token, RotationToken: rotationToken });
        state.steps.push({ step, ok: true });
      } catch (err) {
        state.steps.push({ step, ok: false, error: err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 500) : "error" });
        state.status = "failed";
        state.endedDate = new Date(this.now()).toISOString();
        return;
      }
    }
    this.store.markRotated(run.arn);
    state.status = "succeeded";
    state.endedDate = new Date(this.now()).toISOString();
  }
}
