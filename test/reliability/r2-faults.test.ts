import { CreateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { runKeyward, startKeyward } from "../helpers/keyward-cli.js";
import { useSandboxKit } from "../helpers/sandbox.js";
import { addLeakAlert, alertPayload, createTaggedSecret, startJanitor, startStubs } from "../janitor/helpers/janitor-kit.js";
import { canary, report } from "./report.js";

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
      { name: "Secrets Manager down after the regenerate", expect: [3], inject: () => kit.sandbox.secretsManager.control.setFaults({ unavailable: true, operations: ["PutSecretValue"] }) },
      { name: "429 storm on the API", expect: [0], inject: () => kit.sandbox.genesys.control.addFault({ route: "GET /api/v2/oauth/clients/{clientId}", errorRate: 1, errorStatus: 429, times: 4 }) },
      { name: "5xx on the regenerate", expect: [0, 3], inject: () => kit.sandbox.genesys.control.addFault({ route: "POST /api/v2/oauth/clients/{clientId}/secret", errorRate: 1, errorStatus: 503, times: 1 }) },
      { name: "connection resets", expect: [0], inject: () => kit.sandbox.genesys.control.addFault({ route: "GET /api/v2/oauth/clients/{clientId}", resetRate: 1, times: 2 }) },
      { name: "a hung request (1 s timeout)", expect: [0], inject: () => kit.sandbox.genesys.control.addFault({ route: "GET /api/v2/oauth/clients/{clientId}", hang: true, times: 1 }) },
      { name: "token endpoint rate limit", expect: [0], inject: () => kit.sandbox.genesys.control.addFault({ route: "POST /oauth/token", errorRate: 1, errorStatus: 400, times: 2 }) },
      { name: "verification read denied", expect: [4], inject: () => kit.sandbox.secretsManager.control.faults.set([{ route: "GetSecretValue", errorRate: 1, errorStatus: 403 }]) },
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
      const converged = await converge(client.id, `r2/fault/${i}`);
      lines.push(`${c.name}: exit ${run.code}${converged ? ", re-run converged" : ", DID NOT CONVERGE"}`);
      expect({ case: c.name, ok: c.expect.includes(run.code ?? -1) && converged }).toEqual({ case: c.name, ok: true });
    }
    report("R2", `${cases.length} fault cases: ${lines.join("; ")}`);
  });

  it("SIGTERM and SIGKILL at every step of a rotation: the documented code, and a re-run converges", async () => {
    const steps: Array<{ step: string; waitFor: RegExp; slow: () => void; term: number[] }> = [
      { step: "preflight", waitFor: /"route":"\/oauth\/token"/, slow: () => kit.sandbox.genesys.control.addFault({ route: "GET /api/v2/oauth/clients/{clientId}", latencyMs: 1500, times: 1 }), term: [143] },
      { step: "regenerate", waitFor: /"operation":"ListSecrets"[\s\S]*"operation":"ListSecrets"/, slow: () => kit.sandbox.genesys.control.addFault({ route: "POST /api/v2/oauth/clients/{clientId}/secret", latencyMs: 1500, times: 1 }), term: [6] },
      { step: "store", waitFor: /regenerated client secret/, slow: () => kit.sandbox.secretsManager.control.faults.set([{ route: "PutSecretValue", latencyMs: 1500, times: 1 }]), term: [6] },
      { step: "verify", waitFor: /stored new secret/, slow: () => kit.sandbox.secretsManager.control.faults.set([{ route: "GetSecretValue", latencyMs: 1500, times: 1 }]), term: [6] },
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

  it("an audit sink that is down never blocks containment", async () => {
    const stubs = await startStubs();
    const janitor = await startJanitor(kit, stubs, { env: { KEYWARD_SPLUNK_HEC_URL: "http://127.0.0.1:9/services/collector/event", KEYWARD_SPLUNK_HEC_TOKEN: "splunk-token-that-goes-nowhere" } });
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
