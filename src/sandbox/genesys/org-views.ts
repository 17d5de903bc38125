// Org-wide read-only answers the Terraform provider asks for (reference §5/§8: its configure step calls
// `GET /api/v2/organizations/me` and `GET /api/v2/authorization/products`; its resources call
// `GET /api/v2/authorization/divisions/home` and, before writing a role, `GET /api/v2/authorization/permissions`).
// All four need no permission (SDK docs: "Requires NO permissions"). Shapes: `Organization`, `OrganizationProduct
// EntityListing`, `AuthzDivision`, `PermissionCollectionEntityListing` of purecloud-platform-client-v2.
import { apiErrors } from "./api-error.js";

/** The org's enabled products (example names from the SDK docs of `getAuthorizationProducts`). */
export const ORG_PRODUCTS = ["communicate", "engage"] as const;

export function organizationView(org: { id: string; name: string }): Record<string, unknown> {
  return {
    id: org.id,
    name: org.name,
    defaultLanguage: "en-us",
    defaultCountryCode: "US",
    thirdPartyOrgName: org.name.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
    domain: "keyward-sandbox",
    version: 1,
    state: "active",
    voicemailEnabled: true,
    productPlatform: "PureCloud",
    selfUri: `/api/v2/organizations/${org.id}`,
  };
}

export function productListing(): Record<string, unknown> {
  return { entities: ORG_PRODUCTS.map((id) => ({ id })), pageSize: 25, pageNumber: 1, total: ORG_PRODUCTS.length, pageCount: 1 };
}

export function homeDivisionView(id: string): Record<string, unknown> {
  return { id, name: "Home", description: "", homeDivision: true, selfUri: `/api/v2/authorization/divisions/${id}` };
}

/**
 * The permission catalogue `GET /api/v2/authorization/permissions` lists, per domain: entity -> actions. A small
 * slice of the real one (the domains keyward's roles and the provider's checks touch); `divisionAware` as the
 * real `oauth`/`authorization` permissions are not division-aware.
 */
export const PERMISSION_CATALOG: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  authorization: { role: ["add", "delete", "edit", "view"], grant: ["add", "delete", "view"], division: ["add", "delete", "edit", "view"] },
  directory: { user: ["add", "delete", "edit", "view"], group: ["add", "delete", "edit", "view"] },
  integrations: { integration: ["add", "delete", "edit", "view"], credential: ["add", "delete", "edit", "view"] },
  oauth: { client: ["add", "delete", "edit", "view"], token: ["delete", "view"] },
};

function positiveInt(query: URLSearchParams, name: string, fallback: number, max: number): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > max) throw apiErrors.invalidValue(raw, name, `integers from 1 to ${max}`);
  return n;
}

/**
 * `GET /api/v2/authorization/permissions?pageSize&pageNumber&queryType&query`: one `DomainPermissionCollection` per
 * domain; `queryType=domain` keeps the domain named by `query`, `queryType=permission` the domains with an entity
 * or action containing it.
 */
export function permissionListing(query: URLSearchParams): Record<string, unknown> {
  const pageSize = positiveInt(query, "pageSize", 25, 500);
  const pageNumber = positiveInt(query, "pageNumber", 1, 1_000_000);
  const queryType = query.get("queryType");
  const term = (query.get("query") ?? "").toLowerCase();
  if (queryType !== null && queryType !== "domain" && queryType !== "permission") throw apiErrors.invalidValue(queryType, "queryType", "domain, permission");
  const collections = Object.entries(PERMISSION_CATALOG)
    .filter(([domain, entities]) => {
      if (!term || queryType === null) return true;
      if (queryType === "domain") return domain === term;
      return Object.entries(entities).some(([entity, actions]) => entity.toLowerCase().includes(term) || actions.some((a) => a.includes(term)));
    })
    .map(([domain, entities]) => ({
      id: domain,
      name: domain,
      domain,
      permissionMap: Object.fromEntries(
        Object.entries(entities).map(([entity, actions]) => [
          entity,
          actions.map((action) => ({ domain, entityType: entity, action, label: `${entity} ${action}`, allowsConditions: false, divisionAware: false })),
        ]),
      ),
      selfUri: `/api/v2/authorization/permissions/${domain}`,
    }));
  const pageCount = Math.max(1, Math.ceil(collections.length / pageSize));
  return { entities: collections.slice((pageNumber - 1) * pageSize, pageNumber * pageSize), pageSize, pageNumber, total: collections.length, pageCount };
}
