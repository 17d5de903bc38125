import type { IncomingMessage, ServerResponse } from "node:http";
import { FaultInjector } from "../common/faults.js";
import { ApiError, apiErrors, injectedApiError } from "./api-error.js";
import { handleApiRequest } from "./api-endpoint.js";
import { classifyPath, matchApiRoute } from "./api-routes.js";
import { injectedAuthError } from "./auth-error.js";
import { Exchange } from "./exchange.js";
import { FixedWindowCounter } from "./fixed-window.js";
import { DEFAULT_LIMITS, mergeLimits } from "./limits.js";
import { RequestCounters } from "./request-counters.js";
import { DAY_MS, DEFAULT_BEHAVIOUR, DEFAULT_SOFT_DELETE, GenesysStore } from "./store.js";
import { handleTokenRequest } from "./token-endpoint.js";
import type { GenesysEmulatorOptions, GenesysLimits, GenesysSettings } from "./types.js";

export const DEFAULT_SETTINGS: Readonly<GenesysSettings> = Object.freeze({
  ...DEFAULT_BEHAVIOUR,
  softDeleteMinAgeDays: DEFAULT_SOFT_DELETE.minAgeMs / DAY_MS,
  softDeleteRetentionDays: DEFAULT_SOFT_DELETE.retentionMs / DAY_MS,
});

/** Merges `patch` over `base`, rejecting unknown keys and bad values. */
export function mergeSettings(base: GenesysSettings, patch: unknown): GenesysSettings {
  if (patch === undefined) return { ...base };
  if (typeof patch !== "object" || patch === null || Array.isArray(patch)) throw new TypeError("settings must be an object");
  const next = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    switch (key) {
      case "rateLimitHeaders":
      case "heldRolesOnly":
        if (typeof value !== "boolean") throw new TypeError(`setting '${key}' must be true or false`);
        next[key] = value;
        break;
      case "roleAssignmentDeniedStatus":
        if (value !== 400 && value !== 403) throw new TypeError("setting 'roleAssignmentDeniedStatus' must be 400 or 403");
        next.roleAssignmentDeniedStatus = value;
        break;
      case "missingDivision":
        if (value !== "home" && value !== "reject") throw new TypeError('setting \'missingDivision\' must be "home" or "reject"');
        next.missingDivision = value;
        break;
      case "softDeleteMinAgeDays":
      case "softDeleteRetentionDays":
        if (typeof value !== "number" || !Number.isFinite(value) || value < 0) throw new TypeError(`setting '${key}' must be a number >= 0`);
        next[key] = value;
        break;
      default:
        throw new TypeError(`unknown setting '${key}'`);
    }
  }
  return next;
}

/** Everything the emulated org holds, and the HTTP handler that serves it. No logging, ever. */
export class GenesysEmulatorCore {
  readonly store: GenesysStore;
  readonly faults = new FaultInjector();
  readonly counters = new RequestCounters();
  readonly startupLimits: GenesysLimits;
  readonly badCredentialsStatus: 400 | 401;
  limits: GenesysLimits;
  readonly startupSettings: GenesysSettings;
  settings: GenesysSettings;
  readonly apiWindow = new FixedWindowCounter(
    () => ({ allowed: this.limits.apiRequestsPerWindow, windowMs: this.limits.apiWindowSeconds * 1000 }),
    () => this.store.now(),
  );
  readonly tokenWindow = new FixedWindowCounter(
    () => ({ allowed: this.limits.tokenRequestsPerWindow, windowMs: this.limits.tokenWindowSeconds * 1000 }),
    () => this.store.now(),
  );

  constructor(options: GenesysEmulatorOptions = {}) {
    this.store = new GenesysStore(options.orgName ?? "keyward sandbox org", options.clock);
    this.badCredentialsStatus = options.badCredentialsStatus ?? 400;
    this.startupLimits = mergeLimits({ ...DEFAULT_LIMITS }, options.limits);
    this.limits = { ...this.startupLimits };
    this.startupSettings = mergeSettings({ ...DEFAULT_SETTINGS }, options.settings);
    this.settings = { ...this.startupSettings };
    this.applySettings();
  }

  setSettings(patch: Partial<GenesysSettings>): void {
    this.settings = mergeSettings(this.settings, patch);
    this.applySettings();
  }

  private applySettings(): void {
    const { rateLimitHeaders, heldRolesOnly, roleAssignmentDeniedStatus, missingDivision, softDeleteMinAgeDays, softDeleteRetentionDays } = this.settings;
    this.store.behaviour = { rateLimitHeaders, heldRolesOnly, roleAssignmentDeniedStatus, missingDivision };
    this.store.softDelete = { minAgeMs: softDeleteMinAgeDays * DAY_MS, retentionMs: softDeleteRetentionDays * DAY_MS };
  }

  /** New limits apply at once; every rate-limit window starts afresh. */
  setLimits(patch: Partial<GenesysLimits>): void {
    this.limits = mergeLimits(this.limits, patch);
    this.apiWindow.clear();
    this.tokenWindow.clear();
  }

  reset(): void {
    this.store.reset();
    this.faults.clear();
    Object.assign(this.faults.counters, { latency: 0, error: 0, reset: 0, hang: 0 });
    this.counters.clear();
    this.limits = { ...this.startupLimits };
    this.settings = { ...this.startupSettings };
    this.applySettings();
    this.apiWindow.clear();
    this.tokenWindow.clear();
  }

  readonly handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const ex = new Exchange(req, res, this.counters);
    const target = classifyPath((req.url ?? "/").split("?")[0]!);
    const match = target.kind === "api" ? matchApiRoute(ex.method, target.path) : undefined;
    ex.routeKey = target.kind === "token" ? `${ex.method} /oauth/token` : match ? match.route.key : `${ex.method} ${target.path}`;
    try {
      const outcome = await this.faults.apply(ex.routeKey, req, res);
      if (outcome.kind === "handled") {
        this.counters.record(ex.routeKey, req.socket.destroyed ? "reset" : "hang");
        return;
      }
      if (outcome.kind === "error") {
        if (target.kind !== "token") return ex.sendApiError(injectedApiError(outcome.status, outcome.retryAfterSeconds));
        const error = injectedAuthError(outcome.status);
        if (error.isRateLimit && error.status === 400) this.counters.tokenRateLimited++;
        return ex.sendAuthError(error);
      }
      if (target.kind === "token") {
        if (ex.method !== "POST") return ex.sendApiError(apiErrors.notFound());
        return await handleTokenRequest(ex, {
          store: this.store,
          window: this.tokenWindow,
          counters: this.counters,
          badCredentialsStatus: () => this.badCredentialsStatus,
        });
      }
      if (target.kind === "api") return await handleApiRequest(ex, match, { store: this.store, window: this.apiWindow });
      ex.sendApiError(apiErrors.notFound());
    } catch {
      ex.sendApiError(new ApiError(500, "internal.server.error", "The server encountered an unexpected condition which prevented it from fulfilling the request."));
    }
  };
}
