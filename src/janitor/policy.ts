import { isGenesysId } from "../contracts/genesys-id.js";

export type ContainAction = "rotate" | "revoke" | "disable" | "delete";
export const CONTAIN_ACTIONS: readonly ContainAction[] = ["rotate", "revoke", "disable", "delete"];

export interface ClientPolicy {
  action?: ContainAction;
  secretId?: string;
}

/** `KEYWARD_POLICY_FILE`, validated. Without a file: rotate when the client's secret is known, else revoke, never delete. */
export interface JanitorPolicy {
  defaultAction?: ContainAction;
  dryRun: boolean;
  protectedClients: ReadonlySet<string>;
  clients: Readonly<Record<string, ClientPolicy>>;
  /** Contain alerts a human resolved as false_positive / used_in_tests / wont_fix too (default false: triage is respected). */
  overrideTriage?: boolean;
}

export const DEFAULT_POLICY: JanitorPolicy = Object.freeze({ dryRun: false, protectedClients: new Set<string>(), clients: {} });

const SECRET_ID = /^(arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+|[A-Za-z0-9/_+=.@-]{1,512})$/;

/** Validates a parsed policy document; every problem is listed (never stops at the first). */
export function parsePolicy(doc: unknown, where = "policy"): { policy: JanitorPolicy; problems: string[] } {
  const problems: string[] = [];
  const policy: { defaultAction?: ContainAction; dryRun: boolean; protectedClients: Set<string>; clients: Record<string, ClientPolicy>; overrideTriage?: boolean } = {
    dryRun: false,
    protectedClients: new Set(),
    clients: {},
  };
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return { policy, problems: [`${where}: must be a JSON object`] };
  const d = doc as Record<string, unknown>;
  for (const key of Object.keys(d)) {
    if (!["defaultAction", "dryRun", "protectedClients", "clients", "overrideTriage"].includes(key))
      problems.push(`${where}: unknown field "${key}" (known: defaultAction, dryRun, protectedClients, clients, overrideTriage)`);
  }
  if (d.defaultAction !== undefined) {
    if (CONTAIN_ACTIONS.includes(d.defaultAction as ContainAction)) policy.defaultAction = d.defaultAction as ContainAction;
    else problems.push(`${where}: defaultAction must be one of ${CONTAIN_ACTIONS.join("|")}`);
  }
  if (d.dryRun !== undefined) {
    if (typeof d.dryRun === "boolean") policy.dryRun = d.dryRun;
    else problems.push(`${where}: dryRun must be true or false`);
  }
  if (d.overrideTriage !== undefined) {
    if (typeof d.overrideTriage === "boolean") policy.overrideTriage = d.overrideTriage;
    else problems.push(`${where}: overrideTriage must be true or false`);
  }
  if (d.protectedClients !== undefined) {
    if (!Array.isArray(d.protectedClients)) problems.push(`${where}: protectedClients must be an array of client ids`);
    else
      d.protectedClients.forEach((id, i) => {
        if (typeof id === "string" && isGenesysId(id)) policy.protectedClients.add(id.toLowerCase());
        else problems.push(`${where}: protectedClients[${i}] is not a client id (UUID)`);
      });
  }
  if (d.clients !== undefined) {
    if (typeof d.clients !== "object" || d.clients === null || Array.isArray(d.clients)) problems.push(`${where}: clients must be an object keyed by client id`);
    else
      for (const [id, entry] of Object.entries(d.clients as Record<string, unknown>)) {
        const at = `${where}: clients["${id}"]`;
        if (!isGenesysId(id)) problems.push(`${at}: the key is not a client id (UUID)`);
        if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
          problems.push(`${at} must be an object {action?, secretId?}`);
          continue;
        }
        const e = entry as Record<string, unknown>;
        const out: ClientPolicy = {};
        for (const key of Object.keys(e)) if (key !== "action" && key !== "secretId") problems.push(`${at}: unknown field "${key}"`);
        if (e.action !== undefined) {
          if (CONTAIN_ACTIONS.includes(e.action as ContainAction)) out.action = e.action as ContainAction;
          else problems.push(`${at}.action must be one of ${CONTAIN_ACTIONS.join("|")}`);
        }
        if (e.secretId !== undefined) {
          if (typeof e.secretId === "string" && SECRET_ID.test(e.secretId)) out.secretId = e.secretId;
          else problems.push(`${at}.secretId must be a Secrets Manager secret name or ARN`);
        }
        if (policy.protectedClients.has(id.toLowerCase()) && out.action === "delete") {
          problems.push(`${at}.action is delete but the client is protected (protected clients are never deleted)`);
        }
        policy.clients[id.toLowerCase()] = out;
      }
  }
  return { policy, problems };
}
