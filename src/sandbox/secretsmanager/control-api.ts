import type { FaultRule } from "../common/faults.js";
import { FaultSettingsError } from "./fault-plan.js";
import type { ControlResponse, SecretsManagerControl, SecretsManagerFaults, SecretsManagerPermissions, SecretsManagerSettings } from "./types.js";

const RULE_KEYS = new Set(["route", "latencyMs", "errorRate", "errorStatus", "errorType", "errorMessage", "retryAfterSeconds", "resetRate", "hang", "times", "skip"]);

/**
 * The emulator's HTTP control API, relative to wherever it is mounted:
 * `GET /state`, `PUT /faults` (SecretsManagerFaults), `DELETE /faults`, `PUT /faults/rules` (FaultRule[] or
 * `{ rules }`), `GET`/`PUT`/`DELETE /permissions` (SecretsManagerPermissions), `GET`/`PUT /settings`
 * (SecretsManagerSettings), `POST /reset`. Anything else is 404; a malformed body is 400.
 */
export async function handleControlRequest(control: SecretsManagerControl, method: string, path: string, body: unknown): Promise<ControlResponse> {
  const route = `${method.toUpperCase()} ${normalize(path)}`;
  try {
    switch (route) {
      case "GET /state":
        return { status: 200, body: control.state() };
      case "PUT /faults":
        control.setFaults((body ?? {}) as SecretsManagerFaults);
        return { status: 200, body: control.state().faults };
      case "DELETE /faults":
        control.clearFaults();
        return { status: 204, body: undefined };
      case "PUT /faults/rules":
        control.faults.set(parseRules(body));
        return { status: 200, body: control.state().faults };
      case "GET /permissions":
        return { status: 200, body: control.state().permissions };
      case "PUT /permissions":
        control.setPermissions((body ?? {}) as SecretsManagerPermissions);
        return { status: 200, body: control.state().permissions };
      case "DELETE /permissions":
        control.clearPermissions();
        return { status: 204, body: undefined };
      case "GET /settings":
        return { status: 200, body: control.state().settings };
      case "PUT /settings":
        control.setSettings((body ?? {}) as Partial<SecretsManagerSettings>);
        return { status: 200, body: control.state().settings };
      case "POST /reset":
        control.reset();
        return { status: 204, body: undefined };
      default:
        return { status: 404, body: { message: `unknown Secrets Manager control route: ${route}` } };
    }
  } catch (err) {
    if (err instanceof FaultSettingsError) return { status: 400, body: { message: err.message } };
    throw err;
  }
}

function normalize(path: string): string {
  const bare = path.split("?")[0]!.replace(/\/+$/, "");
  return bare.startsWith("/") ? bare : `/${bare}`;
}

function parseRules(body: unknown): FaultRule[] {
  const rules = Array.isArray(body) ? body : (body as { rules?: unknown } | undefined)?.rules;
  if (!Array.isArray(rules)) throw new FaultSettingsError("fault rules must be a list, or { rules: [...] }");
  for (const rule of rules) {
    if (rule === null || typeof rule !== "object" || Array.isArray(rule)) throw new FaultSettingsError("each fault rule must be an object");
    const unknown = Object.keys(rule).filter((key) => !RULE_KEYS.has(key));
    if (unknown.length) throw new FaultSettingsError(`unknown fault rule field(s): ${unknown.join(", ")}`);
  }
  return rules as FaultRule[];
}
