/**
 * The rotation lock's record (README "The rotation lock"): before keyward regenerates a client whose credentials live
 * in a secret, it writes this document as a new version of that secret and moves `AWSPENDING` onto it with a
 * compare-and-set (`UpdateSecretVersionStage` without `RemoveFromVersionId` fails when the label is attached
 * elsewhere). While a live intent holds `AWSPENDING`, no other keyward run (and no `RotateSecret`) rotates the
 * secret. The record says who is regenerating which client since when, so a janitor or a sweep that finds it after
 * a crash knows the client's secret may have changed (`src/rotation/repair.ts`). Never holds a secret.
 */
export interface RotationIntent {
  /** The run holding the lock (random; also the intent version's id). */
  owner: string;
  /** The client about to be regenerated (canonical form). */
  clientId: string;
  /** ISO 8601. */
  startedAt: string;
  /** ISO 8601: after it (plus a clock-skew margin) another run may take the lock over. */
  expiresAt: string;
  /** What is rotating: `keyward rotate`, `keyward scheduled rotation`, `keyward janitor`, ... */
  by: string;
  /**
   * The holding process (Linux: boot id, pid namespace, pid, start time), so a run on the same machine can prove it
   * gone (killed) and take the lock before it expires. Absent where that cannot be read.
   */
  process?: { bootId: string; pidNamespace: string; pid: number; startTime: string };
}

const KEY = "keywardRotationIntent";

export function serializeRotationIntent(intent: RotationIntent): string {
  return JSON.stringify({ [KEY]: intent });
}

/** The intent in a stored value, or undefined when the value is not an intent record. */
export function parseRotationIntent(text: string | undefined): RotationIntent | undefined {
  if (!text) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const v = (parsed as Record<string, unknown> | null)?.[KEY] as Record<string, unknown> | undefined;
  if (!v || typeof v !== "object") return undefined;
  for (const field of ["owner", "clientId", "startedAt", "expiresAt", "by"]) if (typeof v[field] !== "string") return undefined;
  if (!Number.isFinite(Date.parse(v.expiresAt as string)) || !Number.isFinite(Date.parse(v.startedAt as string))) return undefined;
  return v as unknown as RotationIntent;
}
