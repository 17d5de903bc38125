// §8 of the reference, through the official SDK: the authorization roles API, "a caller may only assign roles it
// holds", and soft delete of older clients.
import { BUILTIN_ROLES, startGenesysEmulator, type GenesysEmulator, type SeededClient } from "../../../src/sandbox/genesys/index.js";
import type { ErrorBody } from "../../../src/genesys/types.js";
import { rejectionOf, requestToken } from "./helpers.js";
import { newSdkClient, platformClient, type SdkClient } from "./sdk-client.js";

const DAY = 86_400_000;
const CUSTOM_ROLE = "6b0a5c1e-0000-4000-8000-0000000000f1";

describe("Genesys emulator §8 behaviours through the official SDK", () => {
  let emulator: GenesysEmulator;
  let admin: SeededClient;
  let creator: SeededClient;
  let janitor: SeededClient;
  let asAdmin: SdkClient;
  let asCreator: SdkClient;
  let roles: InstanceType<typeof platformClient.AuthorizationApi>;

  beforeAll(async () => {
    emulator = await startGenesysEmulator();
  });
  beforeEach(async () => {
    emulator.control.reset();
    [admin, creator, janitor] = emulator.control.seed({
      roles: [{ id: CUSTOM_ROLE, name: "client creator", permissions: ["oauth:client:add", "oauth:client:edit", "oauth:client:view"] }],
      clients: [
        { name: "admin", roleIds: [BUILTIN_ROLES.admin, BUILTIN_ROLES.janitor, BUILTIN_ROLES.readonly, CUSTOM_ROLE] },
        { name: "creator", roleIds: [CUSTOM_ROLE] },
        { name: "janitor", roleIds: [BUILTIN_ROLES.janitor] },
      ],
    }).clients as [SeededClient, SeededClient, SeededClient];
    asAdmin = newSdkClient(emulator.port);
    await asAdmin.client.loginClientCredentialsGrant(admin.id, admin.secret);
    asCreator = newSdkClient(emulator.port);
    await asCreator.client.loginClientCredentialsGrant(creator.id, creator.secret);
    roles = new platformClient.AuthorizationApi(asAdmin.client);
  });
  afterAll(() => emulator.close());

  describe("GET /api/v2/authorization/roles and /roles/{roleId}", () => {
    it("lists roles in pages, like the real listing", async () => {
      const all = await roles.getAuthorizationRoles();
      expect(all).toMatchObject({ pageNumber: 1, pageSize: 25, total: 4, pageCount: 1 });
      expect(all.entities?.map((r) => r.name)).toEqual(["admin", "client creator", "janitor", "readonly"]);
      const page2 = await roles.getAuthorizationRoles({ pageSize: 3, pageNumber: 2 });
      expect(page2).toMatchObject({ pageNumber: 2, pageSize: 3, total: 4, pageCount: 2 });
      expect(page2.entities?.map((r) => r.name)).toEqual(["readonly"]);
      expect(page2.previousUri).toBe("/api/v2/authorization/roles?pageSize=3&pageNumber=1");
      expect(page2.nextUri).toBeUndefined();
      const page1 = await roles.getAuthorizationRoles({ pageSize: 3 });
      expect(page1.nextUri).toBe("/api/v2/authorization/roles?pageSize=3&pageNumber=2");
    });

    it("filters by name, id and permission (wildcards count)", async () => {
      expect((await roles.getAuthorizationRoles({ name: "janitor" })).entities?.map((r) => r.id)).toEqual([BUILTIN_ROLES.janitor]);
      expect((await roles.getAuthorizationRoles({ id: [BUILTIN_ROLES.readonly, CUSTOM_ROLE] })).total).toBe(2);
      const editors = await roles.getAuthorizationRoles({ permission: ["oauth:client:edit"] });
      expect(editors.entities?.map((r) => r.name)).toEqual(["admin", "client creator", "janitor"]);
    });

    it("returns one role as a DomainOrganizationRole: its policies, and no general permissions for a seeded role", async () => {
      const role = await roles.getAuthorizationRole(CUSTOM_ROLE);
      expect(role).toMatchObject({
        id: CUSTOM_ROLE,
        name: "client creator",
        permissions: [],
        permissionPolicies: [{ domain: "oauth", entityName: "client", actionSet: ["add", "edit", "view"] }],
        selfUri: `/api/v2/authorization/roles/${CUSTOM_ROLE}`,
      });
      const adminRole = await roles.getAuthorizationRole(BUILTIN_ROLES.admin);
      expect(adminRole.permissionPolicies).toContainEqual(expect.objectContaining({ domain: "*", entityName: "*", actionSet: ["*"] }));
    });

    it("answers an unknown role with 404 not.found, and a caller without authorization:role:view with 403", async () => {
      const missing = (await rejectionOf(roles.getAuthorizationRole("6b0a5c1e-0000-4000-8000-00000000dead"))) as ErrorBody;
      expect(missing).toMatchObject({ status: 404, code: "not.found" });
      const asJanitor = newSdkClient(emulator.port);
      await asJanitor.client.loginClientCredentialsGrant(janitor.id, janitor.secret);
      const denied = (await rejectionOf(new platformClient.AuthorizationApi(asJanitor.client).getAuthorizationRoles())) as ErrorBody;
      expect(denied).toMatchObject({ status: 403, code: "missing.any.permissions" });
    });
  });

  describe("a caller may only assign roles it holds", () => {
    const body = (roleId: string) => ({ name: `c-${roleId.slice(-4)}`, authorizedGrantType: "CLIENT-CREDENTIALS" as const, roleDivisions: [{ roleId, divisionId: "*" }] });

    it("refuses to create a client with a role the caller lacks (403 role.assignment.not.allowed), allows its own", async () => {
      const err = (await rejectionOf(asCreator.oauth.postOauthClients(body(BUILTIN_ROLES.readonly)))) as ErrorBody;
      expect(err).toMatchObject({ status: 403, code: "role.assignment.not.allowed" });
      expect(err.message).toContain(BUILTIN_ROLES.readonly);
      const created = await asCreator.oauth.postOauthClients(body(CUSTOM_ROLE));
      expect(created.roleDivisions).toEqual([{ roleId: CUSTOM_ROLE, divisionId: "*" }]);
    });

    it("on update, refuses a role added that the caller lacks, but keeps roles the client already had", async () => {
      const created = await asAdmin.oauth.postOauthClients({
        ...body(BUILTIN_ROLES.readonly),
        roleDivisions: [
          { roleId: BUILTIN_ROLES.readonly, divisionId: "*" },
          { roleId: CUSTOM_ROLE, divisionId: "*" },
        ],
      });
      const renamed = await asCreator.oauth.putOauthClient(created.id!, { ...body(CUSTOM_ROLE), name: "renamed", roleDivisions: created.roleDivisions });
      expect(renamed.name).toBe("renamed");
      const err = (await rejectionOf(
        asCreator.oauth.putOauthClient(created.id!, { ...body(CUSTOM_ROLE), roleDivisions: [...created.roleDivisions!, { roleId: BUILTIN_ROLES.admin, divisionId: "*" }] }),
      )) as ErrorBody;
      expect(err).toMatchObject({ status: 403, code: "role.assignment.not.allowed" });
    });

    it("answers 400 bad.request with roleAssignmentDeniedStatus 400, and allows anything with heldRolesOnly off", async () => {
      emulator.control.setSettings({ roleAssignmentDeniedStatus: 400 });
      expect(await rejectionOf(asCreator.oauth.postOauthClients(body(BUILTIN_ROLES.readonly)))).toMatchObject({ status: 400, code: "bad.request" });
      emulator.control.setSettings({ heldRolesOnly: false });
      await expect(asCreator.oauth.postOauthClients(body(BUILTIN_ROLES.readonly))).resolves.toMatchObject({ state: "active" });
    });
  });

  describe("soft delete", () => {
    /** Moves the emulator's clock; the admin's token (valid one day) is renewed, as a real caller would. */
    const advance = async (ms: number) => {
      emulator.control.advanceClock(ms);
      await asAdmin.client.loginClientCredentialsGrant(admin.id, admin.secret);
    };
    const seedInactive = (name: string, ageDays: number) =>
      emulator.control.seed({
        clients: [{ name, roleIds: [BUILTIN_ROLES.readonly], state: "inactive", dateCreated: new Date(Date.now() - ageDays * DAY).toISOString() }],
      }).clients[0]!;

    it("keeps a client older than 30 days as state deleted for 7 days, then 404s", async () => {
      const old = seedInactive("old", 40);
      await expect(asAdmin.oauth.deleteOauthClient(old.id)).resolves.toBeUndefined();
      const deleted = await asAdmin.oauth.getOauthClient(old.id);
      expect(deleted).toMatchObject({ id: old.id, state: "deleted" });
      expect((await asAdmin.oauth.getOauthClients()).entities?.map((c) => c.id)).not.toContain(old.id);
      expect((await requestToken(emulator.url, old.id, old.secret)).status).toBe(400);
      // Gone for writes at once.
      expect(await rejectionOf(asAdmin.oauth.postOauthClientSecret(old.id))).toMatchObject({ status: 404 });
      expect(await rejectionOf(asAdmin.oauth.deleteOauthClient(old.id))).toMatchObject({ status: 404 });

      await advance(7 * DAY - 1000);
      expect((await asAdmin.oauth.getOauthClient(old.id)).state).toBe("deleted");
      await advance(1000);
      expect(await rejectionOf(asAdmin.oauth.getOauthClient(old.id))).toMatchObject({ status: 404, code: "not.found" });
      expect(emulator.control.state().clients.map((c) => c.id)).not.toContain(old.id);
    });

    it("removes a younger client at once; the ages are settings", async () => {
      const young = seedInactive("young", 10);
      await asAdmin.oauth.deleteOauthClient(young.id);
      expect(await rejectionOf(asAdmin.oauth.getOauthClient(young.id))).toMatchObject({ status: 404 });

      const res = await emulator.handleControl("PUT", "/settings", { softDeleteMinAgeDays: 5, softDeleteRetentionDays: 1 });
      expect(res).toMatchObject({ status: 200, body: { settings: { softDeleteMinAgeDays: 5, softDeleteRetentionDays: 1 } } });
      const other = seedInactive("other", 10);
      await asAdmin.oauth.deleteOauthClient(other.id);
      expect((await asAdmin.oauth.getOauthClient(other.id)).state).toBe("deleted");
      expect(emulator.control.state().clients.find((c) => c.id === other.id)?.state).toBe("deleted");
      expect(await emulator.handleControl("POST", "/clock", { advanceMs: DAY })).toMatchObject({ status: 200 });
      await asAdmin.client.loginClientCredentialsGrant(admin.id, admin.secret);
      expect(await rejectionOf(asAdmin.oauth.getOauthClient(other.id))).toMatchObject({ status: 404 });
    });

    it("validates settings and clock input through the control API", async () => {
      expect((await emulator.handleControl("PUT", "/settings", { nope: true })).status).toBe(400);
      expect((await emulator.handleControl("PUT", "/settings", { roleAssignmentDeniedStatus: 418 })).status).toBe(400);
      expect((await emulator.handleControl("POST", "/clock", { advanceMs: -1 })).status).toBe(400);
      expect((await emulator.handleControl("GET", "/clock", undefined)).body).toMatchObject({ now: expect.stringMatching(/Z$/) });
      expect((await emulator.handleControl("GET", "/settings", undefined)).body).toEqual({
        settings: { rateLimitHeaders: false, heldRolesOnly: true, roleAssignmentDeniedStatus: 403, missingDivision: "home", softDeleteMinAgeDays: 30, softDeleteRetentionDays: 7 },
      });
    });
  });
});
