import type { ApiClient } from "./api-client.js";
import { GenesysApiError } from "./errors.js";
import type { OAuthClient } from "./types.js";

export const ROLE_ROUTE = "/api/v2/authorization/roles/{roleId}";

/** The parts of a `DomainOrganizationRole` keyward reads. */
export interface DomainRole {
  id: string;
  name?: string;
  permissionPolicies?: Array<{ domain?: string; entityName?: string; actionSet?: string[] }>;
  /** Legacy flat permission strings (`domain:entity:action`). */
  permissions?: string[];
}

/** Every permission a role grants, as `domain:entity:action` strings (`*` segments kept as wildcards). */
export function grantedPermissions(role: DomainRole): string[] {
  const out = new Set<string>(role.permissions ?? []);
  for (const policy of role.permissionPolicies ?? []) {
    for (const action of policy.actionSet ?? []) out.add(`${policy.domain ?? "*"}:${policy.entityName ?? "*"}:${action}`);
  }
  return [...out];
}

/** Whether a held permission grants a wanted one: `*` grants everything, a `*` segment matches any segment. */
export function grants(held: string, wanted: string): boolean {
  if (held === "*" || held === wanted) return true;
  const h = held.split(":");
  const w = wanted.split(":");
  return h.length === w.length && h.every((part, i) => part === "*" || part === w[i]);
}

/** The wanted permissions none of the roles grants. Pure. */
export function missingFrom(roles: DomainRole[], wanted: readonly string[]): string[] {
  const held = roles.flatMap(grantedPermissions);
  return wanted.filter((w) => !held.some((h) => grants(h, w)));
}

/**
 * What the admin client's roles grant, read from its own client record and `GET /api/v2/authorization/roles/{id}`.
 * Returns undefined when the roles cannot be read (the admin may lack `authorization:role:view`): the check is
 * then skipped, and the real call's 403 still names the permission.
 */
export async function adminMissingPermissions(api: ApiClient, admin: Pick<OAuthClient, "roleIds" | "roleDivisions">, wanted: readonly string[]): Promise<string[] | undefined> {
  const roleIds = [...new Set([...(admin.roleIds ?? []), ...(admin.roleDivisions ?? []).map((r) => r.roleId)])];
  if (roleIds.length === 0) return undefined;
  const roles: DomainRole[] = [];
  for (const roleId of roleIds) {
    try {
      roles.push((await api.call<DomainRole>({ method: "GET", route: ROLE_ROUTE, params: { roleId } })).body ?? { id: roleId });
    } catch (err) {
      if (err instanceof GenesysApiError && (err.reason === "forbidden" || err.reason === "not-found")) return undefined;
      throw err;
    }
  }
  return missingFrom(roles, wanted);
}
