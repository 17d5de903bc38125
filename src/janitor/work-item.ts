import { createHash } from "node:crypto";
import { registerSecret } from "../core/redact.js";
import { isRepositoryName } from "../github/repository.js";
import { KEYWARD_FINDING_ACTION, KEYWARD_FINDING_EVENT, type KeywardFinding } from "../contracts/finding-event.js";

/** The janitor acts on these `secret_scanning_alert` actions; `validated` is a re-check. */
export const ALERT_ACTIONS: ReadonlySet<string> = new Set(["created", "reopened", "publicly_leaked", "validated"]);
export { KEYWARD_FINDING_EVENT };
export const ALERT_EVENT = "secret_scanning_alert";

/** keyward's own scanner's finding (src/contracts/finding-event.ts), once validated: it names a client id. */
export type Finding = KeywardFinding & { client_id: string };

/** What goes on the queue. An alert item carries no secret (it is fetched over REST when processed). */
export type WorkItem =
  | { v: 1; deliveryId: string; event: typeof ALERT_EVENT; action: string; repository: string; alertNumber: number }
  | { v: 1; deliveryId: string; event: typeof KEYWARD_FINDING_EVENT; action: string; repository: string | null; finding: Finding };

export type Classified = { kind: "ignore" } | { kind: "invalid"; reason: string } | { kind: "work"; item: WorkItem };

/**
 * Pure: which deliveries are work, which are acknowledged and ignored (204), which are malformed (400). An alert whose
 * payload names a `secret_type` outside `secretTypes` (another provider's secret) is ignored here already; the
 * worker checks the type GitHub's REST answer gives again before anything reaches Genesys.
 */
export function classifyDelivery(event: string | undefined, deliveryId: string, payload: unknown, secretTypes?: readonly string[]): Classified {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return { kind: "invalid", reason: "payload-not-object" };
  const p = payload as Record<string, unknown>;
  const action = typeof p.action === "string" ? p.action : "";
  const repo = (p.repository as { full_name?: unknown } | null | undefined)?.full_name;
  if (event === ALERT_EVENT) {
    if (!ALERT_ACTIONS.has(action)) return { kind: "ignore" };
    const alert = p.alert as { number?: unknown; secret_type?: unknown; secret_type_display_name?: unknown } | undefined;
    const n = alert?.number;
    if (!isRepositoryName(repo)) return { kind: "invalid", reason: "repository-missing" };
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1) return { kind: "invalid", reason: "alert-number-missing" };
    if (secretTypes && typeof alert?.secret_type === "string") {
      const types = secretTypes.map((t) => t.toLowerCase());
      const named = [alert.secret_type, alert.secret_type_display_name].filter((t): t is string => typeof t === "string").map((t) => t.toLowerCase());
      if (!named.some((t) => types.includes(t))) return { kind: "ignore" };
    }
    return { kind: "work", item: { v: 1, deliveryId, event: ALERT_EVENT, action, repository: repo, alertNumber: n } };
  }
  if (event === KEYWARD_FINDING_EVENT) {
    if (action !== KEYWARD_FINDING_ACTION) return { kind: "ignore" };
    if (repo !== null && repo !== undefined && !isRepositoryName(repo)) return { kind: "invalid", reason: "repository-malformed" };
    const f = p.finding as Record<string, unknown> | undefined;
    if (typeof f !== "object" || f === null) return { kind: "invalid", reason: "finding-missing" };
    if (typeof f.secret === "string") registerSecret(f.secret);
    const str = (k: string) => typeof f[k] === "string" && (f[k] as string).length > 0;
    const strOrNull = (k: string) => f[k] === null || f[k] === undefined || typeof f[k] === "string";
    const int = (k: string) => typeof f[k] === "number" && Number.isInteger(f[k]);
    if (
      !str("secret") ||
      !str("client_id") ||
      !str("path") ||
      !str("rule_id") ||
      !str("fingerprint") ||
      !int("line") ||
      !int("column") ||
      !strOrNull("commit") ||
      !strOrNull("author_email")
    ) {
      return { kind: "invalid", reason: "finding-malformed" };
    }
    const finding: Finding = {
      rule_id: f.rule_id as string,
      path: f.path as string,
      line: f.line as number,
      column: f.column as number,
      commit: (f.commit as string | null | undefined) ?? null,
      author_email: (f.author_email as string | null | undefined) ?? null,
      client_id: (f.client_id as string).toLowerCase(),
      secret: f.secret as string,
      fingerprint: f.fingerprint as string,
    };
    return { kind: "work", item: { v: 1, deliveryId, event: KEYWARD_FINDING_EVENT, action, repository: (repo as string | null | undefined) ?? null, finding } };
  }
  return { kind: "ignore" };
}

/**
 * The ordering key: repository + alert number (SQS MessageGroupId: at most 128 characters; longer keys are hashed).
 * Findings are ordered per repository + scanner fingerprint.
 */
export function groupIdOf(item: WorkItem): string {
  const key = item.event === ALERT_EVENT ? `${item.repository}#${item.alertNumber}` : `${item.repository ?? "-"}#finding:${item.finding.fingerprint}`;
  return key.length <= 128 && /^[\x21-\x7e]+$/.test(key) ? key : "sha256:" + createHash("sha256").update(key).digest("hex");
}

export function parseWorkItem(text: string): WorkItem | undefined {
  try {
    const item = JSON.parse(text) as WorkItem;
    if (item?.v !== 1 || typeof item.deliveryId !== "string") return undefined;
    if (item.event === KEYWARD_FINDING_EVENT && typeof item.finding?.secret === "string") registerSecret(item.finding.secret);
    return item;
  } catch {
    return undefined;
  }
}
