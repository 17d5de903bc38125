// The Platform API routes the genesyscloud Terraform provider calls beyond the OAuth clients (reference §5/§8):
// its configure step (`/organizations/me`, `/authorization/products`), a grant without a division
// (`/authorization/divisions/home`), the role resource (`/authorization/roles` create/read/update/delete and the
// `/authorization/permissions` check). Each is driven through the official SDK, as the provider's Go SDK would call it.
import { BUILTIN_ROLES, HOME_DIVISION_ID, startGenesysEmulator, type GenesysEmulator, type SeededClient } from "../../../src/sandbox/genesys/index.js";
import type { ErrorBody } from "../../../src/genesys/types.js";
import { rejectionOf, requestToken } from "./helpers.js";
import { newSdkClient, platformClient, type SdkClient } from "./sdk-client.js";

describe("Genesys emulator: the routes Terraform plan/apply/import/destroy call, through the official SDK", () => {
  let emulator: GenesysEmulator;
  let admin: SeededClient;
  let viewer: SeededClient;
  let asAdmin: SdkClient;
  let asViewer: SdkClient;
  let authz: InstanceType<typeof platformClient.AuthorizationApi>;

  beforeAll(async () => {
    emulator = await startGenesysEmulator();
  });
  beforeEach(async () => {
    emulator.control.reset();
    [admin, viewer] = emulator.control.seed({
      clients: [
        { name: "admin", roleIds: [BUILTIN_ROLES.admin, BUILTIN_ROLES.readonly] },
        { name: "viewer", roleIds: [BUILTIN_ROLES.readonly] },
      ],
    }).clients as [SeededClient, SeededClient];
    asAdmin = newSdkClient(emulator.port);
    await asAdmin.client.loginClientCredentialsGrant(admin.id, admin.secret);
    asViewer = newSdkClient(emulator.port);
    await asViewer.client.loginClientCredentialsGrant(viewer.id, viewer.secret);
    authz = new platformClient.AuthorizationApi(asAdmin.client);
  });
  afterAll(() => emulator.close());

  describe("what the provider's configure step reads (no permission needed)", () => {
    it("answers GET /api/v2/organizations/me with the org and its defaultCountryCode", async () => {
      const org = await new platformClient.OrganizationApi(asViewer.client).getOrganizationsMe();
      expect(org).toMatchObject({ id: emulator.control.state().organization.id, name: "keyward sandbox org", defaultCountryCode: "US", state: "active" });
    });

    it("answers GET /api/v2/authorization/products with the enabled products", async () => {
      const products = await new platformClient.AuthorizationApi(asViewer.client).getAuthorizationProducts();
      expect(products).toMatchObject({ pageNumber: 1, total: 2, pageCount: 1 });
      expect(products.entities?.map((p) => p.id)).toEqual(["communicate", "engage"]);
    });
  });

  describe("divisions", () => {
    it("answers GET /api/v2/authorization/divisions/home with the home division, to any caller", async () => {
      const home = await new platformClient.AuthorizationApi(asViewer.client).getAuthorizationDivisionsHome();
      expect(home).toMatchObject({ id: HOME_DIVISION_ID, name: "Home", homeDivision: true });
    });

    it("grants a role without a divisionId in the home division (the default), or refuses it with missingDivision reject", async () => {
      const body = { name: "no division", authorizedGrantType: "CLIENT-CREDENTIALS" as const, roleDivisions: [{ roleId: BUILTIN_ROLES.readonly }] };
      const created = await asAdmin.oauth.postOauthClients(body as never);
      expect(created.roleDivisions).toEqual([{ roleId: BUILTIN_ROLES.readonly, divisionId: HOME_DIVISION_ID }]);
      expect((await asAdmin.oauth.getOauthClient(created.id!)).roleDivisions).toEqual([{ roleId: BUILTIN_ROLES.readonly, divisionId: HOME_DIVISION_ID }]);

      emulator.control.setSettings({ missingDivision: "reject" });
      const err = (await rejectionOf(asAdmin.oauth.postOauthClients(body as never))) as ErrorBody;
      expect(err).toMatchObject({ status: 400, code: "bad.request" });
      expect(err.message).toContain("roleDivisions.divisionId");
      expect((await emulator.handleControl("PUT", "/settings", { missingDivision: "sometimes" })).status).toBe(400);
    });
  });

  describe("roles: create, read, replace, delete", () => {
    const policy = { domain: "oauth", entityName: "client", actionSet: ["view", "edit"] };

    it("creates a role from a DomainOrganizationRoleCreate and reads back exactly what was sent", async () => {
      const created = await authz.postAuthorizationRoles({ name: "narrow", description: "", permissionPolicies: [policy] });
      expect(created).toMatchObject({ name: "narrow", description: "", permissions: [], permissionPolicies: [expect.objectContaining(policy)] });
      const read = await authz.getAuthorizationRole(created.id!);
      expect(read).toMatchObject({ id: created.id, name: "narrow", description: "", permissions: [], permissionPolicies: [expect.objectContaining(policy)] });
      expect((await authz.getAuthorizationRoles({ name: "narrow" })).entities?.map((r) => r.id)).toEqual([created.id]);
    });

    it("replaces a role on PUT, and a client holding it gets the new permissions", async () => {
      const created = await authz.postAuthorizationRoles({ name: "growing", permissionPolicies: [{ domain: "oauth", entityName: "client", actionSet: ["view"] }] });
      const holder = emulator.control.seed({ clients: [{ name: "holder", roleIds: [created.id!] }] }).clients[0]!;
      const asHolder = newSdkClient(emulator.port);
      await asHolder.client.loginClientCredentialsGrant(holder.id, holder.secret);
      expect(await rejectionOf(asHolder.oauth.postOauthClientSecret(admin.id))).toMatchObject({ status: 403, code: "missing.any.permissions" });

      const replaced = await authz.putAuthorizationRole(created.id!, { name: "grown", description: "now edits", permissions: ["group_creation"], permissionPolicies: [policy] });
      expect(replaced).toMatchObject({ id: created.id, name: "grown", description: "now edits", permissions: ["group_creation"] });
      expect((await authz.getAuthorizationRole(created.id!)).permissionPolicies).toEqual([expect.objectContaining(policy)]);
      await expect(asHolder.oauth.postOauthClientSecret(viewer.id)).resolves.toMatchObject({ id: viewer.id });
    });

    it("deletes a role (then 404), and refuses unknown roles and bad bodies", async () => {
      const created = await authz.postAuthorizationRoles({ name: "short-lived", permissionPolicies: [policy] });
      await expect(authz.deleteAuthorizationRole(created.id!)).resolves.toBeUndefined();
      expect(await rejectionOf(authz.getAuthorizationRole(created.id!))).toMatchObject({ status: 404, code: "not.found" });
      expect(await rejectionOf(authz.deleteAuthorizationRole(created.id!))).toMatchObject({ status: 404 });
      expect(await rejectionOf(authz.putAuthorizationRole(created.id!, { name: "x" }))).toMatchObject({ status: 404 });
      expect(await rejectionOf(authz.postAuthorizationRoles({ description: "nameless" } as never))).toMatchObject({ status: 400, code: "bad.request" });
      expect(await rejectionOf(authz.postAuthorizationRoles({ name: "empty", permissionPolicies: [{ domain: "oauth", entityName: "client", actionSet: [] }] }))).toMatchObject({
        status: 400,
      });
    });

    it("needs authorization:role:add, :edit and :delete", async () => {
      const asViewerAuthz = new platformClient.AuthorizationApi(asViewer.client);
      const created = await authz.postAuthorizationRoles({ name: "guarded", permissionPolicies: [policy] });
      expect(await rejectionOf(asViewerAuthz.postAuthorizationRoles({ name: "x", permissionPolicies: [policy] }))).toMatchObject({ status: 403, code: "missing.any.permissions" });
      expect(await rejectionOf(asViewerAuthz.putAuthorizationRole(created.id!, { name: "x" }))).toMatchObject({ status: 403 });
      expect(await rejectionOf(asViewerAuthz.deleteAuthorizationRole(created.id!))).toMatchObject({ status: 403 });
    });

    it("refuses to grant a freshly created role the caller does not hold (reference §8: callers grant only roles they hold)", async () => {
      const created = await authz.postAuthorizationRoles({ name: "new role", permissionPolicies: [policy] });
      const err = (await rejectionOf(
        asAdmin.oauth.postOauthClients({ name: "c", authorizedGrantType: "CLIENT-CREDENTIALS", roleDivisions: [{ roleId: created.id!, divisionId: "*" }] }),
      )) as ErrorBody;
      expect(err).toMatchObject({ status: 403, code: "role.assignment.not.allowed" });
    });
  });

  describe("GET /api/v2/authorization/permissions (the provider's policy check)", () => {
    it("lists one DomainPermissionCollection per domain, filtered by queryType=domain", async () => {
      const listing = await authz.getAuthorizationPermissions({ pageSize: 100, pageNumber: 1, queryType: "domain", query: "oauth" });
      expect(listing).toMatchObject({ total: 1, pageNumber: 1 });
      const oauth = listing.entities![0]!;
      expect(oauth.domain).toBe("oauth");
      expect(oauth.permissionMap?.client?.map((p) => p.action)).toEqual(["add", "delete", "edit", "view"]);
      expect((await authz.getAuthorizationPermissions({ queryType: "domain", query: "nope" })).total).toBe(0);
      expect((await authz.getAuthorizationPermissions()).total).toBeGreaterThan(1);
    });
  });

  it("still needs a bearer token for each of them", async () => {
    const res = await fetch(`${emulator.url}/api/v2/organizations/me`);
    expect(res.status).toBe(401);
    expect((await requestToken(emulator.url, admin.id, "wrong")).status).toBe(400);
  });
});
