import { randomUUID } from "node:crypto";
import { OAUTH_PERMISSIONS, type OAuthClientEntityListing } from "../../genesys/types.js";
import { apiErrors } from "./api-error.js";
import { validateClientRequest, type ClientFields } from "./client-request.js";
import { homeDivisionView, organizationView, permissionListing, productListing } from "./org-views.js";
import { permissionsOfPolicies, validateRoleRequest, type RoleFields } from "./role-request.js";
import { roleListing, roleView } from "./roles-view.js";
import { HOME_DIVISION_ID, type GenesysStore, type StoredClient } from "./store.js";
import type { GenesysRoleView } from "./types.js";

export interface RouteContext {
  store: GenesysStore;
  caller: StoredClient;
  token: string;
  params: Record<string, string>;
  /** Parsed JSON for routes with `body: "json"`, otherwise undefined. */
  body: unknown;
  /** The query string's parameters. */
  query: URLSearchParams;
}

export interface RouteResult {
  status: number;
  body?: unknown;
}

export interface ApiRoute {
  method: string;
  template: string;
  /** `"<METHOD> <template>"`: the key faults and counters use. */
  key: string;
  pattern: RegExp;
  /** Required permission (the API's "Requires ANY permissions"); none where the API requires none (`/tokens/me`, `/organizations/me`, ...). */
  permission?: string;
  /** `json`: a JSON body is required; `ignored`: whatever is sent (the SDK sends none) is drained and dropped. */
  body: "none" | "json" | "ignored";
  run(ctx: RouteContext): RouteResult;
}

function route(method: string, template: string, options: Pick<ApiRoute, "permission" | "body" | "run">): ApiRoute {
  const pattern = new RegExp(`^${template.replace(/\{(\w+)\}/g, "(?<$1>[^/]+)")}$`);
  return { method, template, key: `${method} ${template}`, pattern, ...options };
}

const CLIENTS = "/api/v2/oauth/clients";
const ROLES = "/api/v2/authorization/roles";
const ROLE_PERMISSIONS = { view: "authorization:role:view", add: "authorization:role:add", edit: "authorization:role:edit", delete: "authorization:role:delete" };

/** The division a grant without `divisionId` gets, or undefined when such a grant is refused. */
const homeForGrants = (store: GenesysStore) => (store.behaviour.missingDivision === "home" ? HOME_DIVISION_ID : undefined);

function roleFrom(id: string, fields: RoleFields): GenesysRoleView {
  return {
    id,
    name: fields.name,
    ...(fields.description !== undefined ? { description: fields.description } : {}),
    generalPermissions: fields.generalPermissions,
    policies: fields.policies,
    permissions: permissionsOfPolicies(fields.policies),
  };
}
const { view, add, edit, delete: del } = OAUTH_PERMISSIONS;

/**
 * Refuses roles the caller does not hold (when `behaviour.heldRolesOnly`): every role of a new client, and the
 * roles a PUT adds to an existing one (`existing`).
 */
function checkHeldRoles(store: GenesysStore, caller: StoredClient, fields: ClientFields, existing?: StoredClient): void {
  if (!store.behaviour.heldRolesOnly) return;
  const held = store.roleIdsOf(caller);
  const already = existing ? store.roleIdsOf(existing) : new Set<string>();
  const missing = [...new Set(fields.roleDivisions.map((rd) => rd.roleId))].filter((id) => !held.has(id) && !already.has(id));
  if (missing.length) throw apiErrors.roleAssignmentNotAllowed(missing, store.behaviour.roleAssignmentDeniedStatus);
}

export const API_ROUTES: readonly ApiRoute[] = [
  route("GET", CLIENTS, {
    permission: view,
    body: "none",
    run: ({ store }) => {
      const entities = store.listClients().map((c) => store.toWire(c));
      const pageSize = Math.max(25, entities.length);
      const uri = `${CLIENTS}?pageSize=${pageSize}&pageNumber=1`;
      const listing: OAuthClientEntityListing = {
        entities,
        pageSize,
        pageNumber: 1,
        total: entities.length,
        firstUri: uri,
        selfUri: uri,
        lastUri: uri,
        pageCount: 1,
      };
      return { status: 200, body: listing };
    },
  }),
  route("POST", CLIENTS, {
    permission: add,
    body: "json",
    run: ({ store, caller, body }) => {
      const fields = validateClientRequest(body, store.roleExists, homeForGrants(store));
      checkHeldRoles(store, caller, fields);
      const { client, secret } = store.createClient(fields, store.refOf(caller));
      return { status: 200, body: store.toWire(client, secret) };
    },
  }),
  route("GET", `${CLIENTS}/{clientId}`, {
    permission: view,
    body: "none",
    // A soft-deleted client still answers here, with `state: "deleted"` (the provider polls for that or a 404).
    run: ({ store, params }) => ({ status: 200, body: store.toWire(store.requireVisibleClient(params.clientId!)) }),
  }),
  route("PUT", `${CLIENTS}/{clientId}`, {
    permission: edit,
    body: "json",
    run: ({ store, caller, params, body }) => {
      const existing = store.requireClient(params.clientId!);
      const fields = validateClientRequest(body, store.roleExists, homeForGrants(store));
      checkHeldRoles(store, caller, fields, existing);
      return { status: 200, body: store.toWire(store.replaceClient(params.clientId!, fields, store.refOf(caller))) };
    },
  }),
  route("DELETE", `${CLIENTS}/{clientId}`, {
    permission: del,
    body: "none",
    run: ({ store, params }) => {
      store.deleteClient(params.clientId!);
      return { status: 204 };
    },
  }),
  route("POST", `${CLIENTS}/{clientId}/secret`, {
    permission: edit,
    body: "ignored",
    run: ({ store, caller, params }) => {
      const { client, secret } = store.regenerateSecret(params.clientId!, store.refOf(caller));
      return { status: 200, body: store.toWire(client, secret) };
    },
  }),
  route("GET", ROLES, {
    permission: ROLE_PERMISSIONS.view,
    body: "none",
    run: ({ store, query }) => roleListing(store.listRoles(), query),
  }),
  route("POST", ROLES, {
    permission: ROLE_PERMISSIONS.add,
    body: "json",
    run: ({ store, body }) => {
      const role = roleFrom(randomUUID(), validateRoleRequest(body));
      store.putRole(role);
      return { status: 200, body: roleView(role) };
    },
  }),
  route("GET", `${ROLES}/{roleId}`, {
    permission: ROLE_PERMISSIONS.view,
    body: "none",
    run: ({ store, params }) => {
      const role = store.getRole(params.roleId!);
      if (!role) throw apiErrors.notFound();
      return { status: 200, body: roleView(role) };
    },
  }),
  route("PUT", `${ROLES}/{roleId}`, {
    permission: ROLE_PERMISSIONS.edit,
    body: "json",
    run: ({ store, params, body }) => {
      if (!store.getRole(params.roleId!)) throw apiErrors.notFound();
      const role = roleFrom(params.roleId!, validateRoleRequest(body));
      store.putRole(role);
      return { status: 200, body: roleView(role) };
    },
  }),
  route("DELETE", `${ROLES}/{roleId}`, {
    permission: ROLE_PERMISSIONS.delete,
    body: "none",
    run: ({ store, params }) => {
      store.deleteRole(params.roleId!);
      return { status: 204 };
    },
  }),
  route("GET", "/api/v2/authorization/divisions/home", { body: "none", run: () => ({ status: 200, body: homeDivisionView(HOME_DIVISION_ID) }) }),
  route("GET", "/api/v2/authorization/permissions", { body: "none", run: ({ query }) => ({ status: 200, body: permissionListing(query) }) }),
  route("GET", "/api/v2/authorization/products", { body: "none", run: () => ({ status: 200, body: productListing() }) }),
  route("GET", "/api/v2/organizations/me", { body: "none", run: ({ store }) => ({ status: 200, body: organizationView(store.organization) }) }),
  route("GET", "/api/v2/tokens/me", {
    body: "none",
    run: ({ store, caller }) => ({ status: 200, body: store.tokenInfo(caller) }),
  }),
  route("HEAD", "/api/v2/tokens/me", { body: "none", run: () => ({ status: 200 }) }),
  route("DELETE", "/api/v2/tokens/me", {
    body: "none",
    run: ({ store, token }) => {
      store.revokeToken(token);
      return { status: 204 };
    },
  }),
];

export interface RouteMatch {
  route: ApiRoute;
  params: Record<string, string>;
}

export function matchApiRoute(method: string, path: string): RouteMatch | undefined {
  for (const candidate of API_ROUTES) {
    if (candidate.method !== method) continue;
    const m = candidate.pattern.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    for (const [name, value] of Object.entries(m.groups ?? {})) {
      try {
        params[name] = decodeURIComponent(value);
      } catch {
        params[name] = value;
      }
    }
    return { route: candidate, params };
  }
  return undefined;
}

export type PathTarget = { kind: "token" } | { kind: "api"; path: string } | { kind: "other"; path: string };

/**
 * Classifies a request path. Any leading prefix is accepted, so gateway `path_params_login`/`path_params_api`
 * work unchanged: `/oauth/token` and `/<anything>/oauth/token` reach the token endpoint, `/api/v2/...` and
 * `/<anything>/api/v2/...` reach the API (the prefix is dropped). Trailing slashes are ignored.
 */
export function classifyPath(pathname: string): PathTarget {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  const apiAt = path.indexOf("/api/v2/");
  if (apiAt >= 0) return { kind: "api", path: path.slice(apiAt) };
  if (path.endsWith("/api/v2")) return { kind: "api", path: "/api/v2" };
  if (path === "/oauth/token" || path.endsWith("/oauth/token")) return { kind: "token" };
  return { kind: "other", path };
}
