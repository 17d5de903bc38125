/**
 * Genesys Cloud emulator: a real HTTP server on loopback serving `POST /oauth/token` (client-credentials grant)
 * and the `/api/v2/oauth/clients*` and `/api/v2/tokens/me` endpoints keyward uses, faithful to
 * ../shared/reference/genesys-cloud-api.md. The official JS SDK works against it through `setGateway`.
 *
 * Choices where the reference is silent (see the files named):
 * - Any path prefix is accepted before `/oauth/token` and `/api/v2/` (gateway path params) — api-routes.ts.
 * - Disabled and inactive clients get the same `invalid_client` as a wrong secret — token-endpoint.ts.
 * - Tokens die on expiry, revocation, `disabled` and delete; not on `inactive` or secret regeneration — store.ts.
 * - Secret regeneration is allowed in every state — store.ts.
 * - PUT is a full replace: omitted optional fields take create defaults (state `active`) — client-request.ts.
 * - Rate-limit headers come with every authenticated `/api/v2` answer; 401s and injected faults bypass the
 *   limiter and carry none — api-endpoint.ts.
 * - Secrets are kept only as SHA-256 hashes; nothing is ever logged.
 */
export { startGenesysEmulator } from "./emulator.js";
export { BUILTIN_ROLES } from "./builtin-roles.js";
export { DEFAULT_LIMITS } from "./limits.js";
export { HOME_DIVISION_ID, ORGANIZATION_ID } from "./store.js";
export { ControlInputError } from "./control.js";
export type {
  ControlResponse,
  FaultCounters,
  GenesysClientView,
  GenesysControl,
  GenesysEmulator,
  GenesysEmulatorOptions,
  GenesysLimits,
  GenesysRoleView,
  GenesysState,
  SeedClient,
  SeededClient,
  SeedRole,
} from "./types.js";
export type { FaultRule } from "../common/faults.js";
