import { rotateClient, type RotationPolicy } from "../../src/rotation/rotate-client.js";
import { leakedSecrets } from "../helpers/keyward-cli.js";
import { useSandboxKit } from "../helpers/sandbox.js";

/** Short waits so fault tests finish quickly; the bounds themselves are what is exercised. */
const FAST: Partial<RotationPolicy> = { storeBackoffMs: 20, verifyBackoffMs: 20, regenerateBackoffMs: 20 };

const kit = useSandboxKit();
const storedSecret = (secretId: string) => kit.stored(secretId);
const live = (clientId: string, secret: string) => kit.check(clientId, secret);

describe("rotating one client into Secrets Manager", () => {
  it("kills the old secret and stores a new one that authenticates, printing neither", async () => {
    const client = await kit.createClient("happy-path");
    const result = await rotateClient({ clientId: client.id, secretId: "keyward/happy-path" }, kit.deps(), { createSecret: true });

    expect(result).toMatchObject({ status: "rotated", exitCode: 0, clientId: client.id, clientName: "happy-path", createdSecret: true, regenerations: 1 });
    expect(result.secretArn).toMatch(/^arn:aws:secretsmanager:us-east-1:\d{12}:secret:keyward\/happy-path-[A-Za-z0-9]{6}$/);
    const stored = await storedSecret("keyward/happy-path");
    expect(stored).toMatchObject({ clientId: client.id, region: "us-east-1", versionId: result.versionId });
    // Ran through the sandbox's gateway, so the stored document says where the credentials work.
    expect((stored as { gateway?: unknown }).gateway).toEqual({ host: "127.0.0.1", port: kit.env.GENESYSCLOUD_GATEWAY_PORT, protocol: "http" });
    expect(await live(client.id, client.secret)).toBe("dead");
    expect(await live(client.id, stored.clientSecret)).toBe("live");
    expect(leakedSecrets([JSON.stringify(result), ...kit.logs], [client.secret, stored.clientSecret])).toEqual([]);
  });

  it("stops at the dry run after the guards, changing nothing", async () => {
    const client = await kit.createClient("dry-run");
    const result = await rotateClient({ clientId: client.id, secretId: "keyward/dry-run" }, kit.deps(), { createSecret: true, dryRun: true });
    expect(result).toMatchObject({ status: "dry-run", exitCode: 0, regenerations: 0, plan: { secretExists: false, wouldCreateSecret: true } });
    expect(await live(client.id, client.secret)).toBe("live");
    expect(kit.sandbox.secretsManager.control.state().secrets.find((s) => s.name === "keyward/dry-run")).toBeUndefined();
  });

  it("finds a client by its exact name and refuses an ambiguous one", async () => {
    const client = await kit.createClient("by-name");
    const ok = await rotateClient({ clientName: "by-name", secretId: "keyward/by-name" }, kit.deps(), { createSecret: true });
    expect(ok).toMatchObject({ status: "rotated", clientId: client.id });

    await kit.createClient("twice");
    await kit.createClient("twice");
    const ambiguous = await rotateClient({ clientName: "twice", secretId: "keyward/twice" }, kit.deps(), { createSecret: true });
    expect(ambiguous).toMatchObject({ status: "failed", exitCode: 2, reason: "client-name-ambiguous" });
    const missing = await rotateClient({ clientName: "nobody", secretId: "keyward/nobody" }, kit.deps(), { createSecret: true });
    expect(missing).toMatchObject({ status: "failed", exitCode: 1, reason: "client-name-not-found" });
  });

  it("refuses a disabled client, a missing client and a missing container before changing anything", async () => {
    const disabled = await kit.createClient("disabled");
    await kit.genesys().oauthClients.setState(disabled.id, "disabled");
    const r1 = await rotateClient({ clientId: disabled.id, secretId: "keyward/disabled" }, kit.deps(), { createSecret: true });
    expect(r1).toMatchObject({ status: "failed", exitCode: 1, reason: "client-not-active", regenerations: 0 });
    expect(r1.hint).toMatch(/active/);

    const r2 = await rotateClient({ clientId: "00000000-0000-4000-8000-000000000000", secretId: "keyward/missing" }, kit.deps(), { createSecret: true });
    expect(r2).toMatchObject({ status: "failed", exitCode: 1, reason: "not-found" });
    expect(r2.hint).toMatch(/client/i);

    const client = await kit.createClient("no-container");
    const r3 = await rotateClient({ clientId: client.id, secretId: "keyward/no-container" }, kit.deps());
    expect(r3).toMatchObject({ status: "failed", exitCode: 1, reason: "secret-missing", regenerations: 0 });
    expect(r3.hint).toMatch(/--create-secret/);
    expect(await live(client.id, client.secret)).toBe("live");
  });

  it("reports rejected admin credentials as a configuration problem (exit 2)", async () => {
    const { createGenesysClient, genesysSettingsFromEnv } = await import("../../src/genesys/index.js");
    const bad = createGenesysClient(genesysSettingsFromEnv({ ...kit.env, GENESYSCLOUD_OAUTHCLIENT_SECRET: "not-the-admin-secret-at-all" }));
    const client = await kit.createClient("bad-admin");
    const result = await rotateClient({ clientId: client.id, secretId: "keyward/bad-admin" }, kit.deps({ genesys: bad }), { createSecret: true });
    expect(result).toMatchObject({ status: "failed", exitCode: 2, reason: "admin-credentials-rejected" });
    expect(result.hint).toMatch(/GENESYSCLOUD_OAUTHCLIENT_ID/);
  });
});

describe("admin clients without the needed permission", () => {
  it("exits 2 and names oauth:client:edit when the admin role may only view clients", async () => {
    const { BUILTIN_ROLES } = await import("../../src/sandbox/genesys/index.js");
    const { createGenesysClient, genesysSettingsFromEnv } = await import("../../src/genesys/index.js");
    const [viewer] = kit.sandbox.genesys.control.seed({ clients: [{ name: "viewer-admin", roleIds: [BUILTIN_ROLES.readonly] }] }).clients;
    kit.minted.add(viewer!.secret);
    const genesys = createGenesysClient(genesysSettingsFromEnv({ ...kit.env, GENESYSCLOUD_OAUTHCLIENT_ID: viewer!.id, GENESYSCLOUD_OAUTHCLIENT_SECRET: viewer!.secret }));
    const client = await kit.createClient("needs-edit");
    const result = await rotateClient({ clientId: client.id, secretId: "keyward/needs-edit" }, kit.deps({ genesys }), { createSecret: true });
    expect(result).toMatchObject({ status: "failed", exitCode: 2, reason: "admin-permission-missing", regenerations: 0 });
    expect(`${result.message} ${result.hint}`).toMatch(/oauth:client:edit/);
    expect(await live(client.id, client.secret)).toBe("live");
  });
});

describe("rotating through faults", () => {
  it("rides out a 429 storm by honouring Retry-After", async () => {
    const client = await kit.createClient("storm");
    // As many requests per window as workers: after each 429 every worker waits for the window to reset, and the
    // requests then sent all fit in the new window, so no worker can lose the race until its attempts run out
    // (with fewer per window than workers, one unlucky worker could, on a slow machine).
    kit.sandbox.genesys.control.setLimits({ apiRequestsPerWindow: 3, apiWindowSeconds: 1 });
    const genesys = kit.genesys();
    const results = await Promise.all(
      [1, 2, 3].map(async (i) => {
        const c = i === 1 ? client : await kit.createClient(`storm-${i}`);
        return rotateClient({ clientId: c.id, secretId: `keyward/storm-${i}` }, kit.deps({ genesys }), { createSecret: true, policy: FAST });
      }),
    );
    expect(results.map((r) => `${r.status} ${r.reason ?? ""} ${r.message ?? ""}`.trim())).toEqual(["rotated", "rotated", "rotated"]);
    expect(kit.sandbox.genesys.control.state().tooManyRequests).toBeGreaterThan(0);
  }, 120_000);

  it("retries the token endpoint's 400 rate-limit answer", async () => {
    const client = await kit.createClient("token-limit");
    kit.sandbox.genesys.control.addFault({ route: "POST /oauth/token", errorRate: 1, errorStatus: 400, times: 2 });
    const result = await rotateClient({ clientId: client.id, secretId: "keyward/token-limit" }, kit.deps(), { createSecret: true, policy: FAST });
    expect(result.status).toBe("rotated");
  });

  it("retries 5xx bursts and connection resets", async () => {
    const client = await kit.createClient("bursts");
    kit.sandbox.genesys.control.setFaults([
      { route: "GET /api/v2/oauth/clients/{clientId}", errorRate: 1, errorStatus: 503, times: 2 },
      { route: "POST /api/v2/oauth/clients/{clientId}/secret", resetRate: 1, times: 1 },
      { route: "POST /oauth/token", errorRate: 1, errorStatus: 502, times: 1 },
    ]);
    const result = await rotateClient({ clientId: client.id, secretId: "keyward/bursts" }, kit.deps(), { createSecret: true, policy: FAST });
    expect(result.status).toBe("rotated");
    const stored = await storedSecret("keyward/bursts");
    expect(await live(client.id, stored.clientSecret)).toBe("live");
  });

  it("exits 3 when Secrets Manager is down after the regenerate, and a re-run fixes it", async () => {
    const client = await kit.createClient("sm-down");
    await rotateClient({ clientId: client.id, secretId: "keyward/sm-down" }, kit.deps(), { createSecret: true });
    const before = await storedSecret("keyward/sm-down");
    // The lock's record is written (the write path works), then every store of the new secret fails.
    kit.sandbox.secretsManager.control.faults.set([{ route: "PutSecretValue", errorRate: 1, errorStatus: 503, skip: 1 }]);

    const failed = await rotateClient({ clientId: client.id, secretId: "keyward/sm-down" }, kit.deps(), { policy: FAST });
    expect(failed).toMatchObject({ status: "failed", exitCode: 3, reason: "not-stored" });
    expect(failed.message).toMatch(/previous secret is already invalid/);
    expect(failed.hint).toMatch(/re-run `keyward rotate --client-id/);
    expect(await live(client.id, before.clientSecret)).toBe("dead");

    kit.sandbox.secretsManager.control.clearFaults();
    const rerun = await rotateClient({ clientId: client.id, secretId: "keyward/sm-down" }, kit.deps(), { policy: FAST });
    expect(rerun.status).toBe("rotated");
    const after = await storedSecret("keyward/sm-down");
    expect(await live(client.id, after.clientSecret)).toBe("live");
  });

  it("refuses before regenerating (exit 2) when it may not read the secret it writes, naming the missing permission", async () => {
    const client = await kit.createClient("no-read-back");
    kit.sandbox.secretsManager.control.faults.set([{ route: "GetSecretValue", errorRate: 1, errorStatus: 403 }]);
    const result = await rotateClient({ clientId: client.id, secretId: "keyward/no-read-back" }, kit.deps(), { createSecret: true, policy: FAST });
    kit.sandbox.secretsManager.control.clearFaults();
    expect(result).toMatchObject({ status: "failed", exitCode: 2, reason: "secrets-access-denied", regenerations: 0 });
    expect(result.hint).toMatch(/GetSecretValue/);
    expect(await live(client.id, client.secret)).toBe("live");
    // The container it created for the rotation is gone again: nothing is left claimed for the client.
    expect(kit.sandbox.secretsManager.control.state().secrets.find((s) => s.name === "keyward/no-read-back")).toBeUndefined();
  });

  it("reports a container scheduled for deletion with the restore command", async () => {
    const client = await kit.createClient("scheduled");
    await rotateClient({ clientId: client.id, secretId: "keyward/scheduled" }, kit.deps(), { createSecret: true });
    const { DeleteSecretCommand } = await import("@aws-sdk/client-secrets-manager");
    await kit.sm.send(new DeleteSecretCommand({ SecretId: "keyward/scheduled", RecoveryWindowInDays: 7 }));
    const result = await rotateClient({ clientId: client.id, secretId: "keyward/scheduled" }, kit.deps(), { createSecret: true });
    expect(result).toMatchObject({ status: "failed", exitCode: 1, reason: "secret-scheduled-for-deletion", regenerations: 0 });
    expect(result.hint).toMatch(/restore-secret/);
  });
});

describe("concurrent rotations of one client", () => {
  it("take turns on the secret's lock: after 10 simultaneous runs, every one rotated and AWSCURRENT authenticates — 5 times over", async () => {
    const client = await kit.createClient("contended");
    kit.sandbox.genesys.control.setLimits({ tokenRequestsPerWindow: 100_000, apiRequestsPerWindow: 100_000 });
    await rotateClient({ clientId: client.id, secretId: "keyward/contended" }, kit.deps(), { createSecret: true });
    let regenerations = 0;
    const store = kit.store();
    for (let round = 0; round < 5; round++) {
      const results = await Promise.all(
        Array.from({ length: 10 }, () => rotateClient({ clientId: client.id, secretId: "keyward/contended" }, kit.deps({ store }), { policy: FAST })),
      );
      const stored = await storedSecret("keyward/contended");
      expect(await live(client.id, stored.clientSecret)).toBe("live");
      expect(results.map((r) => r.reason ?? r.status)).toEqual(Array(10).fill("rotated"));
      regenerations += results.reduce((n, r) => n + r.regenerations, 0);
    }
    // Under the lock nobody invalidates another run's new secret: one regenerate per rotation.
    expect(regenerations).toBe(5 * 10);
  }, 600_000);
});

describe("the canary", () => {
  it("finds none of the secrets minted in these tests in any log line", () => {
    kit.collectStoredSecrets();
    expect(kit.minted.size).toBeGreaterThan(10);
    expect(leakedSecrets(kit.logs, kit.minted)).toEqual([]);
  });
});
