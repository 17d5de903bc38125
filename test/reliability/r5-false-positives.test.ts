import { join } from "node:path";
import { runKeyward } from "../helpers/keyward-cli.js";
import { useSandboxKit } from "../helpers/sandbox.js";
import { addLeakAlert, alertPayload, createTaggedSecret, startJanitor, startStubs, type Janitor, type Stubs } from "../janitor/helpers/janitor-kit.js";
import { canary, report } from "./report.js";

/** R5: decoys, dead secrets, unknown verdicts and protected clients, through scan and the janitor: zero destructive actions. */
const kit = useSandboxKit();
let stubs: Stubs;
const outputs: string[] = [];
const DESTRUCTIVE = /^(POST \/api\/v2\/oauth\/clients\/\{clientId\}\/secret|PUT \/api\/v2\/oauth\/clients\/\{clientId\}|DELETE \/api\/v2\/oauth\/clients\/\{clientId\})$/;
const destructive = () =>
  Object.entries(kit.sandbox.genesys.control.state().requests)
    .filter(([k]) => DESTRUCTIVE.test(k))
    .reduce((n, [, s]) => n + Object.values(s).reduce((a, b) => a + b, 0), 0);
beforeAll(async () => {
  stubs = await startStubs();
});
afterAll(async () => {
  await stubs.close();
  kit.collectStoredSecrets();
  const c = canary([...outputs, ...kit.logs, ...stubs.slack.raw], kit.minted);
  report("R1", `canary over R5's output, logs and Slack traffic: ${c.searched} secrets, ${c.forms} forms: ${c.hits.length} hits`);
  expect(c.hits).toEqual([]);
});

describe("R5 false positives", () => {
  it("the decoy corpus: keyward scan finds nothing", async () => {
    const run = await runKeyward(["scan", join(process.cwd(), "test", "fixtures", "scan", "decoys"), "--format", "json"], kit.env);
    outputs.push(run.stdout, run.stderr);
    const findings = (JSON.parse(run.stdout) as { findings: unknown[] }).findings.length;
    report("R5", `scan of the decoy corpus: exit ${run.code}, ${findings} findings`);
    expect(run.code).toBe(0);
    expect(findings).toBe(0);
  });

  it("dead secrets, unknown verdicts and a protected client under a delete policy: zero destructive actions", async () => {
    const protectedClient = await kit.createClient("r5-protected");
    let janitor: Janitor | undefined;
    const before = destructive();
    const cases: string[] = [];
    try {
      janitor = await startJanitor(kit, stubs, { policy: { defaultAction: "delete", dryRun: false, protectedClients: [protectedClient.id], clients: {} } });
      // A dead pair: the secret was rotated away already.
      const dead = await kit.createClient("r5-dead");
      const { rotateClient } = await import("../../src/rotation/rotate-client.js");
      await rotateClient({ clientId: dead.id, secretId: "r5/dead" }, kit.deps(), { createSecret: true });
      const beforeDead = destructive();
      addLeakAlert(stubs, 9201, dead);
      await janitor.post("secret_scanning_alert", alertPayload(9201));
      await janitor.queue.idle();
      cases.push(`dead pair: ${destructive() - beforeDead} destructive calls`);
      // A decoy: a random string that no client accepts.
      addLeakAlert(stubs, 9202, { id: dead.id, secret: "Zq9" + "x".repeat(10) + "Y7pL2mN8vB4cR6tW1sK3dF5gH0jA" });
      const beforeDecoy = destructive();
      await janitor.post("secret_scanning_alert", alertPayload(9202));
      await janitor.queue.idle();
      cases.push(`decoy: ${destructive() - beforeDecoy} destructive calls`);
      // Unknown: the token endpoint fails, so liveness cannot be proven.
      const unknown = await kit.createClient("r5-unknown");
      addLeakAlert(stubs, 9203, unknown);
      kit.sandbox.genesys.control.addFault({ route: "POST /oauth/token", errorRate: 1, errorStatus: 503 });
      const beforeUnknown = destructive();
      await janitor.post("secret_scanning_alert", alertPayload(9203));
      await janitor.queue.idle();
      kit.sandbox.genesys.control.clearFaults();
      cases.push(`unknown verdict: ${destructive() - beforeUnknown} destructive calls, secret still ${await kit.check(unknown.id, unknown.secret)}`);
      expect(await kit.check(unknown.id, unknown.secret)).toBe("live");
      // The protected client's live leak under a delete policy: contained, never deleted.
      await createTaggedSecret(kit, "keyward/clients/r5-protected", protectedClient);
      addLeakAlert(stubs, 9204, protectedClient);
      await janitor.post("secret_scanning_alert", alertPayload(9204));
      await janitor.queue.idle();
      const view = kit.sandbox.genesys.control.state().clients.find((c) => c.id === protectedClient.id);
      cases.push(`protected client, live leak, delete policy: client ${view ? view.state : "GONE"}, leaked secret ${await kit.check(protectedClient.id, protectedClient.secret)}`);
      expect(view?.state).toBe("active");
      expect(await kit.check(protectedClient.id, protectedClient.secret)).toBe("dead");
    } finally {
      await janitor?.close();
    }
    const falsePositiveDestruction = cases.slice(0, 3).reduce((n, c) => n + Number(/: (\d+) destructive/.exec(c)![1]), 0);
    report(
      "R5",
      `janitor: ${cases.join("; ")} (destructive calls on the three false positives: ${falsePositiveDestruction}; total since start ${destructive() - before}, all on the protected client's live leak)`,
    );
    expect(falsePositiveDestruction).toBe(0);
  });
});
