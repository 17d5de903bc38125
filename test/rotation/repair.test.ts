import { randomUUID } from "node:crypto";
import { CreateSecretCommand, PutSecretValueCommand, UpdateSecretVersionStageCommand } from "@aws-sdk/client-secrets-manager";
import { serializeRotationIntent } from "../../src/contracts/rotation-intent.js";
import { findInterruptedRotations, inspectRotation, repairClientSecret, repairTargetOf } from "../../src/rotation/repair.js";
import { rotateClient } from "../../src/rotation/rotate-client.js";
import { leakedSecrets } from "../helpers/keyward-cli.js";
import { useSandboxKit } from "../helpers/sandbox.js";

/** The repair API the janitor and a sweep call (src/rotation/repair.ts). */
const kit = useSandboxKit();
const regenerates = () => Object.values(kit.sandbox.genesys.control.state().requests["POST /api/v2/oauth/clients/{clientId}/secret"] ?? {}).reduce((a, b) => a + b, 0);

afterAll(() => {
  kit.collectStoredSecrets();
  expect(leakedSecrets(kit.logs, kit.minted)).toEqual([]);
});

async function rotated(name: string) {
  const client = await kit.createClient(name);
  const secretId = `keyward/repair/${name}`;
  expect((await rotateClient({ clientId: client.id, secretId }, kit.deps(), { createSecret: true })).status).toBe("rotated");
  return { client, secretId, doc: await kit.stored(secretId) };
}

/**
 * The state a rotation leaves when it dies between storing its new secret at AWSPENDING and promoting it: its lock
 * record (expired by now), the client regenerated, the new document at AWSPENDING named after that record.
 */
async function interruptedAfterStore(clientId: string, secretId: string): Promise<string> {
  const owner = randomUUID();
  const intent = { owner, clientId, startedAt: new Date(Date.now() - 600_000).toISOString(), expiresAt: new Date(Date.now() - 300_000).toISOString(), by: "a run that died" };
  await kit.sm.send(new PutSecretValueCommand({ SecretId: secretId, ClientRequestToken: owner, SecretString: serializeRotationIntent(intent), VersionStages: ["KEYWARD_INTENT"] }));
  await kit.sm.send(new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: "AWSPENDING", MoveToVersionId: owner }));
  const secret = (await kit.genesys().oauthClients.regenerateSecret(clientId)).secret;
  kit.minted.add(secret);
  await kit.sm.send(
    new PutSecretValueCommand({
      SecretId: secretId,
      ClientRequestToken: `${owner}.0a1b2c3d`,
      SecretString: JSON.stringify({ clientId, clientSecret: secret, region: "us-east-1" }),
      VersionStages: ["AWSPENDING"],
    }),
  );
  return secret;
}

describe("repairing a managed secret", () => {
  it("leaves a healthy secret alone: nothing regenerated", async () => {
    const { client, secretId, doc } = await rotated("healthy");
    const before = regenerates();
    const result = await repairClientSecret({ clientId: client.id, secretId }, kit.deps());
    expect(result).toMatchObject({ status: "rotated", exitCode: 0, recovered: "healthy", regenerations: 0 });
    expect(regenerates()).toBe(before);
    expect((await kit.stored(secretId)).clientSecret).toBe(doc.clientSecret);
  });

  it("rotates a secret whose AWSCURRENT no longer authenticates (regenerated outside keyward)", async () => {
    const { client, secretId } = await rotated("dead-current");
    kit.minted.add((await kit.genesys().oauthClients.regenerateSecret(client.id)).secret);
    const result = await repairClientSecret({ clientId: client.id, secretId }, kit.deps());
    expect(result).toMatchObject({ status: "rotated", regenerations: 1 });
    expect(await kit.check(client.id, (await kit.stored(secretId)).clientSecret)).toBe("live");
  });

  it("finds an interrupted rotation and promotes the new secret it left at AWSPENDING, without regenerating", async () => {
    const { client, secretId, doc } = await rotated("interrupted");
    const pendingSecret = await interruptedAfterStore(client.id, secretId);
    expect(await kit.check(client.id, doc.clientSecret)).toBe("dead");

    const inspection = await inspectRotation(kit.store(), secretId);
    expect(inspection).toMatchObject({
      clientId: client.id.toLowerCase(),
      interrupted: true,
      inProgress: false,
      pending: { kind: "credentials", clientId: client.id.toLowerCase() },
    });
    const swept = await findInterruptedRotations(kit.store(), "keyward/repair/");
    expect(swept.interrupted.map((i) => i.name)).toContain(secretId);
    expect(swept.unreadable).toEqual([]);

    const before = regenerates();
    const result = await repairClientSecret(repairTargetOf(inspection)!, kit.deps());
    expect(result).toMatchObject({ status: "rotated", recovered: "promoted-pending", regenerations: 0 });
    expect(regenerates()).toBe(before);
    expect((await kit.stored(secretId)).clientSecret).toBe(pendingSecret);
    expect((await inspectRotation(kit.store(), secretId)).interrupted).toBe(false);
  });

  it("does not touch a rotation that is in progress (its lock is live): it waits, and says so when it cannot", async () => {
    const { client, secretId } = await rotated("in-progress");
    const owner = randomUUID();
    const intent = { owner, clientId: client.id, startedAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 600_000).toISOString(), by: "a live run" };
    await kit.sm.send(
      new PutSecretValueCommand({ SecretId: secretId, ClientRequestToken: owner, SecretString: serializeRotationIntent(intent), VersionStages: ["KEYWARD_INTENT"] }),
    );
    await kit.sm.send(new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: "AWSPENDING", MoveToVersionId: owner }));
    expect(await inspectRotation(kit.store(), secretId)).toMatchObject({ inProgress: true, interrupted: false, pending: { kind: "intent", intent: { by: "a live run" } } });
    const result = await repairClientSecret({ clientId: client.id, secretId }, kit.deps(), { policy: { lockWaitMs: 300 } });
    expect(result).toMatchObject({ status: "failed", exitCode: 5, reason: "rotation-in-progress", regenerations: 0 });
    expect(result.message).toMatch(/a live run/);
  });

  it("an unmanaged secret (outside the prefix) is not swept", async () => {
    await kit.sm.send(new CreateSecretCommand({ Name: "elsewhere/not-managed", Tags: [{ Key: "keyward:client-id", Value: randomUUID() }] }));
    const swept = await findInterruptedRotations(kit.store(), "keyward/repair/");
    expect(swept.interrupted.map((i) => i.name)).not.toContain("elsewhere/not-managed");
  });
});
