import type { FaultRule } from "../common/faults.js";
import type { GrantType, OAuthClient, OAuthClientState } from "../../genesys/types.js";

/** Options of {@link startGenesysEmulator}. */
export interface GenesysEmulatorOptions {
  /** 0 or undefined picks an ephemeral port. */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default `keyward sandbox org`. */
  orgName?: string;
  /** Status of `invalid_client` answers at `/oauth/token` (the real value is unverified). Default 400. */
  badCredentialsStatus?: 400 | 401;
  /** Merged over {@link DEFAULT_LIMITS}; the result is also what `reset()` returns to. */
  limits?: Partial<GenesysLimits>;
  /** Behaviours and soft-delete ages (see {@link GenesysSettings}); also what `reset()` returns to. */
  settings?: Partial<GenesysSettings>;
  /** Base clock (ms since the epoch); default `Date.now`. The control API's `POST /clock` moves it forward. */
  clock?: () => number;
}

/** Run-time settings of the emulator (`GET|PUT /genesys/settings`). */
export interface GenesysSettings {
  /** Legacy `inin-ratelimit-*` headers on API answers. Default false (Genesys removed them in 2021). */
  rateLimitHeaders: boolean;
  /** A caller may only grant roles it holds itself. Default true. */
  heldRolesOnly: boolean;
  /** Status of that refusal: 403 `role.assignment.not.allowed` (default) or 400 `bad.request`. */
  roleAssignmentDeniedStatus: 400 | 403;
  /** DELETE soft-deletes clients at least this many days old (`dateCreated`). Default 30. */
  softDeleteMinAgeDays: number;
  /** A soft-deleted client answers GET with `state: "deleted"` this many days, then 404. Default 7. */
  softDeleteRetentionDays: number;
}

export interface GenesysLimits {
  /** Per bearer token, per fixed window. Default 300 (`client.credentials.token.rate.per.minute`). */
  apiRequestsPerWindow: number;
  /** Default 60. */
  apiWindowSeconds: number;
  /** Whole `/oauth/token` endpoint, per fixed window. Default 1000 (generous: the real number is unknown). */
  tokenRequestsPerWindow: number;
  /** Default 60. */
  tokenWindowSeconds: number;
}

/**
 * A client created through the control API. Seeds bypass the public API's validation on purpose:
 * `accessTokenValiditySeconds` may be below 300 (e.g. 1) so tests can watch tokens expire.
 */
export interface SeedClient {
  id?: string;
  name: string;
  /** Role ids (or, for convenience, role names) granted with divisionId `"*"`. */
  roleIds?: string[];
  /** Default: a fresh random secret. */
  secret?: string;
  /** Default `active`. */
  state?: OAuthClientState;
  /** Default `CLIENT-CREDENTIALS`. */
  authorizedGrantType?: GrantType;
  /** Default 86400. */
  accessTokenValiditySeconds?: number;
  description?: string;
  /** ISO 8601; default now (the emulator's clock). Lets tests create a client old enough to be soft-deleted. */
  dateCreated?: string;
}

export interface SeedRole {
  id?: string;
  name: string;
  permissions: string[];
}

/** The control API hands secrets back: it is the test and demo back door, never the emulated API. */
export interface SeededClient {
  id: string;
  name: string;
  secret: string;
}

export interface GenesysRoleView {
  id: string;
  name: string;
  permissions: string[];
}

/** A client as `state()` shows it: never a secret, but a counter that moves on every new secret. */
export type GenesysClientView = Omit<OAuthClient, "secret"> & {
  /** 1 at creation, +1 on every regeneration (or seed with a different secret). */
  secretVersion: number;
  /** Tokens of this client that would be accepted right now. */
  liveTokens: number;
};

export interface FaultCounters {
  latency: number;
  error: number;
  reset: number;
  hang: number;
}

export interface GenesysState {
  organization: { id: string; name: string };
  roles: GenesysRoleView[];
  clients: GenesysClientView[];
  /** Tokens that would be accepted right now (not expired, client neither disabled nor deleted). */
  liveTokens: number;
  /**
   * Answers per route key (`"POST /oauth/token"`, `"GET /api/v2/oauth/clients/{clientId}"`, ... or
   * `"<METHOD> <path>"` for unknown routes), then per status. Requests a fault swallowed count under the
   * pseudo-statuses `"reset"` and `"hang"`.
   */
  requests: Record<string, Record<string, number>>;
  /** Every 429 answered, whether from the per-token limit or an injected fault. */
  tooManyRequests: number;
  /** Every `/oauth/token` 400 `invalid_request` "rate limit exceeded;" answer, real or injected. */
  tokenRateLimited: number;
  limits: GenesysLimits;
  settings: GenesysSettings;
  /** The emulator's clock (ISO 8601). */
  now: string;
  faults: FaultRule[];
  faultCounters: FaultCounters;
}

export interface GenesysControl {
  seed(input: { roles?: SeedRole[]; clients?: SeedClient[] }): { roles: Array<{ id: string; name: string }>; clients: SeededClient[] };
  state(): GenesysState;
  setLimits(limits: Partial<GenesysLimits>): void;
  /** Patches the settings; throws `ControlInputError` for an unknown key or a bad value. */
  setSettings(settings: Partial<GenesysSettings>): void;
  /** Moves the emulator's clock forward by `ms` (token expiry, client ages, soft-delete periods follow). */
  advanceClock(ms: number): void;
  setFaults(rules: FaultRule[]): void;
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  /** Built-in roles only, no clients, no tokens, startup limits and settings, clock offset 0, no faults, zeroed counters. */
  reset(): void;
  /** Would this pair get a token right now: client exists, secret matches, state `active` (rate limits ignored). */
  isSecretValid(clientId: string, secret: string): boolean;
  /**
   * The truth about a pair, for tests that judge keyward's verdicts: `valid` as above; `matches` when `secret` is the
   * client's current secret whatever its state (an inactive client's secret works again once re-activated);
   * `state` of the client, `absent` when it does not exist (soft-deleted clients count as absent: they refuse).
   */
  secretStatus(clientId: string, secret: string): { valid: boolean; matches: boolean; state: OAuthClientState | "absent" };
}

export interface ControlResponse {
  status: number;
  body: unknown;
}

export interface GenesysEmulator {
  /** `http://127.0.0.1:PORT`: serves `/oauth/token` and `/api/v2/...` (optionally behind any path prefix). */
  url: string;
  port: number;
  control: GenesysControl;
  /** HTTP control API dispatcher; `path` is relative to wherever the sandbox mounts it (e.g. `"/seed"`). */
  handleControl(method: string, path: string, body: unknown): Promise<ControlResponse>;
  close(): Promise<void>;
}
