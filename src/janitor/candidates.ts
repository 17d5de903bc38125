/** Client-id candidates: UUIDs near the secret, nearest first, bounded. Pure. */
const UUID_G = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;

export const NEAR_BOUND = 3;
export const FILES_BOUND = 3;
export const TOTAL_BOUND = 6;

/**
 * UUIDs in `text` ordered by distance from the secret (its first occurrence, else the start of `line`, else the
 * start of the text), deduplicated, lowercased, at most `bound`.
 */
export function uuidsNear(text: string, secret: string | undefined, line: number | undefined, bound = NEAR_BOUND): string[] {
  let anchor = secret ? text.indexOf(secret) : -1;
  if (anchor < 0 && line !== undefined && line > 1) {
    anchor = 0;
    for (let l = 1; l < line && anchor >= 0; l++) anchor = text.indexOf("\n", anchor) + 1 || -1;
    if (anchor < 0) anchor = 0;
  }
  if (anchor < 0) anchor = 0;
  const end = anchor + (secret && text.startsWith(secret, anchor) ? secret.length : 0);
  const found: Array<{ id: string; distance: number }> = [];
  for (const m of text.matchAll(UUID_G)) {
    const start = m.index ?? 0;
    const stop = start + m[0].length;
    const distance = stop <= anchor ? anchor - stop : start >= end ? start - end : 0;
    found.push({ id: m[0].toLowerCase(), distance });
  }
  found.sort((a, b) => a.distance - b.distance);
  return unique(found.map((f) => f.id)).slice(0, bound);
}

/** Concatenates candidate lists in priority order, without duplicates, at most `bound`. */
export function mergeCandidates(lists: ReadonlyArray<readonly string[]>, bound = TOTAL_BOUND): string[] {
  return unique(lists.flat()).slice(0, bound);
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}
