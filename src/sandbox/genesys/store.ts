import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import type { DomainEntityRef, OAuthClient, TokenInfo } from "../../genesys/types.js";
import { apiErrors, type ApiError } from "./api-error.js";
import { builtinRoles } from "./builtin-roles.js";
import type { ClientFields } from "./client-request.js";
import type { GenesysClientView, GenesysRoleView } from "./types.js";

export const ORGANIZATION_ID = "6b0a5c1e-0000-4000-8000-0000000000c0";
/** The org's home division (`GET /api/v2/authorization/divisions/home`). */
export const HOME_DIVISION_ID = "6b0a5c1e-0000-4000-8000-0000000000d0";

export interface StoredClient extends ClientFields {
  id: string;
  dateCreated: string;
  dateModified: string;
  createdBy?: DomainEntityRef;
  modifiedBy?: DomainEntityRef;
  /** SHA-256 of the current secret: the plaintext lives only in the response that announced it. */
  secretHash: Buffer;
  secretVersion: number;
  /** Set by a soft delete: the client answers GET with `state: "deleted"` until `purgeAtMs`, then is gone. */
  deletedAtMs?: number;
  purgeAtMs?: number;
}

/** How DELETE treats older clients (reference §8: "deactivate for seven days before permanent removal"). */
export interface SoftDeletePolicy {
  /** Clients at least this old (ms since `dateCreated`) are soft-deleted. Default 30 days. */
  minAgeMs: number;
  /** How long a soft-deleted client stays visible as `state: "deleted"`. Default 7 days. */
  retentionMs: number;
}

export const DAY_MS = 86_400_000;

/** Emulator behaviours where the real API's choice is unknown or changed over time (all settable at run time). */
export interface GenesysBehaviour {
  /**
   * Send `inin-ratelimit-count/-allowed/-reset` on API answers. Default false: Genesys removed them from every
   * response "on or after 6/5/2021" (reference §8); clients must work from 429 + `Retry-After` alone.
   */
  rateLimitHeaders: boolean;
  /**
   * A caller may only give a client roles it holds itself (reference §8, help page 188025). Default true.
   * Checked on POST and on PUT for roles the client does not have yet.
   */
  heldRolesOnly: boolean;
  /** Status of that refusal (the real code is unknown). Default 403 (`role.assignment.not.allowed`); 400 gives `bad.request`. */
  roleAssignmentDeniedStatus: 400 | 403;
  /** A role grant without `divisionId`: the home division (default) or 400 (see `GenesysSettings.missingDivision`). */
  missingDivision: "home" | "reject";
}

export const DEFAULT_BEHAVIOUR: Readonly<GenesysBehaviour> = Object.freeze({
  rateLimitHeaders: false,
  heldRolesOnly: true,
  roleAssignmentDeniedStatus: 403,
  missingDivision: "home",
});
export const DEFAULT_SOFT_DELETE: Readonly<SoftDeletePolicy> = Object.freeze({ minAgeMs: 30 * DAY_MS, retentionMs: 7 * DAY_MS });

interface StoredToken {
  clientId: string;
  expiresAt: number;
}

export type TokenCheck = { ok: true; client: StoredClient } | { ok: false; error: ApiError };

/** A fresh client secret: 32 random bytes as base64url (43 characters), like the real ones. */
export function newSecret(): string {
  return randomBytes(32).toString("base64url");
}

const hashSecret = (secret: string) => createHash("sha256").update(secret, "utf8").digest();
const clientUri = (id: string) => `/api/v2/oauth/clients/${id}`;

/**
 * The emulated org: roles, OAuth clients and bearer tokens.
 *
 * Token rules: a token dies when it expires, when it is revoked (`DELETE /api/v2/tokens/me`), when its client is
 * set to `disabled` ("Access tokens created by the client are invalid", reference §1; re-enabling does not revive
 * them) and when its client is deleted. Setting a client `inactive` only stops new tokens, and regenerating a
 * secret does not touch existing tokens: the reference says neither kills them.
 */
export class GenesysStore {
  readonly organization: { id: string; name: string };
  private roles = new Map<string, GenesysRoleView>();
  private clients = new Map<string, StoredClient>();
  private tokens = new Map<string, StoredToken>();

  /** The emulator's clock (ms): dates, token expiry, soft-delete ages. Moves with `advanceClock`. */
  readonly now: () => number;
  private clockOffsetMs = 0;
  softDelete: SoftDeletePolicy = { ...DEFAULT_SOFT_DELETE };
  behaviour: GenesysBehaviour = { ...DEFAULT_BEHAVIOUR };

  constructor(orgName: string, clock: () => number = Date.now) {
    this.organization = { id: ORGANIZATION_ID, name: orgName };
    this.now = () => clock() + this.clockOffsetMs;
    this.reset();
  }

  /** Moves the emulator's clock forward (tests: age a client, expire tokens, end a soft-delete period). */
  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }

  private iso(ms = this.now()): string {
    return new Date(ms).toISOString();
  }

  reset(): void {
    this.roles = new Map(builtinRoles().map((role) => [role.id, role]));
    this.clients.clear();
    this.tokens.clear();
    this.clockOffsetMs = 0;
  }

  // --- roles -------------------------------------------------------------------------------------------

  roleExists = (roleId: string): boolean => this.roles.has(roleId);

  /** Resolves a role id, or a role name as a seeding convenience. */
  resolveRole(idOrName: string): string | undefined {
    if (this.roles.has(idOrName)) return idOrName;
    for (const role of this.roles.values()) if (role.name === idOrName) return role.id;
    return undefined;
  }

  putRole(role: GenesysRoleView): void {
    this.roles.set(role.id, copyRole(role));
  }

  getRole(id: string): GenesysRoleView | undefined {
    const role = this.roles.get(id);
    return role && copyRole(role);
  }

  /** Deletes a role (404 `not.found` when unknown). Clients that held it keep the grant, which grants nothing. */
  deleteRole(id: string): void {
    if (!this.roles.delete(id)) throw apiErrors.notFound();
  }

  /** The ids of the roles a client holds (its role grants, any division). */
  roleIdsOf(client: StoredClient): Set<string> {
    return new Set(client.roleDivisions.map((rd) => rd.roleId));
  }

  listRoles(): GenesysRoleView[] {
    return [...this.roles.values()].map(copyRole);
  }

  /** Union of the permissions of the client's roles (roles deleted since grant nothing). */
  permissionsOf(client: StoredClient): Set<string> {
    const permissions = new Set<string>();
    for (const { roleId } of client.roleDivisions) for (const p of this.roles.get(roleId)?.permissions ?? []) permissions.add(p);
    return permissions;
  }

  // --- clients -----------------------------------------------------------------------------------------

  createClient(
    fields: ClientFields,
    by: DomainEntityRef | undefined,
    options: { id?: string; secret?: string; dateCreated?: string } = {},
  ): { client: StoredClient; secret: string } {
    const now = this.iso();
    const secret = options.secret ?? newSecret();
    const id = options.id ?? randomUUID();
    const previous = this.clients.get(id);
    const client: StoredClient = {
      ...withDateToDelete(fields, this.now()),
      id,
      dateCreated: options.dateCreated ?? previous?.dateCreated ?? now,
      dateModified: now,
      secretHash: hashSecret(secret),
      secretVersion: previous ? previous.secretVersion + (this.secretMatches(previous, secret) ? 0 : 1) : 1,
    };
    if (by) {
      client.createdBy = previous?.createdBy ?? by;
      client.modifiedBy = by;
    }
    this.clients.set(id, client);
    if (client.state === "disabled") this.revokeTokensOf(id);
    return { client, secret };
  }

  /** Drops soft-deleted clients whose retention has ended. */
  private purgeDeleted(): void {
    const now = this.now();
    for (const [id, client] of this.clients) if (client.purgeAtMs !== undefined && now >= client.purgeAtMs) this.clients.delete(id);
  }

  /** A live (not soft-deleted) client. */
  getClient(id: string): StoredClient | undefined {
    this.purgeDeleted();
    const client = this.clients.get(id);
    return client && client.deletedAtMs === undefined ? client : undefined;
  }

  /** A live client, else 404 `not.found` (a soft-deleted client can no longer be changed). */
  requireClient(id: string): StoredClient {
    const client = this.getClient(id);
    if (!client) throw apiErrors.notFound();
    return client;
  }

  /** What `GET /api/v2/oauth/clients/{id}` finds: a live client, or a soft-deleted one (`state: "deleted"`). */
  requireVisibleClient(id: string): StoredClient {
    this.purgeDeleted();
    const client = this.clients.get(id);
    if (!client) throw apiErrors.notFound();
    return client;
  }

  /** Live clients; with `includeDeleted`, soft-deleted ones too (the control API's view). */
  listClients(options: { includeDeleted?: boolean } = {}): StoredClient[] {
    this.purgeDeleted();
    return [...this.clients.values()].filter((c) => options.includeDeleted || c.deletedAtMs === undefined);
  }

  /** Full replace (PUT). Moving to `disabled` kills the client's tokens at once. */
  replaceClient(id: string, fields: ClientFields, by: DomainEntityRef): StoredClient {
    const current = this.requireClient(id);
    const next: StoredClient = {
      ...withDateToDelete(fields, this.now()),
      id,
      dateCreated: current.dateCreated,
      dateModified: this.iso(),
      modifiedBy: by,
      secretHash: current.secretHash,
      secretVersion: current.secretVersion,
    };
    if (current.createdBy) next.createdBy = current.createdBy;
    this.clients.set(id, next);
    if (next.state === "disabled") this.revokeTokensOf(id);
    return next;
  }

  /**
   * Only `inactive` clients may be deleted (400 `cannot.delete.client` otherwise); their tokens die with them.
   * A client at least `softDelete.minAgeMs` old is soft-deleted: GET shows it with `state: "deleted"` for
   * `softDelete.retentionMs`, then it is gone (404); it leaves the listing, and nothing can change it, at once.
   * A younger client is gone at once.
   */
  deleteClient(id: string): void {
    const client = this.requireClient(id);
    if (client.state !== "inactive") throw apiErrors.cannotDeleteClient();
    const now = this.now();
    if (now - Date.parse(client.dateCreated) >= this.softDelete.minAgeMs) {
      client.deletedAtMs = now;
      client.purgeAtMs = now + this.softDelete.retentionMs;
      client.dateModified = this.iso(now);
    } else {
      this.clients.delete(id);
    }
    this.revokeTokensOf(id);
  }

  /**
   * New random secret; the old one fails at the token endpoint from now on. Allowed whatever the client's state
   * (a rotation tool checks state itself). Existing tokens keep working (see the class comment).
   */
  regenerateSecret(id: string, by: DomainEntityRef): { client: StoredClient; secret: string } {
    const client = this.requireClient(id);
    const secret = newSecret();
    client.secretHash = hashSecret(secret);
    client.secretVersion += 1;
    client.dateModified = this.iso();
    client.modifiedBy = by;
    return { client, secret };
  }

  secretMatches(client: StoredClient, secret: string): boolean {
    return timingSafeEqual(client.secretHash, hashSecret(secret));
  }

  /** The client if `secret` is its current secret, whatever its state. */
  authenticate(clientId: string, secret: string): StoredClient | undefined {
    const client = this.getClient(clientId);
    return client && this.secretMatches(client, secret) ? client : undefined;
  }

  // --- tokens ------------------------------------------------------------------------------------------

  issueToken(client: StoredClient, now = this.now()): { token: string; expiresIn: number } {
    const token = randomBytes(48).toString("base64url");
    const expiresIn = client.accessTokenValiditySeconds;
    this.tokens.set(token, { clientId: client.id, expiresAt: now + expiresIn * 1000 });
    return { token, expiresIn };
  }

  checkToken(token: string, now = this.now()): TokenCheck {
    const stored = this.tokens.get(token);
    if (!stored) return { ok: false, error: apiErrors.badCredentials() };
    if (now >= stored.expiresAt) {
      this.tokens.delete(token);
      return { ok: false, error: apiErrors.credentialsExpired() };
    }
    const client = this.getClient(stored.clientId);
    if (!client || client.state === "disabled") {
      this.tokens.delete(token);
      return { ok: false, error: apiErrors.badCredentials() };
    }
    return { ok: true, client };
  }

  revokeToken(token: string): void {
    this.tokens.delete(token);
  }

  liveTokenCount(clientId?: string, now = this.now()): number {
    let count = 0;
    for (const stored of this.tokens.values()) {
      if (clientId !== undefined && stored.clientId !== clientId) continue;
      if (now >= stored.expiresAt) continue;
      const client = this.clients.get(stored.clientId);
      if (client && client.state !== "disabled") count++;
    }
    return count;
  }

  private revokeTokensOf(clientId: string): void {
    for (const [token, stored] of this.tokens) if (stored.clientId === clientId) this.tokens.delete(token);
  }

  // --- wire shapes -------------------------------------------------------------------------------------

  /** The `OAuthClient` the API returns; `secret` only when given (create and regenerate responses). */
  toWire(client: StoredClient, secret?: string): OAuthClient {
    const wire: OAuthClient = {
      id: client.id,
      name: client.name,
      accessTokenValiditySeconds: client.accessTokenValiditySeconds,
      authorizedGrantType: client.authorizedGrantType,
      roleDivisions: client.roleDivisions.map((rd) => ({ ...rd })),
      state: client.deletedAtMs !== undefined ? "deleted" : client.state,
      dateCreated: client.dateCreated,
      dateModified: client.dateModified,
      selfUri: clientUri(client.id),
    };
    if (client.description !== undefined) wire.description = client.description;
    if (client.registeredRedirectUri !== undefined) wire.registeredRedirectUri = [...client.registeredRedirectUri];
    if (client.scope !== undefined) wire.scope = [...client.scope];
    if (client.dateToDelete !== undefined) wire.dateToDelete = client.dateToDelete;
    if (client.createdBy) wire.createdBy = { ...client.createdBy };
    if (client.modifiedBy) wire.modifiedBy = { ...client.modifiedBy };
    if (secret !== undefined) wire.secret = secret;
    return wire;
  }

  toView(client: StoredClient): GenesysClientView {
    return { ...this.toWire(client), secretVersion: client.secretVersion, liveTokens: this.liveTokenCount(client.id) };
  }

  tokenInfo(client: StoredClient): TokenInfo {
    const organization = { ...this.organization };
    return {
      organization,
      homeOrganization: { ...organization },
      authorizedScope: [],
      OAuthClient: {
        id: client.id,
        name: client.name,
        dateCreated: client.dateCreated,
        dateModified: client.dateModified,
        authorizedGrantType: client.authorizedGrantType,
        roleDivisions: client.roleDivisions.map((rd) => ({ ...rd })),
        state: client.state,
        organization: { ...organization },
        ...(client.scope ? { scope: [...client.scope] } : {}),
      },
    };
  }

  /** `createdBy`/`modifiedBy` reference for changes a client makes. */
  refOf(client: StoredClient): DomainEntityRef {
    return { id: client.id, name: client.name, selfUri: clientUri(client.id) };
  }
}

function copyRole(role: GenesysRoleView): GenesysRoleView {
  return structuredClone(role);
}

/** Inactive clients get a `dateToDelete` (7 days out, like the UI's soft delete) unless the request set one. */
function withDateToDelete(fields: ClientFields, now: number): ClientFields {
  const copy: ClientFields = { ...fields, roleDivisions: fields.roleDivisions.map((rd) => ({ ...rd })) };
  if (copy.state !== "inactive") delete copy.dateToDelete;
  else if (!copy.dateToDelete) copy.dateToDelete = new Date(now + 7 * DAY_MS).toISOString();
  return copy;
}
