import { CreateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { runKeyward, startKeyward } from "../helpers/keyward-cli.js";
import { useSandboxKit } from "../helpers/sandbox.js";
import { addLeakAlert, alertPayload, createTaggedSecret, startJanitor, startStubs } from "../janitor/helpers/janitor-kit.js";
import { canary, report } from "./report.js";
import { waitFor } from "../genesys/helpers/fake-clock.js";

/**
 * R2: faults at every step. Each case ends with its documented exit code, and a re-run converges with nothing lost
 * (judged by a token grant with what Secrets Manager holds).
 */
const kit = useSandboxKit();
const outputs: string[] = [];
const live = (id: string, secret: string) => kit.check(id, secret);
afterAll(() => {
  kit.collectStoredSecrets();
  const c = canary([...outputs, ...kit.logs], kit.minted);
  report("R1", `canary over R2's process output and logs: ${c.searched} secrets, ${c.forms} forms: ${c.hits.length} hits`);
  expect(c.hits).toEqual([]);
});

async function converge(clientId: string, secretId: string): Promise<boolean> {
  const rerun = await runKeyward(["rotate", "--client-id", clientId, "--secret-id", secretId], kit.env);
  outputs.push(rerun.stdout, rerun.stderr);
  return rerun.code === 0 && (await live(clientId, (await kit.stored(secretId)).clientSecret)) === "live";
}

describe("R2 faults", () => {
  it("each Genesys / Secrets Manager fault ends with its documented code, and a re-run converges", async () => {
    const cases: Array<{ name: string; expect: number[]; inject: () => void }> = [
      {
        name: "Secrets Manager down after the regenerate (the lock's record went in)",
        expect: [3],
        inject: () => kit.sandbox.secretsManager.control.faults.set([{ route: "PutSecretValue", errorRate: 1, errorStatus: 503, skip: 1 }]),
      },
      {
        name: "Secrets Manager down before anything changed",
        expect: [1],
        inject: () => kit.sandbox.secretsManager.control.setFaults({ unavailable: true, operations: ["PutSecretValue"] }),
      },
      {
        name: "429 storm on the API",
        expect: [0],
        inject: () => kit.sandbox.genesys.control.addFault({ route: "GET /api/v2/oauth/clients/{clientId}", errorRate: 1, errorStatus: 429, times: 4 }),
      },
      {
        name: "5xx on the regenerate",
        expect: [0, 3],
        inject: () => kit.sandbox.genesys.control.addFault({ route: "POST /api/v2/oauth/clients/{clientId}/secret", errorRate: 1, errorStatus: 503, times: 1 }),
      },
      { name: "connection resets", expect: [0], inject: () => kit.sandbox.genesys.control.addFault({ route: "GET /api/v2/oauth/clients/{clientId}", resetRate: 1, times: 2 }) },
      {
        name: "a hung request (1 s timeout)",
        expect: [0],
        inject: () => kit.sandbox.genesys.control.addFault({ route: "GET /api/v2/oauth/clients/{clientId}", hang: true, times: 1 }),
      },
      {
        name: "token endpoint rate limit",
        expect: [0],
        inject: () => kit.sandbox.genesys.control.addFault({ route: "POST /oauth/token", errorRate: 1, errorStatus: 400, times: 2 }),
      },
      {
        name: "read of the secret denied (refused before the regenerate)",
        expect: [2],
        inject: () => kit.sandbox.secretsManager.control.faults.set([{ route: "GetSecretValue", errorRate: 1, errorStatus: 403 }]),
      },
      {
        name: "a deny on PutSecretValue (refused before the regenerate)",
        expect: [2],
        inject: () => kit.sandbox.secretsManager.control.setPermissions({ deny: [{ operation: "PutSecretValue", secretPrefix: "r2/" }] }),
      },
      {
        name: "a KMS key without GenerateDataKey (refused before the regenerate)",
        expect: [2],
        inject: () => kit.sandbox.secretsManager.control.setPermissions({ kmsKeys: { "aws/secretsmanager": { deny: ["GenerateDataKey"] } } }),
      },
      {
        name: "a lock update denied (refused before the regenerate)",
        expect: [2],
        inject: () => kit.sandbox.secretsManager.control.setPermissions({ deny: [{ operation: "UpdateSecretVersionStage" }] }),
      },
      {
        name: "a 429 with Retry-After on the regenerate (nothing changed; waited out)",
        expect: [0],
        inject: () =>
          kit.sandbox.genesys.control.addFault({ route: "POST /api/v2/oauth/clients/{clientId}/secret", errorRate: 1, errorStatus: 429, retryAfterSeconds: 2, times: 1 }),
      },
    ];
    const lines: string[] = [];
    for (const [i, c] of cases.entries()) {
      const client = await kit.createClient(`r2-fault-${i}`);
      await kit.sm.send(new CreateSecretCommand({ Name: `r2/fault/${i}` }));
      c.inject();
      const run = await runKeyward(["rotate", "--client-id", client.id, "--secret-id", `r2/fault/${i}`], { ...kit.env, KEYWARD_HTTP_TIMEOUT_SECONDS: "1" });
      outputs.push(run.stdout, run.stderr);
      kit.sandbox.genesys.control.clearFaults();
      kit.sandbox.secretsManager.control.clearFaults();
      kit.sandbox.secretsManager.control.clearPermissions();
      // Refused before the regenerate: the client's secret is untouched (still the create-time one here).
      if (c.expect.every((code) => code === 1 || code === 2))
        expect({ case: c.name, untouched: await live(client.id, client.secret) }).toEqual({ case: c.name, untouched: "live" });
      const converged = await converge(client.id, `r2/fault/${i}`);
      lines.push(`${c.name}: exit ${run.code}${converged ? ", re-run converged" : ", DID NOT CONVERGE"}`);
      expect({ case: c.name, ok: c.expect.includes(run.code ?? -1) && converged }).toEqual({ case: c.name, ok: true });
    }
    report("R2", `${cases.length} fault cases: ${lines.join("; ")}`);
  });

  it("SIGTERM and SIGKILL at every step of a rotation: the documented code, and a re-run converges", async () => {
    const steps: Array<{ step: string; waitFor: RegExp; slow: () => void; term: number[] }> = [
      {
        step: "preflight",
        waitFor: /"route":"\/oauth\/token"/,
        slow: () => kit.sandbox.genesys.control.addFault({ route: "GET /api/v2/oauth/clients/{clientId}", latencyMs: 1500, times: 1 }),
        term: [143],
      },
      {
        step: "regenerate",
        waitFor: /sending the regenerate/,
        slow: () => kit.sandbox.genesys.control.addFault({ route: "POST /api/v2/oauth/clients/{clientId}/secret", latencyMs: 1500, times: 1 }),
        term: [6],
      },
      // The first PutSecretValue is the lock's record; the second stores the new secret.
      {
        step: "store",
        waitFor: /regenerated client secret/,
        slow: () => kit.sandbox.secretsManager.control.faults.set([{ route: "PutSecretValue", latencyMs: 1500, skip: 1, times: 1 }]),
        term: [6],
      },
      // The first token grant is the admin's; the next one checks the new secret (then comes the promote).
      {
        step: "verify",
        waitFor: /stored new secret/,
        slow: () => kit.sandbox.genesys.control.addFault({ route: "POST /oauth/token", latencyMs: 1500, skip: 1, times: 1 }),
        term: [6],
      },
    ];
    const lines: string[] = [];
    let n = 0;
    for (const s of steps) {
      for (const signal of ["SIGTERM", "SIGKILL"] as const) {
        const client = await kit.createClient(`r2-kill-${n}`);
        const secretId = `r2/kill/${n++}`;
        await kit.sm.send(new CreateSecretCommand({ Name: secretId }));
        s.slow();
        const running = startKeyward(["rotate", "--client-id", client.id, "--secret-id", secretId], { ...kit.env, KEYWARD_LOG_LEVEL: "debug" });
        await running.waitForStderr(s.waitFor);
        running.child.kill(signal);
        const done = await running.done;
        outputs.push(done.stdout, done.stderr);
        kit.sandbox.genesys.control.clearFaults();
        kit.sandbox.secretsManager.control.clearFaults();
        const converged = await converge(client.id, secretId);
        const code = signal === "SIGKILL" ? `killed (${done.signal})` : `exit ${done.code}`;
        lines.push(`${signal} during ${s.step}: ${code}${converged ? ", re-run converged" : ", DID NOT CONVERGE"}`);
        if (signal === "SIGTERM") expect({ step: s.step, code: s.term.includes(done.code ?? -1) }).toEqual({ step: s.step, code: true });
        expect({ step: s.step, signal, converged }).toEqual({ step: s.step, signal, converged: true });
      }
    }
    report("R2", `signals at ${steps.length} steps × 2: ${lines.join("; ")}`);
  });

  it("a process killed between storing its new secret and promoting it: the repair API promotes that secret, regenerating nothing", async () => {
    const { repairClientSecret } = await import("../../src/rotation/repair.js");
    const client = await kit.createClient("r2-kill-promote");
    await kit.sm.send(new CreateSecretCommand({ Name: "r2/kill-promote" }));
    // The check of the new secret (the second token grant) hangs: the kill lands after the store, before the promote.
    kit.sandbox.genesys.control.addFault({ route: "POST /oauth/token", latencyMs: 5000, skip: 1, times: 1 });
    const running = startKeyward(["rotate", "--client-id", client.id, "--secret-id", "r2/kill-promote"], { ...kit.env, KEYWARD_LOG_LEVEL: "info" });
    await running.waitForStderr(/stored new secret/);
    running.child.kill("SIGKILL");
    const done = await running.done;
    outputs.push(done.stdout, done.stderr);
    kit.sandbox.genesys.control.clearFaults();
    const regenerates = () => Object.values(kit.sandbox.genesys.control.state().requests["POST /api/v2/oauth/clients/{clientId}/secret"] ?? {}).reduce((a, b) => a + b, 0);
    const before = regenerates();
    const result = await repairClientSecret({ clientId: client.id, secretId: "r2/kill-promote" }, kit.deps());
    const works = await live(client.id, (await kit.stored("r2/kill-promote")).clientSecret);
    report("R2", `SIGKILL between store and promote: repair ${result.status} (${result.recovered ?? "-"}), ${regenerates() - before} regenerations, AWSCURRENT ${works}`);
    expect(result).toMatchObject({ status: "rotated", recovered: "promoted-pending" });
    expect(regenerates() - before).toBe(0);
    expect(works).toBe("live");
  });

  it("a CreateSecret whose answer is lost is recognised as the run's own container, whichever way the retry is answered", async () => {
    const lines: string[] = [];
    for (const retry of ["idempotent", "resource-exists"] as const) {
      const client = await kit.createClient(`r2-lost-create-${retry}`);
      kit.sandbox.secretsManager.control.setSettings({ createSecretRetry: retry });
      kit.sandbox.secretsManager.control.setFaults({ dropAnswer: { times: 1 }, operations: ["CreateSecret"] });
      const run = await runKeyward(["rotate", "--client-id", client.id, "--secret-id", `r2/lost-create/${retry}`, "--create-secret"], kit.env);
      outputs.push(run.stdout, run.stderr);
      kit.sandbox.secretsManager.control.setSettings({ createSecretRetry: "idempotent" });
      const works = await live(client.id, (await kit.stored(`r2/lost-create/${retry}`)).clientSecret);
      lines.push(`retry answered ${retry}: exit ${run.code}, stored secret ${works}`);
      expect({ retry, code: run.code, works }).toEqual({ retry, code: 0, works: "live" });
    }
    report("R2", `lost CreateSecret answers: ${lines.join("; ")}`);
  });

  it("the scheduled Lambda with a 429 pause that would eat its remaining time sends no regenerate, and AWSCURRENT keeps working", async () => {
    const { invokeLambdaProcess, LAMBDA_BUNDLES } = await import("../helpers/lambda-process.js");
    const { GetSecretValueCommand } = await import("@aws-sdk/client-secrets-manager");
    const client = await kit.createClient("r2-lambda-pause");
    await kit.sm.send(new CreateSecretCommand({ Name: "r2/lambda-pause" }));
    expect((await runKeyward(["rotate", "--client-id", client.id, "--secret-id", "r2/lambda-pause"], kit.env)).code).toBe(0);
    const adminArn = (await kit.sm.send(new GetSecretValueCommand({ SecretId: kit.sandbox.secretNames.admin }))).ARN!;
    const throttledBefore = kit.sandbox.genesys.control.state().requests["POST /api/v2/oauth/clients/{clientId}/secret"]?.["429"] ?? 0;
    kit.sandbox.genesys.control.addFault({ route: "POST /api/v2/oauth/clients/{clientId}/secret", errorRate: 1, errorStatus: 429, retryAfterSeconds: 60, times: 1 });
    const running = invokeLambdaProcess(
      LAMBDA_BUNDLES.rotation,
      { clients: [{ clientId: client.id, secretId: "r2/lambda-pause" }] },
      {
        KEYWARD_ADMIN_SECRET_ARN: adminArn,
        KEYWARD_ROTATE_ADMIN: "false",
        AWS_ENDPOINT_URL_SECRETS_MANAGER: kit.sandbox.secretsManager.url,
        AWS_REGION: kit.sandbox.region,
        AWS_ACCESS_KEY_ID: kit.sandbox.awsCredentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: kit.sandbox.awsCredentials.secretAccessKey,
      },
      { timeoutMs: 88_000 },
    );
    // Once the regenerate has met its 429, every store is throttled: a run that regenerates after the pause cannot
    // store before the invocation's end.
    await waitFor(() => (kit.sandbox.genesys.control.state().requests["POST /api/v2/oauth/clients/{clientId}/secret"]?.["429"] ?? 0) > throttledBefore, 60_000);
    kit.sandbox.secretsManager.control.setFaults({ throttle: true, operations: ["PutSecretValue"] });
    const run = await running;
    outputs.push(run.output);
    kit.sandbox.genesys.control.clearFaults();
    kit.sandbox.secretsManager.control.clearFaults();
    const works = await live(client.id, (await kit.stored("r2/lambda-pause")).clientSecret);
    report("R2", `Lambda, 429 asking for 60 s with 88 s left: ${run.killed ? "KILLED at its timeout" : `ended (${run.error ?? "ok"})`}, AWSCURRENT ${works}`);
    expect({ killed: run.killed, works }).toEqual({ killed: false, works: "live" });
    expect(run.error).toMatch(/0 of 1 clients failed, 1 skipped for lack of time/);
  }, 120_000);

  it("an audit sink that is down never blocks containment", async () => {
    const stubs = await startStubs();
    const janitor = await startJanitor(kit, stubs, {
      env: { KEYWARD_SPLUNK_HEC_URL: "http://127.0.0.1:9/services/collector/event", KEYWARD_SPLUNK_HEC_TOKEN: "splunk-token-that-goes-nowhere" },
    });
    try {
      const client = await kit.createClient("r2-sink-down");
      await createTaggedSecret(kit, "keyward/clients/r2-sink-down", client);
      addLeakAlert(stubs, 9101, client);
      const res = await janitor.post("secret_scanning_alert", alertPayload(9101));
      await janitor.queue.idle();
      const refused = (await live(client.id, client.secret)) === "dead";
      report("R2", `sink down: delivery ${res.status}, leaked secret ${refused ? "refused" : "STILL LIVE"}, ${janitor.audits.length} audit event(s) on stdout`);
      expect(res.status).toBe(202);
      expect(refused).toBe(true);
    } finally {
      await janitor.close();
      await stubs.close();
    }
  });
});
