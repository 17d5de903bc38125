import { BUILTIN_ROLES, startGenesysEmulator, type GenesysEmulator, type SeededClient } from "../../../src/sandbox/genesys/index.js";
import type { ErrorBody } from "../../../src/genesys/types.js";
import { rejectionOf, type AxiosLikeError } from "./helpers.js";
import { newSdkClient, type SdkClient } from "./sdk-client.js";

describe("the official JS SDK against the Genesys emulator", () => {
  let emulator: GenesysEmulator;
  let admin: SeededClient;
  let janitor: SeededClient;
  let sdk: SdkClient;

  beforeAll(async () => {
    emulator = await startGenesysEmulator();
    [admin, janitor] = emulator.control.seed({
      clients: [
        { name: "terraform admin", roleIds: [BUILTIN_ROLES.admin, BUILTIN_ROLES.janitor, BUILTIN_ROLES.readonly] },
        { name: "keyward janitor", roleIds: [BUILTIN_ROLES.janitor] },
      ],
    }).clients as [SeededClient, SeededClient];
    sdk = newSdkClient(emulator.port);
    await sdk.client.loginClientCredentialsGrant(admin.id, admin.secret);
  });

  afterAll(() => emulator.close());

  const newClientBody = (name: string) => ({
    name,
    authorizedGrantType: "CLIENT-CREDENTIALS" as const,
    roleDivisions: [{ roleId: BUILTIN_ROLES.readonly, divisionId: "*" }],
  });

  it("logs in with the client-credentials grant and reads its own token info", async () => {
    const fresh = newSdkClient(emulator.port);
    const before = Date.now();
    const auth = await fresh.client.loginClientCredentialsGrant(admin.id, admin.secret);
    expect(auth.accessToken).toMatch(/^[\w-]{20,}$/);
    expect(auth.tokenExpiryTime).toBeGreaterThanOrEqual(before + 86_400_000);
    const me = await fresh.tokens.getTokensMe();
    expect(me.OAuthClient?.id).toBe(admin.id);
    expect(me.OAuthClient?.name).toBe("terraform admin");
    expect(me.organization?.name).toBe("keyward sandbox org");
  });

  it("rejects a wrong secret at login with an AxiosError carrying invalid_client", async () => {
    const err = (await rejectionOf(newSdkClient(emulator.port).client.loginClientCredentialsGrant(admin.id, "not-the-secret"))) as AxiosLikeError;
    expect(err.response?.status).toBe(400);
    expect(err.response?.data).toEqual({ error: "invalid_client", description: "authentication failed", error_description: "authentication failed" });
  });

  it("creates a client and shows its secret only in the create response", async () => {
    const created = await sdk.oauth.postOauthClients(newClientBody("rotated app"));
    expect(created.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(created).toMatchObject({ state: "active", accessTokenValiditySeconds: 86400, selfUri: `/api/v2/oauth/clients/${created.id}` });
    expect(created.createdBy?.id).toBe(admin.id);

    const listing = await sdk.oauth.getOauthClients();
    expect(listing).toMatchObject({ pageNumber: 1, pageCount: 1, total: listing.entities?.length });
    expect(listing.entities?.map((c) => c.id)).toContain(created.id);
    for (const entity of listing.entities ?? []) expect(entity.secret).toBeUndefined();

    const fetched = await sdk.oauth.getOauthClient(created.id!);
    expect(fetched.name).toBe("rotated app");
    expect(fetched.secret).toBeUndefined();
  });

  it("replaces a client with putOauthClient and returns it without a secret", async () => {
    const created = await sdk.oauth.postOauthClients(newClientBody("to be renamed"));
    const updated = await sdk.oauth.putOauthClient(created.id!, { ...newClientBody("renamed"), description: "now described", accessTokenValiditySeconds: 3600 });
    expect(updated).toMatchObject({ id: created.id, name: "renamed", description: "now described", accessTokenValiditySeconds: 3600 });
    expect(updated.secret).toBeUndefined();
    expect((await sdk.oauth.getOauthClient(created.id!)).name).toBe("renamed");
  });

  it("regenerates a secret so the old one is refused at once and the new one accepted", async () => {
    const created = await sdk.oauth.postOauthClients(newClientBody("secret rotation"));
    const regenerated = await sdk.oauth.postOauthClientSecret(created.id!);
    expect(regenerated.id).toBe(created.id);
    expect(regenerated.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(regenerated.secret).not.toBe(created.secret);

    const old = (await rejectionOf(newSdkClient(emulator.port).client.loginClientCredentialsGrant(created.id!, created.secret!))) as AxiosLikeError;
    expect(old.response?.status).toBe(400);
    expect(old.response?.data).toMatchObject({ error: "invalid_client" });
    await expect(newSdkClient(emulator.port).client.loginClientCredentialsGrant(created.id!, regenerated.secret!)).resolves.toHaveProperty("accessToken");
    expect(emulator.control.isSecretValid(created.id!, regenerated.secret!)).toBe(true);
    expect(emulator.control.isSecretValid(created.id!, created.secret!)).toBe(false);
    expect(emulator.control.state().clients.find((c) => c.id === created.id)?.secretVersion).toBe(2);
  });

  it("stops a disabled client from logging in and kills its existing token", async () => {
    const created = await sdk.oauth.postOauthClients(newClientBody("to be disabled"));
    const victim = newSdkClient(emulator.port);
    await victim.client.loginClientCredentialsGrant(created.id!, created.secret!);
    await expect(victim.tokens.getTokensMe()).resolves.toHaveProperty("OAuthClient.id", created.id);

    await sdk.oauth.putOauthClient(created.id!, { ...newClientBody("to be disabled"), state: "disabled" });

    const apiErr = (await rejectionOf(victim.tokens.getTokensMe())) as ErrorBody;
    expect(apiErr).toMatchObject({ status: 401, code: "bad.credentials" });
    const loginErr = (await rejectionOf(newSdkClient(emulator.port).client.loginClientCredentialsGrant(created.id!, created.secret!))) as AxiosLikeError;
    expect(loginErr.response?.data).toMatchObject({ error: "invalid_client" });
  });

  it("refuses to delete an active client with cannot.delete.client", async () => {
    const created = await sdk.oauth.postOauthClients(newClientBody("still active"));
    const err = (await rejectionOf(sdk.oauth.deleteOauthClient(created.id!))) as ErrorBody;
    expect(err).toMatchObject({
      status: 400,
      code: "cannot.delete.client",
      message: "Clients must be marked as inactive to be eligible for deletion.",
      details: [],
      errors: [],
    });
    expect(err.contextId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("deletes a client once it is inactive, after which getOauthClient answers not.found", async () => {
    const created = await sdk.oauth.postOauthClients(newClientBody("to be deleted"));
    const inactive = await sdk.oauth.putOauthClient(created.id!, { ...newClientBody("to be deleted"), state: "inactive" });
    expect(inactive.state).toBe("inactive");
    expect(inactive.dateToDelete).toBeDefined();
    await expect(sdk.oauth.deleteOauthClient(created.id!)).resolves.toBeUndefined();
    const err = (await rejectionOf(sdk.oauth.getOauthClient(created.id!))) as ErrorBody;
    expect(err).toMatchObject({ status: 404, code: "not.found" });
  });

  it("answers a janitor that tries to add a client with 403 missing.any.permissions", async () => {
    const janitorSdk = newSdkClient(emulator.port);
    await janitorSdk.client.loginClientCredentialsGrant(janitor.id, janitor.secret);
    await expect(janitorSdk.oauth.getOauthClients()).resolves.toHaveProperty("pageNumber", 1);
    const err = (await rejectionOf(janitorSdk.oauth.postOauthClients(newClientBody("not allowed")))) as ErrorBody;
    expect(err).toMatchObject({
      status: 403,
      code: "missing.any.permissions",
      message: "Unable to perform the requested action. You must have at least one of the following permissions assigned: oauth:client:add",
    });
  });

  it("reports validation failures as ErrorBody objects naming the field", async () => {
    const missing = (await rejectionOf(sdk.oauth.postOauthClients({ name: "no grant type" } as never))) as ErrorBody;
    expect(missing).toMatchObject({ status: 400, code: "bad.request" });
    expect(missing.message).toContain("authorizedGrantType");

    const unknownRole = (await rejectionOf(
      sdk.oauth.postOauthClients({ ...newClientBody("bad role"), roleDivisions: [{ roleId: "no-such-role", divisionId: "*" }] }),
    )) as ErrorBody;
    expect(unknownRole).toMatchObject({ status: 400, code: "invalid.value", messageParams: { field: "roleDivisions.roleId", value: "no-such-role" } });

    const tooShort = (await rejectionOf(sdk.oauth.postOauthClients({ ...newClientBody("short"), accessTokenValiditySeconds: 60 }))) as ErrorBody;
    expect(tooShort).toMatchObject({ status: 400, code: "invalid.value", messageParams: { field: "accessTokenValiditySeconds" } });
  });

  it("revokes the presented token with deleteTokensMe", async () => {
    const session = newSdkClient(emulator.port);
    await session.client.loginClientCredentialsGrant(admin.id, admin.secret);
    await expect(session.tokens.headTokensMe()).resolves.toBeUndefined();
    await expect(session.tokens.deleteTokensMe()).resolves.toBeUndefined();
    const err = (await rejectionOf(session.tokens.getTokensMe())) as ErrorBody;
    expect(err).toMatchObject({ status: 401, code: "bad.credentials" });
  });

  it("works behind gateway path prefixes for login and API", async () => {
    const gated = newSdkClient(emulator.port, { path_params_login: "login", path_params_api: "gateway/genesys" });
    expect(gated.client.config.getConfUrl("login", "unused")).toBe(`http://127.0.0.1:${emulator.port}/login`);
    expect(gated.client.config.getConfUrl("api", "unused")).toBe(`http://127.0.0.1:${emulator.port}/gateway/genesys`);
    await gated.client.loginClientCredentialsGrant(admin.id, admin.secret);
    const listing = await gated.oauth.getOauthClients();
    expect(listing.total).toBeGreaterThan(0);
  });
});
