import { GRANT_TYPES, TOKEN_VALIDITY_SECONDS, type GrantType, type OAuthClientState, type RoleDivision } from "../../genesys/types.js";
import { apiErrors } from "./api-error.js";

export const CLIENT_STATES: readonly OAuthClientState[] = ["active", "disabled", "inactive"];
export const DEFAULT_TOKEN_VALIDITY_SECONDS = TOKEN_VALIDITY_SECONDS.default;
export const MIN_TOKEN_VALIDITY_SECONDS = TOKEN_VALIDITY_SECONDS.min;
export const MAX_TOKEN_VALIDITY_SECONDS = TOKEN_VALIDITY_SECONDS.max;

/** The fields a POST or PUT `OAuthClientRequest` sets, after validation and defaults. */
export interface ClientFields {
  name: string;
  description?: string;
  registeredRedirectUri?: string[];
  roleDivisions: RoleDivision[];
  authorizedGrantType: GrantType;
  scope?: string[];
  state: OAuthClientState;
  accessTokenValiditySeconds: number;
  dateToDelete?: string;
}

/**
 * Validates an `OAuthClientRequest` body with full-replace semantics: omitted optional fields take their create
 * defaults (`state: "active"`, validity 86400, no roles). Unknown fields such as `id` or `secret` are ignored.
 * Deprecated `roleIds` become roleDivisions with divisionId `"*"` when `roleDivisions` is absent. A grant without
 * `divisionId` gets `homeDivisionId`, or is a 400 `bad.request` when none is given (`GenesysSettings.missingDivision`).
 * Throws {@link ApiError}: 400 `bad.request` for a missing required field or wrong shape, 400 `invalid.value`
 * (naming the field) for a bad value or an unknown role id.
 */
export function validateClientRequest(body: unknown, roleExists: (roleId: string) => boolean, homeDivisionId?: string): ClientFields {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw apiErrors.badRequest();
  const input = body as Record<string, unknown>;

  const name = input.name;
  if (name === undefined || name === null || name === "") throw apiErrors.missingField("name");
  if (typeof name !== "string" || name.trim() === "") throw apiErrors.invalidValue(name, "name", "a non-empty string");

  const grant = input.authorizedGrantType;
  if (grant === undefined || grant === null || grant === "") throw apiErrors.missingField("authorizedGrantType");
  if (typeof grant !== "string" || !GRANT_TYPES.includes(grant as GrantType)) {
    throw apiErrors.invalidValue(grant, "authorizedGrantType", GRANT_TYPES.join(", "));
  }

  let validity: number = DEFAULT_TOKEN_VALIDITY_SECONDS;
  if (input.accessTokenValiditySeconds !== undefined && input.accessTokenValiditySeconds !== null) {
    const v = input.accessTokenValiditySeconds;
    if (typeof v !== "number" || !Number.isInteger(v) || v < MIN_TOKEN_VALIDITY_SECONDS || v > MAX_TOKEN_VALIDITY_SECONDS) {
      throw apiErrors.invalidValue(v, "accessTokenValiditySeconds", `integers from ${MIN_TOKEN_VALIDITY_SECONDS} to ${MAX_TOKEN_VALIDITY_SECONDS}`);
    }
    validity = v;
  }

  let state: OAuthClientState = "active";
  if (input.state !== undefined && input.state !== null) {
    if (typeof input.state !== "string" || !CLIENT_STATES.includes(input.state as OAuthClientState)) {
      throw apiErrors.invalidValue(input.state, "state", CLIENT_STATES.join(", "));
    }
    state = input.state as OAuthClientState;
  }

  const fields: ClientFields = {
    name,
    authorizedGrantType: grant as GrantType,
    accessTokenValiditySeconds: validity,
    state,
    roleDivisions: roleDivisionsOf(input, roleExists, homeDivisionId),
  };
  const description = optionalString(input.description, "description");
  if (description !== undefined) fields.description = description;
  const redirects = optionalStrings(input.registeredRedirectUri, "registeredRedirectUri");
  if (redirects !== undefined) fields.registeredRedirectUri = redirects;
  const scope = optionalStrings(input.scope, "scope");
  if (scope !== undefined) fields.scope = scope;
  const dateToDelete = optionalString(input.dateToDelete, "dateToDelete");
  if (dateToDelete !== undefined) {
    if (Number.isNaN(Date.parse(dateToDelete))) throw apiErrors.invalidValue(dateToDelete, "dateToDelete", "ISO-8601 date-times");
    fields.dateToDelete = new Date(dateToDelete).toISOString();
  }
  return fields;
}

function roleDivisionsOf(input: Record<string, unknown>, roleExists: (roleId: string) => boolean, homeDivisionId: string | undefined): RoleDivision[] {
  let divisions: RoleDivision[] = [];
  if (input.roleDivisions !== undefined && input.roleDivisions !== null) {
    if (!Array.isArray(input.roleDivisions)) throw apiErrors.invalidValue(input.roleDivisions, "roleDivisions", "arrays of {roleId, divisionId}");
    divisions = input.roleDivisions.map((entry: unknown) => {
      if (typeof entry !== "object" || entry === null) throw apiErrors.invalidValue(entry, "roleDivisions", "arrays of {roleId, divisionId}");
      const { roleId, divisionId } = entry as Record<string, unknown>;
      if (roleId === undefined || roleId === null || roleId === "") throw apiErrors.missingField("roleDivisions.roleId");
      if (typeof roleId !== "string") throw apiErrors.invalidValue(roleId, "roleDivisions.roleId", "role ids");
      if (divisionId === undefined || divisionId === null || divisionId === "") {
        if (homeDivisionId === undefined) throw apiErrors.missingField("roleDivisions.divisionId");
        return { roleId, divisionId: homeDivisionId };
      }
      if (typeof divisionId !== "string") throw apiErrors.invalidValue(divisionId, "roleDivisions.divisionId", "division ids or *");
      return { roleId, divisionId };
    });
  } else if (input.roleIds !== undefined && input.roleIds !== null) {
    const ids = optionalStrings(input.roleIds, "roleIds") ?? [];
    divisions = ids.map((roleId) => ({ roleId, divisionId: "*" }));
  }
  for (const { roleId } of divisions) {
    if (!roleExists(roleId)) throw apiErrors.invalidValue(roleId, "roleDivisions.roleId", "ids of existing roles");
  }
  return divisions;
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw apiErrors.invalidValue(value, field, "strings");
  return value;
}

function optionalStrings(value: unknown, field: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) throw apiErrors.invalidValue(value, field, "arrays of strings");
  return [...value] as string[];
}
