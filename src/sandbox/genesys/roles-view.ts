// Wire shapes of `GET /api/v2/authorization/roles` (`OrganizationRoleEntityListing`) and
// `GET /api/v2/authorization/roles/{roleId}` (`DomainOrganizationRole`), as the Platform API and the SDK model them.
// A role made through the API answers with what it was given: `permissions` (its named general permissions) and
// `permissionPolicies` (its policies, as sent). A role seeded through the control API is stored as permission
// strings (`domain:entity:action`, `*` wildcards): its `permissionPolicies` group them per domain and entity (a
// held `*` becomes `{domain: "*", entityName: "*", actionSet: ["*"]}`) and its general `permissions` are empty.
import { apiErrors } from "./api-error.js";
import { hasPermission } from "./permissions.js";
import type { GenesysRoleView } from "./types.js";

export interface DomainPermissionPolicy {
  domain: string;
  entityName: string;
  actionSet: string[];
  allowConditions: boolean;
  resourceConditionNode?: unknown;
}

export interface DomainOrganizationRole {
  id: string;
  name: string;
  description?: string;
  defaultRoleId?: string;
  permissions: string[];
  permissionPolicies: DomainPermissionPolicy[];
  userCount: number;
  roleNeedsUpdate: boolean;
  base: boolean;
  default: boolean;
  selfUri: string;
}

const ROLES = "/api/v2/authorization/roles";

/** `domain:entity:action` strings grouped into policies (order of first appearance). */
export function permissionPoliciesOf(permissions: readonly string[]): DomainPermissionPolicy[] {
  const policies = new Map<string, DomainPermissionPolicy>();
  for (const permission of permissions) {
    const [domain = "*", entityName = "*", action = "*"] = permission === "*" ? ["*", "*", "*"] : permission.split(":");
    const key = `${domain}:${entityName}`;
    const policy = policies.get(key) ?? { domain, entityName, actionSet: [], allowConditions: false };
    if (!policy.actionSet.includes(action)) policy.actionSet.push(action);
    policies.set(key, policy);
  }
  return [...policies.values()];
}

export function roleView(role: GenesysRoleView): DomainOrganizationRole {
  const policies: DomainPermissionPolicy[] = role.policies
    ? role.policies.map((p) => ({
        domain: p.domain,
        entityName: p.entityName,
        actionSet: [...p.actionSet],
        allowConditions: p.resourceConditionNode !== undefined,
        ...(p.resourceConditionNode !== undefined ? { resourceConditionNode: structuredClone(p.resourceConditionNode) } : {}),
      }))
    : permissionPoliciesOf(role.permissions);
  return {
    id: role.id,
    name: role.name,
    ...(role.description !== undefined ? { description: role.description } : {}),
    permissions: [...(role.generalPermissions ?? [])],
    permissionPolicies: policies,
    userCount: 0,
    roleNeedsUpdate: false,
    base: false,
    default: false,
    selfUri: `${ROLES}/${role.id}`,
  };
}

function positiveInt(query: URLSearchParams, name: string, fallback: number, max: number): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > max) throw apiErrors.invalidValue(raw, name, `integers from 1 to ${max}`);
  return n;
}

/**
 * One page of roles, sorted by name: `pageSize` (default 25, at most 500), `pageNumber` (default 1), filters
 * `name` (exact), `id` (repeatable) and `permission` (repeatable: roles granting any of them, wildcards counted).
 * Page links carry the same query, as the real listing's do.
 */
export function roleListing(roles: readonly GenesysRoleView[], query: URLSearchParams): { status: number; body: unknown } {
  const pageSize = positiveInt(query, "pageSize", 25, 500);
  const pageNumber = positiveInt(query, "pageNumber", 1, 1_000_000);
  // Repeated (`id=a&id=b`), bracketed (`id[]=a`, how the JS SDK's axios sends arrays) or comma-joined.
  const list = (name: string) => [...query.getAll(name), ...query.getAll(`${name}[]`)].flatMap((v) => v.split(",")).filter(Boolean);
  const ids = list("id");
  const name = query.get("name");
  const permissions = list("permission");
  const matching = roles
    .filter((r) => (ids.length === 0 || ids.includes(r.id)) && (name === null || r.name === name))
    .filter((r) => permissions.length === 0 || permissions.some((p) => hasPermission(r.permissions, p)))
    .sort((a, b) => a.name.localeCompare(b.name));
  const pageCount = Math.max(1, Math.ceil(matching.length / pageSize));
  const link = (page: number) => {
    const params = new URLSearchParams(query);
    params.set("pageSize", String(pageSize));
    params.set("pageNumber", String(page));
    return `${ROLES}?${params.toString()}`;
  };
  const entities = matching.slice((pageNumber - 1) * pageSize, pageNumber * pageSize).map(roleView);
  return {
    status: 200,
    body: {
      entities,
      pageSize,
      pageNumber,
      total: matching.length,
      firstUri: link(1),
      selfUri: link(pageNumber),
      lastUri: link(pageCount),
      ...(pageNumber < pageCount ? { nextUri: link(pageNumber + 1) } : {}),
      ...(pageNumber > 1 ? { previousUri: link(pageNumber - 1) } : {}),
      pageCount,
    },
  };
}
