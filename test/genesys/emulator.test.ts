import { resetSecretRegistry } from "../../src/core/redact.js";
import { checkCredentials, createGenesysClient, genesysSettingsFromEnv, type GenesysClient } from "../../src/genesys/index.js";
import { BUILTIN_ROLES, startGenesysEmulator, type GenesysEmulator, type SeededClient } from "../../src/sandbox/genesys/index.js";

/** The client against keyward's Genesys Cloud emulator, reached the way a user would: the gateway variables. */
describe("the Genesys client against the emulator", () => {
  let emulator: GenesysEmulator;
  let admin: SeededClient;
  let genesys: GenesysClient;
  let target: { loginBaseUrl: string; apiBaseUrl: string };

  beforeAll(async () => {
    emulator = await startGenesysEmulator();
  });
  beforeEach(() => {
    resetSecretRegistry();
    emulator.control.reset();
    [admin] = emulator.control.seed({ clients: [{ name: "admin", roleIds: [BUILTIN_ROLES.admin, BUILTIN_ROLES.janitor, BUILTIN_ROLES.readonly] }] }).clients as [SeededClient];
    const settings = genesysSettingsFromEnv({
      GENESYSCLOUD_OAUTHCLIENT_ID: admin.id,
      GENESYSCLOUD_OAUTHCLIENT_SECRET: admin.secret,
      GENESYSCLOUD_REGION: "us-east-1",
      GENESYSCLOUD_GATEWAY_HOST: "127.0.0.1",
      GENESYSCLOUD_GATEWAY_PORT: String(emulator.port),
      GENESYSCLOUD_GATEWAY_PROTOCOL: "http",
    });
    genesys = createGenesysClient(settings);
    target = settings.endpoints;
  });
  afterAll(() => emulator.close());

  it("creates a client, rotates its secret, and sees the old secret die and the new one live", async () => {
    const created = await genesys.oauthClients.create({
      name: "ivr",
      authorizedGrantType: "CLIENT-CREDENTIALS",
      roleDivisions: [{ roleId: BUILTIN_ROLES.readonly, divisionId: "*" }],
    });
    await expect(checkCredentials(created.id, created.secret, target)).resolves.toBe("live");

    const rotated = await genesys.oauthClients.regenerateSecret(created.id);
    expect(rotated.secret).not.toBe(created.secret);
    await expect(checkCredentials(created.id, created.secret, target)).resolves.toBe("dead");
    await expect(checkCredentials(created.id, rotated.secret, target)).resolves.toBe("live");
    expect(emulator.control.state().liveTokens).toBe(1); // only the admin token: the checks revoked theirs
  });

  it("lists, disables, re-enables and deletes a client", async () => {
    const created = await genesys.oauthClients.create({ name: "crm", authorizedGrantType: "CLIENT-CREDENTIALS" });
    expect((await genesys.oauthClients.list()).map((c) => c.id)).toContain(created.id);

    await expect(genesys.oauthClients.setState(created.id, "disabled")).resolves.toMatchObject({ state: "disabled" });
    await expect(checkCredentials(created.id, created.secret, target)).resolves.toBe("dead");
    await expect(genesys.oauthClients.setState(created.id, "active")).resolves.toMatchObject({ state: "active", name: "crm" });

    await expect(genesys.oauthClients.delete(created.id)).resolves.toBe("deleted");
    await expect(genesys.oauthClients.delete(created.id)).resolves.toBe("already-absent");
  });

  it("maps the emulator's errors like the real ones", async () => {
    await expect(genesys.oauthClients.get("00000000-0000-4000-8000-000000000000")).rejects.toMatchObject({ reason: "not-found", status: 404 });
    const [readonly] = emulator.control.seed({ clients: [{ name: "reader", roleIds: [BUILTIN_ROLES.readonly] }] }).clients as [SeededClient];
    const reader = createGenesysClient(
      genesysSettingsFromEnv({
        GENESYSCLOUD_OAUTHCLIENT_ID: readonly.id,
        GENESYSCLOUD_OAUTHCLIENT_SECRET: readonly.secret,
        GENESYSCLOUD_GATEWAY_HOST: "127.0.0.1",
        GENESYSCLOUD_GATEWAY_PORT: String(emulator.port),
        GENESYSCLOUD_GATEWAY_PROTOCOL: "http",
      }),
    );
    await expect(reader.oauthClients.regenerateSecret(admin.id)).rejects.toMatchObject({ reason: "forbidden", exitCode: 2 });
  });
});
