/**
 * `keyward status`'s pure decisions: when a managed secret was last rotated, how old that is, and whether the secret
 * is stale, broken or not proven to work. No I/O: the facts come in, the judgement goes out.
 */

/** The client a secret's tag names, as Genesys Cloud reports it; `not-checked` without admin credentials. */
export type ClientState = "active" | "inactive" | "disabled" | "deleted" | "missing" | "unknown" | "not-checked";

/**
 * The value at AWSCURRENT: `live`/`dead`/`unknown` from a token grant (`--verify`); `not-checked` without it;
 * `no-value` when the secret has no AWSCURRENT version (never rotated into); `not-a-credential-document` when the
 * value is not keyward's document; `other-client` when the document names a client other than the tag's.
 */
export type DocumentStatus = "live" | "dead" | "unknown" | "not-checked" | "no-value" | "not-a-credential-document" | "other-client";

/** Where the last-rotation date comes from, most precise first. */
export type RotationDateSource = "current-version" | "last-rotated-date" | "last-changed-date" | "none";

/** `broken`: proven not to work; `unknown`: not proven to work when that was asked; `stale`: older than `--max-age`. */
export type SecretVerdict = "ok" | "stale" | "broken" | "unknown";

export interface RotationDates {
  /** Creation date of the version at AWSCURRENT: every rotation (keyward's PutSecretValue, RotateSecret) makes one. */
  currentVersionCreated?: Date;
  /** Secrets Manager's `LastRotatedDate` (its own rotation only). */
  lastRotatedDate?: Date;
  /** Secrets Manager's `LastChangedDate` (any change, tags included: the least precise). */
  lastChangedDate?: Date;
}

/** The last rotation: the current version's creation date; else LastRotatedDate; else LastChangedDate; else none. */
export function lastRotation(dates: RotationDates): { date?: Date; source: RotationDateSource } {
  if (dates.currentVersionCreated) return { date: dates.currentVersionCreated, source: "current-version" };
  if (dates.lastRotatedDate) return { date: dates.lastRotatedDate, source: "last-rotated-date" };
  if (dates.lastChangedDate) return { date: dates.lastChangedDate, source: "last-changed-date" };
  return { source: "none" };
}

const DAY_MS = 86_400_000;

/** Whole and fractional days from `date` to `nowMs` (never negative: a clock slightly ahead reads as 0). */
export function ageInDays(date: Date, nowMs: number): number {
  return Math.max(0, nowMs - date.getTime()) / DAY_MS;
}

export interface SecretFacts {
  clientState: ClientState;
  document: DocumentStatus;
  lastRotation?: Date;
}

export interface Judgement {
  verdict: SecretVerdict;
  /** Days since the last rotation; undefined when it never was. */
  ageDays?: number;
  /** One line per problem, most serious first; empty when `ok`. */
  problems: string[];
}

const BROKEN_DOCUMENT: Partial<Record<DocumentStatus, string>> = {
  dead: "the stored secret is refused by Genesys Cloud (invalid_client)",
  "no-value": "the secret holds no value (no AWSCURRENT version): the client was never rotated into it",
  "not-a-credential-document": "the value at AWSCURRENT is not a keyward credential document",
  "other-client": "the document at AWSCURRENT names another client than the secret's keyward:client-id tag",
};
const BROKEN_CLIENT: Partial<Record<ClientState, string>> = {
  missing: "the client no longer exists in Genesys Cloud",
  deleted: "the client is deleted in Genesys Cloud",
  disabled: "the client is disabled: Genesys Cloud grants it no token",
  inactive: "the client is inactive: Genesys Cloud grants it no token",
};

/**
 * Judges one managed secret. Broken (a fact proves it cannot work) outranks unknown (a check that was asked for could
 * not decide: never reported as fine), which outranks stale (`maxAgeDays` given and the last rotation older than
 * that, or none at all). A secret that passes every check that ran is `ok`.
 */
export function judgeSecret(facts: SecretFacts, nowMs: number, maxAgeDays?: number): Judgement {
  const ageDays = facts.lastRotation ? ageInDays(facts.lastRotation, nowMs) : undefined;
  const broken = [BROKEN_DOCUMENT[facts.document], BROKEN_CLIENT[facts.clientState]].filter((p): p is string => p !== undefined);
  const unknown = [
    ...(facts.document === "unknown" ? ["the stored secret could not be checked (the token endpoint did not answer clearly)"] : []),
    ...(facts.clientState === "unknown" ? ["the client could not be looked up in Genesys Cloud"] : []),
  ];
  const stale =
    maxAgeDays === undefined
      ? []
      : ageDays === undefined
        ? ["never rotated"]
        : ageDays > maxAgeDays
          ? [`last rotated ${formatDays(ageDays)} days ago, over --max-age ${maxAgeDays}`]
          : [];
  const verdict: SecretVerdict = broken.length ? "broken" : unknown.length ? "unknown" : stale.length ? "stale" : "ok";
  return { verdict, ...(ageDays !== undefined ? { ageDays } : {}), problems: [...broken, ...unknown, ...stale] };
}

/** Days with one decimal, as reports show them. */
export function formatDays(days: number): string {
  return (Math.floor(days * 10) / 10).toFixed(1);
}

/** Exit 1 when any secret is not `ok` (stale, broken or unknown), else 0. */
export function statusExitCode(verdicts: readonly SecretVerdict[]): 0 | 1 {
  return verdicts.every((v) => v === "ok") ? 0 : 1;
}
