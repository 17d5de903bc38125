/**
 * Pure decisions of a rotation (no I/O), tested exhaustively in test/rotation/decide.test.ts.
 *
 * A rotation holds the secret's lock (AWSPENDING, see src/rotation/lock.ts) from before its regenerate until the
 * new value is at AWSCURRENT, so no other keyward run writes the secret meanwhile. What can still happen is outside
 * keyward: another regenerate of the client (the console, a janitor's revoke) invalidates the new secret before it
 * is promoted, or the token endpoint cannot say. These decisions settle what to do then.
 */
export type Liveness = "live" | "dead" | "unknown";

export type CheckAction =
  | { kind: "promote" }
  | { kind: "check-again" }
  | { kind: "re-rotate" }
  /** Single-client rotation whose new secret could not be checked: the old one is dead either way, so the new one goes to AWSCURRENT unverified (exit 4). */
  | { kind: "promote-unverified" }
  | { kind: "fail"; why: "unknown" | "dead" };

export interface CheckObservation {
  /** Does the new secret (at AWSPENDING) authenticate? */
  pending: Liveness;
  /** Token grants left after this one. */
  checksLeft: number;
  /** Regenerates this run may still do. */
  reRotationsLeft: number;
  /** Alternating rotation: the document at AWSCURRENT still works, so nothing unverified replaces it. */
  alternating: boolean;
  /** The critical budget still fits one more check (and the promote after it). */
  budgetAllowsCheck: boolean;
  /** The critical budget still fits one more regenerate + store + check + promote. */
  budgetAllowsReRotation: boolean;
}

export function decideAfterCheck(o: CheckObservation): CheckAction {
  if (o.pending === "live") return { kind: "promote" };
  if (o.pending === "unknown" && o.checksLeft > 0 && o.budgetAllowsCheck) return { kind: "check-again" };
  if (o.pending === "dead" && o.reRotationsLeft > 0 && o.budgetAllowsReRotation) return { kind: "re-rotate" };
  if (o.pending === "unknown" && !o.alternating) return { kind: "promote-unverified" };
  return { kind: "fail", why: o.pending === "unknown" ? "unknown" : "dead" };
}

/** What holds AWSPENDING, as read by a run that wants the lock. */
export interface PendingHolder {
  /** The holder is also AWSCURRENT's version. */
  isCurrent: boolean;
  /** `intent`: a keyward lock record; `credentials`: a credential document; `empty`: no value (a RotateSecret that has not run createSecret); `other`: anything else. */
  content: "intent" | "credentials" | "empty" | "other";
  /** When the holding run's lock expires (epoch ms): the intent's, also for the new credentials a keyward run stored. */
  expiresAtMs?: number;
  /** The holding run's process is proven gone (on this machine, and no longer there). */
  holderGone?: boolean;
  /** When the version was created (epoch ms): the expiry of a holder without a known intent is this plus the lock's lifetime. */
  createdMs?: number;
}

/**
 * May a run take AWSPENDING from its holder? A keyward intent is taken only once it expired or its process is proven
 * gone, whatever else holds AWSCURRENT (a fresh container's first version is both). Any other holder that is
 * AWSCURRENT's version is a leftover of a finished rotation. A pending value of another kind (a keyward run's new
 * credentials, not yet promoted; a rotation Secrets Manager started) is a rotation in progress until its run's lock
 * expired (or, without a known run, until it is older than `ttlMs`) or its process is proven gone. Expiry allows
 * `skewMs` of clock skew between machines.
 */
export function decideLock(holder: PendingHolder, nowMs: number, ttlMs: number, skewMs: number): "free" | "held" {
  if (holder.content !== "intent" && holder.isCurrent) return "free";
  if (holder.holderGone) return "free";
  const expires = holder.expiresAtMs ?? (holder.createdMs !== undefined ? holder.createdMs + ttlMs : undefined);
  return expires !== undefined && nowMs > expires + skewMs ? "free" : "held";
}

/**
 * Which client a rotation regenerates: the client itself (single), or in an alternating pair the one whose document
 * is not at AWSCURRENT (the first client when AWSCURRENT holds neither), so the current one keeps working.
 */
export function chooseTarget(pair: { primary: string; standby?: string | undefined }, currentClientId: string | undefined): string {
  if (pair.standby === undefined) return pair.primary;
  if (currentClientId === pair.primary) return pair.standby;
  return pair.primary;
}

export type PreflightProblem =
  | { kind: "client-not-active"; state: string }
  | { kind: "secret-missing" }
  | { kind: "secret-scheduled-for-deletion"; deletedDate: Date }
  | { kind: "secret-arn-not-creatable" };

export interface PreflightFacts {
  clientState: string | undefined;
  secret: { exists: false } | { exists: true; deletedDate?: Date | undefined };
  createSecret: boolean;
  /** `--secret-id` is an ARN (a container can only be created by name). */
  secretIdIsArn: boolean;
}

/** Guards before anything changes. `create-secret` means: go on, creating the container first. */
export function decidePreflight(f: PreflightFacts): { ok: true; createSecret: boolean } | { ok: false; problem: PreflightProblem } {
  const state = f.clientState ?? "active";
  if (state !== "active") return { ok: false, problem: { kind: "client-not-active", state } };
  if (f.secret.exists) {
    if (f.secret.deletedDate) return { ok: false, problem: { kind: "secret-scheduled-for-deletion", deletedDate: f.secret.deletedDate } };
    return { ok: true, createSecret: false };
  }
  if (!f.createSecret) return { ok: false, problem: { kind: "secret-missing" } };
  if (f.secretIdIsArn) return { ok: false, problem: { kind: "secret-arn-not-creatable" } };
  return { ok: true, createSecret: true };
}

export function isSecretArn(secretId: string): boolean {
  return /^arn:aws[a-z-]*:secretsmanager:/.test(secretId);
}
