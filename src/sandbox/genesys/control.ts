import { randomUUID } from "node:crypto";
import type { FaultRule } from "../common/faults.js";
import { GRANT_TYPES, type GrantType, type OAuthClientState } from "../../genesys/types.js";
import { CLIENT_STATES, DEFAULT_TOKEN_VALIDITY_SECONDS, type ClientFields } from "./client-request.js";
import type { GenesysEmulatorCore } from "./emulator-core.js";
import type { ControlResponse, GenesysControl, GenesysLimits, GenesysRoleView, GenesysSettings, GenesysState, SeedClient, SeedRole } from "./types.js";

/** Bad input to the control API (programmatic calls throw it; HTTP answers 400). */
export class ControlInputError extends TypeError {
  override name = "ControlInputError";
}

export function createGenesysControl(core: GenesysEmulatorCore): GenesysControl {
  const { store } = core;
  return {
    seed(input) {
      if (typeof input !== "object" || input === null) throw new ControlInputError("seed input must be an object");
      const roles = checkArray(input.roles, "roles").map((r, i) => checkRole(r, i));
      const known = (ref: string) => roles.find((r) => r.id === ref || r.name === ref)?.id ?? store.resolveRole(ref);
      const clients = checkArray(input.clients, "clients").map((c, i) => checkClient(c, i, known));
      for (const role of roles) store.putRole(role);
      return {
        roles: roles.map(({ id, name }) => ({ id, name })),
        clients: clients.map(({ fields, id, secret, dateCreated }) => {
          const created = store.createClient(fields, undefined, { ...(id ? { id } : {}), ...(secret ? { secret } : {}), ...(dateCreated ? { dateCreated } : {}) });
          return { id: created.client.id, name: created.client.name, secret: created.secret };
        }),
      };
    },
    state(): GenesysState {
      return {
        organization: { ...store.organization },
        roles: store.listRoles(),
        clients: store.listClients({ includeDeleted: true }).map((c) => store.toView(c)),
        liveTokens: store.liveTokenCount(),
        requests: core.counters.snapshot(),
        tooManyRequests: core.counters.tooManyRequests,
        tokenRateLimited: core.counters.tokenRateLimited,
        limits: { ...core.limits },
        settings: { ...core.settings },
        now: new Date(store.now()).toISOString(),
        faults: core.faults.list(),
        faultCounters: { ...core.faults.counters },
      };
    },
    setLimits(limits) {
      try {
        core.setLimits(limits);
      } catch (err) {
        throw new ControlInputError((err as Error).message);
      }
    },
    setSettings(settings) {
      try {
        core.setSettings(settings);
      } catch (err) {
        throw new ControlInputError((err as Error).message);
      }
    },
    advanceClock(ms) {
      if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) throw new ControlInputError("advanceMs must be a number >= 0");
      store.advanceClock(ms);
    },
    setFaults(rules) {
      core.faults.set(checkArray(rules, "faults").map(checkFault));
    },
    addFault(rule) {
      core.faults.add(checkFault(rule));
    },
    clearFaults() {
      core.faults.clear();
    },
    reset() {
      core.reset();
    },
    isSecretValid(clientId, secret) {
      const client = store.authenticate(clientId, secret);
      return client !== undefined && client.state === "active" && client.authorizedGrantType === "CLIENT-CREDENTIALS";
    },
    secretStatus(clientId, secret) {
      const client = store.getClient(clientId);
      const matches = client !== undefined && store.secretMatches(client, secret);
      return { valid: this.isSecretValid(clientId, secret), matches, state: client ? client.state : "absent" };
    },
  };
}

/**
 * The HTTP control API, relative to wherever the sandbox mounts it:
 * `POST /seed`, `GET /state`, `GET|PUT /limits`, `GET|PUT /settings`, `GET /clock`, `POST /clock`
 * (`{advanceMs}`), `GET|PUT|POST|DELETE /faults` (PUT replaces with an array, POST adds one rule), `POST /reset`,
 * `POST /secret-check` (`{clientId, secret}` → `{valid, matches, state}`). Unknown → 404. README "Sandbox" documents the bodies.
 */
export async function handleControlRequest(control: GenesysControl, method: string, path: string, body: unknown): Promise<ControlResponse> {
  const route = `${method.toUpperCase()} ${normalize(path)}`;
  try {
    switch (route) {
      case "POST /seed":
        return ok(control.seed((body ?? {}) as { roles?: SeedRole[]; clients?: SeedClient[] }));
      case "GET /state":
        return ok(control.state());
      case "GET /limits":
        return ok({ limits: control.state().limits });
      case "PUT /limits":
        control.setLimits((body ?? {}) as Partial<GenesysLimits>);
        return ok({ limits: control.state().limits });
      case "GET /settings":
        return ok({ settings: control.state().settings });
      case "PUT /settings":
        control.setSettings((body ?? {}) as Partial<GenesysSettings>);
        return ok({ settings: control.state().settings });
      case "GET /clock":
        return ok({ now: control.state().now });
      case "POST /clock": {
        const { advanceMs } = (body ?? {}) as { advanceMs?: unknown };
        control.advanceClock(advanceMs as number);
        return ok({ now: control.state().now });
      }
      case "GET /faults":
        return ok({ faults: control.state().faults });
      case "PUT /faults":
        control.setFaults(body as FaultRule[]);
        return ok({ faults: control.state().faults });
      case "POST /faults":
        control.addFault(body as FaultRule);
        return ok({ faults: control.state().faults });
      case "DELETE /faults":
        control.clearFaults();
        return ok({ faults: [] });
      case "POST /reset":
        control.reset();
        return ok({ reset: true });
      case "POST /secret-check": {
        const { clientId, secret } = (body ?? {}) as { clientId?: unknown; secret?: unknown };
        if (typeof clientId !== "string" || typeof secret !== "string") throw new ControlInputError("clientId and secret must be strings");
        return ok(control.secretStatus(clientId, secret));
      }
      default:
        return { status: 404, body: { message: `No control route ${route}.`, code: "not.found", status: 404 } };
    }
  } catch (err) {
    if (err instanceof ControlInputError) return { status: 400, body: { message: err.message, code: "bad.request", status: 400 } };
    throw err;
  }
}

const ok = (body: unknown): ControlResponse => ({ status: 200, body });

function normalize(path: string): string {
  const bare = path.split("?")[0]!.replace(/\/+$/, "");
  return bare.startsWith("/") ? bare : `/${bare}`;
}

function checkArray(value: unknown, what: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ControlInputError(`${what} must be an array`);
  return value;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function checkRole(value: unknown, index: number): GenesysRoleView {
  if (!isObject(value)) throw new ControlInputError(`roles[${index}] must be an object`);
  const { id, name, permissions } = value;
  if (typeof name !== "string" || !name) throw new ControlInputError(`roles[${index}].name must be a non-empty string`);
  if (id !== undefined && (typeof id !== "string" || !id)) throw new ControlInputError(`roles[${index}].id must be a non-empty string`);
  if (!Array.isArray(permissions) || !permissions.every((p) => typeof p === "string")) {
    throw new ControlInputError(`roles[${index}].permissions must be an array of strings`);
  }
  return { id: (id as string | undefined) ?? randomUUID(), name, permissions: [...(permissions as string[])] };
}

function checkClient(
  value: unknown,
  index: number,
  resolveRole: (ref: string) => string | undefined,
): { fields: ClientFields; id?: string; secret?: string; dateCreated?: string } {
  if (!isObject(value)) throw new ControlInputError(`clients[${index}] must be an object`);
  const c = value as Partial<Record<keyof SeedClient, unknown>>;
  const where = `clients[${index}]`;
  if (typeof c.name !== "string" || !c.name) throw new ControlInputError(`${where}.name must be a non-empty string`);
  for (const key of ["id", "secret", "description"] as const) {
    if (c[key] !== undefined && (typeof c[key] !== "string" || (key !== "description" && !c[key]))) {
      throw new ControlInputError(`${where}.${key} must be a non-empty string`);
    }
  }
  if (c.state !== undefined && !CLIENT_STATES.includes(c.state as OAuthClientState)) throw new ControlInputError(`${where}.state must be one of ${CLIENT_STATES.join(", ")}`);
  if (c.authorizedGrantType !== undefined && !GRANT_TYPES.includes(c.authorizedGrantType as GrantType)) {
    throw new ControlInputError(`${where}.authorizedGrantType must be one of ${GRANT_TYPES.join(", ")}`);
  }
  const validity = c.accessTokenValiditySeconds;
  if (validity !== undefined && (typeof validity !== "number" || !Number.isInteger(validity) || validity < 1)) {
    throw new ControlInputError(`${where}.accessTokenValiditySeconds must be a positive integer`);
  }
  const roleRefs = checkArray(c.roleIds, `${where}.roleIds`);
  const roleDivisions = roleRefs.map((ref) => {
    const roleId = typeof ref === "string" ? resolveRole(ref) : undefined;
    if (!roleId) throw new ControlInputError(`${where}.roleIds: unknown role ${JSON.stringify(ref)}`);
    return { roleId, divisionId: "*" };
  });
  const fields: ClientFields = {
    name: c.name,
    authorizedGrantType: (c.authorizedGrantType as GrantType | undefined) ?? "CLIENT-CREDENTIALS",
    accessTokenValiditySeconds: (validity as number | undefined) ?? DEFAULT_TOKEN_VALIDITY_SECONDS,
    state: (c.state as OAuthClientState | undefined) ?? "active",
    roleDivisions,
  };
  if (typeof c.description === "string") fields.description = c.description;
  if (c.dateCreated !== undefined && (typeof c.dateCreated !== "string" || Number.isNaN(Date.parse(c.dateCreated)))) {
    throw new ControlInputError(`${where}.dateCreated must be an ISO 8601 date-time`);
  }
  return {
    fields,
    ...(typeof c.dateCreated === "string" ? { dateCreated: new Date(c.dateCreated).toISOString() } : {}),
    ...(typeof c.id === "string" ? { id: c.id } : {}),
    ...(typeof c.secret === "string" ? { secret: c.secret } : {}),
  };
}

const FAULT_KEYS = new Set(["route", "latencyMs", "errorRate", "errorStatus", "retryAfterSeconds", "resetRate", "hang", "times", "skip"]);

function checkFault(value: unknown, index = 0): FaultRule {
  const where = `faults[${index}]`;
  if (!isObject(value)) throw new ControlInputError(`${where} must be an object`);
  for (const key of Object.keys(value)) if (!FAULT_KEYS.has(key)) throw new ControlInputError(`${where}.${key} is not a fault field`);
  const { route, latencyMs, errorRate, errorStatus, retryAfterSeconds, resetRate, hang, times } = value;
  const num = (v: unknown, ok: (n: number) => boolean) => v === undefined || (typeof v === "number" && Number.isFinite(v) && ok(v));
  if (route !== undefined && typeof route !== "string") throw new ControlInputError(`${where}.route must be a string`);
  if (!num(latencyMs, (n) => n >= 0)) throw new ControlInputError(`${where}.latencyMs must be >= 0`);
  if (!num(errorRate, (n) => n >= 0 && n <= 1)) throw new ControlInputError(`${where}.errorRate must be within 0..1`);
  if (!num(resetRate, (n) => n >= 0 && n <= 1)) throw new ControlInputError(`${where}.resetRate must be within 0..1`);
  if (!num(errorStatus, (n) => Number.isInteger(n) && n >= 400 && n <= 599)) throw new ControlInputError(`${where}.errorStatus must be an HTTP error status`);
  if (!num(retryAfterSeconds, (n) => Number.isInteger(n) && n >= 0 && n <= 86_400)) throw new ControlInputError(`${where}.retryAfterSeconds must be whole seconds from 0 to 86400`);
  if (!num((value as { skip?: unknown }).skip, (n) => Number.isInteger(n) && n >= 0)) throw new ControlInputError(`${where}.skip must be a whole number >= 0`);
  if (!num(times, (n) => Number.isInteger(n) && n >= 1)) throw new ControlInputError(`${where}.times must be a positive integer`);
  if (hang !== undefined && typeof hang !== "boolean") throw new ControlInputError(`${where}.hang must be a boolean`);
  return { ...(value as FaultRule) };
}
