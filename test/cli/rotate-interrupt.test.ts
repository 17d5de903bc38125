import { leakedSecrets, runKeyward, startKeyward } from "../helpers/keyward-cli.js";
import { useSandboxKit } from "../helpers/sandbox.js";
import { waitUntil } from "../helpers/wait.js";
import { handler } from "../../src/rotation/lambda.js";
import { serializeStoredCredentials } from "../../src/secrets/index.js";
import { CreateSecretCommand } from "@aws-sdk/client-secrets-manager";

/**
 * Interruptions at every step of a rotation, with real processes and real signals. The window between regenerate
 * and a verified store is widened with latency on PutSecretValue; the outcome is judged by a token grant with the
 * value Secrets Manager holds.
 */
const kit = useSandboxKit();
const outputs: string[] = [];
const env = () => ({ ...kit.env, KEYWARD_LOG_LEVEL: "info" });
const live = (clientId: string, secret: string) => kit.check(clientId, secret);

afterAll(() => {
  kit.collectStoredSecrets();
  expect(leakedSecrets(outputs, kit.minted)).toEqual([]);
});

/**
 * Makes PutSecretValue hang; the returned wait resolves once keyward's store is hanging at the emulator (the rotation
 * is then provably between regenerate and a stored value).
 */
function hangStores(): () => Promise<void> {
  const hung = () => kit.sandbox.secretsManager.control.state().faults.injected.hang;
  const before = hung();
  // The first PutSecretValue is the rotation lock's record (before the regenerate); the store of the new secret comes next.
  kit.sandbox.secretsManager.control.faults.set([{ route: "PutSecretValue", hang: true, skip: 1 }]);
  return () => waitUntil(() => hung() > before, "keyward's PutSecretValue to reach the emulator");
}

const slowStore = () => kit.sandbox.secretsManager.control.faults.set([{ route: "PutSecretValue", latencyMs: 1500, skip: 1 }]);

describe("a signal between the regenerate and a verified store", () => {
  it.each([
    ["SIGINT", "Ctrl-C in terraform apply"],
    ["SIGTERM", "CI cancellation"],
    ["SIGHUP", "a closed terminal"],
  ] as const)("%s (%s) is deferred: the rotation finishes, the stored secret authenticates, and the run exits 6", async (signal, _why) => {
    const client = await kit.createClient(`deferred-${signal.toLowerCase()}`);
    const secretId = `interrupt/${signal.toLowerCase()}`;
    await kit.sm.send(new CreateSecretCommand({ Name: secretId }));
    slowStore();
    const running = startKeyward(["rotate", "--client-id", client.id, "--secret-id", secretId], env());
    await running.waitForStderr(/regenerated client secret/);
    running.child.kill(signal);
    const done = await running.done;
    outputs.push(done.stdout, done.stderr);
    expect(done.signal).toBeNull();
    expect(done.code).toBe(6);
    expect(done.stderr).toMatch(new RegExp(`${signal}: finishing 1 rotation\\(s\\) in flight`));
    const stored = await kit.stored(secretId);
    expect(await live(client.id, stored.clientSecret)).toBe("live");
    expect(await live(client.id, client.secret)).toBe("dead");
  });

  it("a second signal aborts with exit 3 and the recovery line; a re-run converges", async () => {
    const client = await kit.createClient("double-signal");
    await kit.sm.send(new CreateSecretCommand({ Name: "interrupt/double" }));
    // The store hangs (it never lands, even after the process is gone), and the signals come once it is in flight.
    const storing = hangStores();
    const running = startKeyward(["rotate", "--client-id", client.id, "--secret-id", "interrupt/double"], env());
    await running.waitForStderr(/regenerated client secret/);
    await storing();
    running.child.kill("SIGINT");
    await running.waitForStderr(/Send the signal again to abort/);
    running.child.kill("SIGINT");
    const done = await running.done;
    outputs.push(done.stdout, done.stderr);
    expect(done.code).toBe(3);
    expect(done.stderr).toContain(`client ${client.id}: a new secret was regenerated but is not stored in interrupt/double`);
    expect(done.stderr).toContain(`fix: re-run \`keyward rotate --client-id ${client.id} --secret-id interrupt/double\``);
    kit.sandbox.secretsManager.control.clearFaults();

    const rerun = await runKeyward(["rotate", "--client-id", client.id, "--secret-id", "interrupt/double"], kit.env);
    outputs.push(rerun.stdout, rerun.stderr);
    expect(rerun.code).toBe(0);
    expect(await live(client.id, (await kit.stored("interrupt/double")).clientSecret)).toBe("live");
  });

  it("SIGKILL cannot be deferred: the client is left with a secret nobody holds, and a re-run converges", async () => {
    const client = await kit.createClient("killed");
    await kit.sm.send(new CreateSecretCommand({ Name: "interrupt/killed" }));
    const storing = hangStores();
    const running = startKeyward(["rotate", "--client-id", client.id, "--secret-id", "interrupt/killed"], env());
    await running.waitForStderr(/regenerated client secret/);
    await storing();
    running.child.kill("SIGKILL");
    const done = await running.done;
    outputs.push(done.stdout, done.stderr);
    expect(done.signal).toBe("SIGKILL");
    expect(await live(client.id, client.secret)).toBe("dead");
    kit.sandbox.secretsManager.control.clearFaults();
    // The PutSecretValue in flight hangs and never lands, so nothing can overwrite the re-run's value later (a delayed
    // write landing after the re-run verified would leave a dead value: the timing a loaded machine used to produce).
    const rerun = await runKeyward(["rotate", "--client-id", client.id, "--secret-id", "interrupt/killed"], kit.env);
    outputs.push(rerun.stdout, rerun.stderr);
    expect(rerun.code).toBe(0);
    expect(await live(client.id, (await kit.stored("interrupt/killed")).clientSecret)).toBe("live");
  });
});

describe("a signal before anything changed", () => {
  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
    ["SIGHUP", 129],
  ] as const)("%s during the preflight exits %i at once and leaves the client's secret working", async (signal, code) => {
    const client = await kit.createClient(`early-${signal.toLowerCase()}`);
    kit.sandbox.genesys.control.addFault({ route: "GET /api/v2/oauth/clients/{clientId}", latencyMs: 3000 });
    const running = startKeyward(["rotate", "--client-id", client.id, "--secret-id", `early/${signal}`, "--create-secret"], { ...kit.env, KEYWARD_LOG_LEVEL: "debug" });
    await running.waitForStderr(/"route":"\/oauth\/token"/);
    running.child.kill(signal);
    const done = await running.done;
    outputs.push(done.stdout, done.stderr);
    kit.sandbox.genesys.control.clearFaults();
    expect(done.code).toBe(code);
    expect(done.stderr).toMatch(/stopped before any rotation was in flight; nothing was changed halfway/);
    expect(await live(client.id, client.secret)).toBe("live");
  });
});

describe("the scheduled-rotation Lambda", () => {
  it("starts no regenerate with less invocation time left than the worst case of store + verify, and reports the skipped clients", async () => {
    const admin = kit.sandbox.admin;
    await kit.sm.send(
      new CreateSecretCommand({
        Name: "lambda/deadline-admin",
        SecretString: serializeStoredCredentials({
          clientId: admin.id,
          clientSecret: admin.secret,
          region: "us-east-1",
          gateway: { host: "127.0.0.1", port: String(new URL(kit.sandbox.genesys.url).port), protocol: "http" },
        }),
      }),
    );
    const first = await kit.createClient("lambda-first");
    const second = await kit.createClient("lambda-second");
    for (const name of ["lambda/first", "lambda/second"]) await kit.sm.send(new CreateSecretCommand({ Name: name }));
    const saved = { ...process.env };
    Object.assign(process.env, {
      KEYWARD_ADMIN_SECRET_ARN: "lambda/deadline-admin",
      AWS_ENDPOINT_URL_SECRETS_MANAGER: kit.env.AWS_ENDPOINT_URL_SECRETS_MANAGER,
      AWS_REGION: kit.env.AWS_REGION,
      AWS_ACCESS_KEY_ID: kit.env.AWS_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: kit.env.AWS_SECRET_ACCESS_KEY,
      KEYWARD_CONCURRENCY: "1",
      KEYWARD_LOG_LEVEL: "silent",
      // The admin here is the sandbox's own: the test rotates only the manifest's clients.
      KEYWARD_ROTATE_ADMIN: "false",
    });
    // The first client gets a long invocation; once its regenerate is done, only 30 s are left.
    const regenerates = () => Object.values(kit.sandbox.genesys.control.state().requests["POST /api/v2/oauth/clients/{clientId}/secret"] ?? {}).reduce((a, b) => a + b, 0);
    const before = regenerates();
    const context = { getRemainingTimeInMillis: () => (regenerates() === before ? 600_000 : 30_000) };
    try {
      await expect(
        handler(
          {
            clients: [
              { clientId: first.id, secretId: "lambda/first" },
              { clientId: second.id, secretId: "lambda/second" },
            ],
          },
          context,
        ),
      ).rejects.toThrow(new RegExp(`1 skipped for lack of time \\(${second.id}\\)`));
    } finally {
      process.env = saved;
    }
    expect(await live(first.id, (await kit.stored("lambda/first")).clientSecret)).toBe("live");
    expect(await live(second.id, second.secret)).toBe("live");
  });
});
