/**
 * Genesys Cloud Platform API shapes keyward uses, with the exact wire field names
 * (../shared/reference/genesys-cloud-api.md §1, §3, §4). Shared by the client and the emulator.
 */

export type GrantType = "CODE" | "TOKEN" | "SAML2-BEARER" | "PASSWORD" | "CLIENT-CREDENTIALS";
export const GRANT_TYPES: readonly GrantType[] = ["CODE", "TOKEN", "SAML2-BEARER", "PASSWORD", "CLIENT-CREDENTIALS"];

/**
 * `accessTokenValiditySeconds`: 300 to 172,800 (48 h), default 86,400 (reference §3, "OAuthClient model"). Only
 * clients used for Genesys Cloud SCIM may go up to 38,880,000 (450 days); keyward manages no SCIM clients.
 */
export const TOKEN_VALIDITY_SECONDS = { min: 300, max: 172_800, default: 86_400 } as const;

/** `active`; `disabled`: its tokens stop working and no new ones; `inactive`: no new tokens, eligible for delete. */
export type OAuthClientState = "active" | "disabled" | "inactive";

export interface DomainEntityRef {
  id: string;
  name?: string;
  selfUri?: string;
}

export interface RoleDivision {
  roleId: string;
  divisionId: string;
}

/** `OAuthClient` as returned by the API. `secret` is present only on create and regenerate responses. */
export interface OAuthClient {
  id: string;
  name: string;
  accessTokenValiditySeconds?: number;
  description?: string;
  registeredRedirectUri?: string[];
  secret?: string;
  roleIds?: string[];
  dateCreated?: string;
  dateModified?: string;
  createdBy?: DomainEntityRef;
  modifiedBy?: DomainEntityRef;
  authorizedGrantType: GrantType;
  scope?: string[];
  roleDivisions?: RoleDivision[];
  /** The API may briefly report `deleted` after DELETE. */
  state?: OAuthClientState | "deleted";
  dateToDelete?: string;
  selfUri?: string;
}

/** `OAuthClientRequest`: the POST/PUT body. No `id`, no `secret`. */
export interface OAuthClientRequest {
  name: string;
  accessTokenValiditySeconds?: number;
  description?: string;
  registeredRedirectUri?: string[];
  roleIds?: string[];
  authorizedGrantType: GrantType;
  scope?: string[];
  roleDivisions?: RoleDivision[];
  state?: OAuthClientState;
  dateToDelete?: string;
}

export interface OAuthClientEntityListing {
  entities: OAuthClient[];
  pageSize: number;
  pageNumber: number;
  total: number;
  firstUri?: string;
  nextUri?: string;
  previousUri?: string;
  lastUri?: string;
  selfUri?: string;
  pageCount: number;
}

/** Platform API error body. */
export interface ErrorBody {
  message?: string;
  code?: string;
  status?: number;
  entityId?: string;
  entityName?: string;
  messageWithParams?: string;
  messageParams?: Record<string, string>;
  contextId?: string;
  details?: Array<{ errorCode?: string; fieldName?: string; entityId?: string; entityName?: string }>;
  errors?: ErrorBody[];
  limit?: { key?: string; namespace?: string; value?: number };
}

/** `POST /oauth/token` success body. */
export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
}

/** `POST /oauth/token` error body. */
export interface AuthErrorBody {
  error: string;
  description?: string;
  error_description?: string;
}

/** `GET /api/v2/tokens/me`. Note the capitalised `OAuthClient` key. */
export interface TokenInfo {
  organization?: { id: string; name?: string };
  homeOrganization?: { id: string; name?: string };
  authorizedScope?: string[];
  clonedUser?: { id: string };
  dateTokenIdles?: string;
  OAuthClient?: {
    id: string;
    name?: string;
    dateCreated?: string;
    dateModified?: string;
    authorizedGrantType?: GrantType;
    scope?: string[];
    roleDivisions?: RoleDivision[];
    state?: OAuthClientState;
    organization?: { id: string; name?: string };
  };
}

/** Permissions keyward's emulator and documentation talk about. */
export const OAUTH_PERMISSIONS = {
  view: "oauth:client:view",
  add: "oauth:client:add",
  edit: "oauth:client:edit",
  delete: "oauth:client:delete",
} as const;
