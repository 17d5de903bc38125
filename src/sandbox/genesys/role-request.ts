// `DomainOrganizationRoleCreate` (POST /api/v2/authorization/roles) and `DomainOrganizationRoleUpdate`
// (PUT /api/v2/authorization/roles/{roleId}) bodies, validated into what the store keeps. Both replace the role
// whole: name (required), description, general `permissions` and `permissionPolicies`; read-only fields a client
// may echo back (id, userCount, default, selfUri, ...) are ignored.
import { apiErrors } from "./api-error.js";
import type { RolePolicy } from "./types.js";

export interface RoleFields {
  name: string;
  description?: string;
  generalPermissions: string[];
  policies: RolePolicy[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function strings(value: unknown, field: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string" && v !== "")) throw apiErrors.invalidValue(value, field, "arrays of non-empty strings");
  return [...(value as string[])];
}

/** Throws {@link ApiError} 400 for a missing name, a policy without domain/entity/actions, or a wrong shape. */
export function validateRoleRequest(body: unknown): RoleFields {
  if (!isObject(body)) throw apiErrors.badRequest();
  const { name, description } = body;
  if (name === undefined || name === null || name === "") throw apiErrors.missingField("name");
  if (typeof name !== "string" || name.trim() === "") throw apiErrors.invalidValue(name, "name", "a non-empty string");
  if (description !== undefined && description !== null && typeof description !== "string") throw apiErrors.invalidValue(description, "description", "strings");
  const rawPolicies = body.permissionPolicies ?? [];
  if (!Array.isArray(rawPolicies)) throw apiErrors.invalidValue(rawPolicies, "permissionPolicies", "arrays of DomainPermissionPolicy");
  const policies = rawPolicies.map((raw: unknown, i) => {
    if (!isObject(raw)) throw apiErrors.invalidValue(raw, "permissionPolicies", "arrays of DomainPermissionPolicy");
    const { domain, entityName, resourceConditionNode } = raw;
    for (const [field, value] of [
      ["domain", domain],
      ["entityName", entityName],
    ] as const) {
      if (typeof value !== "string" || value === "") throw apiErrors.missingField(`permissionPolicies[${i}].${field}`);
    }
    const actionSet = strings(raw.actionSet, `permissionPolicies[${i}].actionSet`);
    if (actionSet.length === 0) throw apiErrors.missingField(`permissionPolicies[${i}].actionSet`);
    const policy: RolePolicy = { domain: domain as string, entityName: entityName as string, actionSet };
    if (resourceConditionNode !== undefined && resourceConditionNode !== null) policy.resourceConditionNode = structuredClone(resourceConditionNode);
    return policy;
  });
  return {
    name,
    ...(typeof description === "string" ? { description } : {}),
    generalPermissions: strings(body.permissions, "permissions"),
    policies,
  };
}

/** What a role's policies grant, as the `domain:entity:action` strings the emulator checks permissions against. */
export function permissionsOfPolicies(policies: readonly RolePolicy[]): string[] {
  return [...new Set(policies.flatMap((p) => p.actionSet.map((action) => `${p.domain}:${p.entityName}:${action}`)))];
}
