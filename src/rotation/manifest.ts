import { readFile } from "node:fs/promises";
import { UsageError } from "../core/errors.js";
import { escapeCommandValue } from "../core/github-actions.js";
import type { RotationTarget } from "./rotate-client.js";
import { isGenesysId } from "../contracts/genesys-id.js";

/** Control characters (line breaks above all) have no place in an id, a name or a secret id. */
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A value with a line break or another control character is refused, and shown escaped (never as a new line). */
export function refuseControlCharacters(where: string, value: string): void {
  if (CONTROL.test(value))
    throw new UsageError(`${where} "${escapeCommandValue(value).replace(/[\u0000-\u001f\u007f]/g, "?")}" contains a line break or another control character`, {
      hint: "pass the value without control characters (by --client-id when a client's name has them)",
    });
}

/**
 * Validates a rotation manifest: a list of `{clientId | clientName, standbyClientId?, secretId}`, either bare or as
 * `{ "clients": [...] }` (the form the scheduled-rotation stack puts in the EventBridge Scheduler input).
 * `standbyClientId` makes the entry an alternating pair (README "Alternating clients").
 */
export function parseManifest(data: unknown, source = "manifest", options: { allowEmpty?: boolean } = {}): RotationTarget[] {
  const list = Array.isArray(data)
    ? data
    : data && typeof data === "object" && Array.isArray((data as { clients?: unknown }).clients)
      ? (data as { clients: unknown[] }).clients
      : undefined;
  if (!list) throw new UsageError(`${source}: expected a list of {clientId | clientName, secretId} entries (or {"clients": [...]})`);
  if (list.length === 0 && !options.allowEmpty) throw new UsageError(`${source}: the list of clients is empty`);
  const seen = new Map<string, number>();
  return list.map((entry, i) => {
    const where = `${source}: entry ${i + 1}`;
    if (!entry || typeof entry !== "object") throw new UsageError(`${where}: expected an object`);
    const e = entry as Record<string, unknown>;
    const unknownKeys = Object.keys(e).filter((k) => !["clientId", "clientName", "standbyClientId", "secretId"].includes(k));
    if (unknownKeys.length)
      throw new UsageError(`${where}: unknown field(s) ${unknownKeys.map((k) => escapeCommandValue(k)).join(", ")} (allowed: clientId, clientName, standbyClientId, secretId)`);
    for (const field of ["clientId", "clientName", "standbyClientId", "secretId"] as const)
      if (typeof e[field] === "string") refuseControlCharacters(`${where}: ${field}`, e[field] as string);
    const hasId = typeof e.clientId === "string" && e.clientId.length > 0;
    const hasName = typeof e.clientName === "string" && e.clientName.length > 0;
    if (hasId === hasName) throw new UsageError(`${where}: give exactly one of clientId or clientName`);
    if (hasId && !isGenesysId(e.clientId as string)) throw new UsageError(`${where}: clientId "${escapeCommandValue(String(e.clientId))}" is not a UUID`);
    if (typeof e.secretId !== "string" || e.secretId.length === 0) throw new UsageError(`${where}: secretId (a Secrets Manager name or ARN) is required`);
    if (e.standbyClientId !== undefined && (typeof e.standbyClientId !== "string" || !isGenesysId(e.standbyClientId)))
      throw new UsageError(`${where}: standbyClientId "${escapeCommandValue(String(e.standbyClientId))}" is not a UUID`);
    const key = hasId ? `id:${String(e.clientId).toLowerCase()}` : `name:${String(e.clientName)}`;
    const previous = seen.get(key);
    if (previous !== undefined) throw new UsageError(`${where}: the same client is already listed at entry ${previous + 1}`);
    seen.set(key, i);
    const standby = typeof e.standbyClientId === "string" ? { standbyClientId: e.standbyClientId } : {};
    return hasId ? { clientId: e.clientId as string, ...standby, secretId: e.secretId } : { clientName: e.clientName as string, ...standby, secretId: e.secretId };
  });
}

/** Reads a manifest file: JSON for `.json`, YAML for `.yaml` / `.yml`, and for other names JSON else YAML. */
export async function loadManifest(path: string): Promise<RotationTarget[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read manifest ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
  }
  if (text.trim() === "") throw new UsageError(`manifest ${path} is empty`, { hint: 'list the clients to rotate, e.g. [{"clientId": "<uuid>", "secretId": "<name|arn>"}]' });
  let data: unknown;
  if (/\.json$/i.test(path)) {
    try {
      data = JSON.parse(text);
    } catch (err) {
      throw new UsageError(`manifest ${path} is not valid JSON: ${(err as Error).message}`, { hint: "fix the JSON (or name the file .yaml to write it as YAML)", cause: err });
    }
  } else if (/\.ya?ml$/i.test(path)) {
    data = await parseYaml(text, path);
  } else {
    try {
      data = JSON.parse(text);
    } catch {
      data = await parseYaml(text, path);
    }
  }
  return parseManifest(data, path);
}

async function parseYaml(text: string, path: string): Promise<unknown> {
  const { parse } = await import("yaml");
  try {
    return parse(text);
  } catch (err) {
    throw new UsageError(`manifest ${path} is neither valid JSON nor valid YAML: ${(err as Error).message.split("\n")[0]}`, { cause: err });
  }
}
