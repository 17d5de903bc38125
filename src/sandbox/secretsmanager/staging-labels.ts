import type { SecretRecord, VersionRecord } from "./secret-record.js";

export const AWSCURRENT = "AWSCURRENT";
export const AWSPREVIOUS = "AWSPREVIOUS";
export const AWSPENDING = "AWSPENDING";
/** AWS keeps the 100 most recent versions; older versions without labels are dropped. */
export const MAX_VERSIONS = 100;

/**
 * Puts `stage` on `target`, taking it off whichever version had it (a label is on one version at most). Moving
 * AWSCURRENT moves AWSPREVIOUS to the version AWSCURRENT came from.
 */
export function attachStage(secret: SecretRecord, stage: string, target: VersionRecord): void {
  const holder = secret.versions.find((v) => v.stages.has(stage));
  if (holder === target) return;
  holder?.stages.delete(stage);
  target.stages.add(stage);
  if (stage === AWSCURRENT && holder) attachStage(secret, AWSPREVIOUS, holder);
}

/** Drops the oldest unlabelled versions beyond MAX_VERSIONS. */
export function pruneVersions(secret: SecretRecord): void {
  while (secret.versions.length > MAX_VERSIONS) {
    const index = secret.versions.findIndex((v) => v.stages.size === 0);
    if (index < 0) return;
    secret.versions.splice(index, 1);
  }
}

/** `{versionId: stages}` for the versions that have labels; undefined when none has. */
export function versionIdsToStages(secret: SecretRecord): Record<string, string[]> | undefined {
  const labelled = secret.versions.filter((v) => v.stages.size > 0);
  return labelled.length ? Object.fromEntries(labelled.map((v) => [v.id, [...v.stages]])) : undefined;
}
