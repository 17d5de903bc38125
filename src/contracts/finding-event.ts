/**
 * The `keyward_finding` webhook event: what `keyward scan --post-to-janitor` (and the Action's `janitor-url`) sends and
 * what the janitor accepts. Signed like a GitHub webhook (`X-Hub-Signature-256`), `X-GitHub-Event: keyward_finding`.
 * Defined once; the scanner builds it, the janitor validates it.
 */
export const KEYWARD_FINDING_EVENT = "keyward_finding";
/** The only action the janitor acts on for this event. */
export const KEYWARD_FINDING_ACTION = "detected";

/** One finding on the wire. It carries the secret: only ever sent over https or to loopback, and signed. */
export interface KeywardFinding {
  rule_id: string;
  path: string;
  line: number;
  column: number;
  commit: string | null;
  author_email: string | null;
  /** The client id the scanner paired the secret with, if any. */
  client_id: string | null;
  secret: string;
  /** The secret's fingerprint (src/contracts/fingerprint.ts). */
  fingerprint: string;
}

export interface KeywardFindingPayload {
  action: typeof KEYWARD_FINDING_ACTION;
  repository: { full_name: string | null };
  finding: KeywardFinding;
}
