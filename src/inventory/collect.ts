import { KeywardError } from "../core/errors.js";
import { createLimiter } from "../core/limit.js";
import type { Logger } from "../core/log.js";
import { canonicalClientId, CLIENT_ID_TAG, tagNamesClient } from "../contracts/client-id-tag.js";
import { parseStoredCredentials, type StoredCredentials } from "../contracts/credential-document.js";
import { isUnderManagedPrefix } from "../contracts/managed-secrets.js";
import type { SecretListing, SecretStore } from "../secrets/index.js";
import { judgeSecret, lastRotation, type ClientState, type DocumentStatus, type Judgement, type RotationDateSource } from "./decide.js";

/** A Genesys OAuth client as the inventory needs it. */
export interface ClientInfo {
  id: string;
  name: string;
  state?: string;
}

/** What the inventory reads through: Secrets Manager, Genesys Cloud (with admin credentials, when configured), a clock. */
export interface InventoryDeps {
  store: Pick<SecretStore, "listWithTagKey" | "listVersions" | "getValue">;
  /** Absent without admin credentials: client names and states are then `not-checked`. */
  clients?: {
    list(): Promise<ClientInfo[]>;
    /** One client by id; undefined when Genesys Cloud answers 404. */
    get(id: string): Promise<ClientInfo | undefined>;
  };
  /** Does this credential document authenticate (one token grant, the token revoked at once)? */
  check(document: StoredCredentials): Promise<"live" | "dead" | "unknown">;
  now(): number;
  logger: Logger;
}

export interface InventoryOptions {
  /** The managed prefix (`KEYWARD_MANAGED_SECRET_PREFIX`, default `keyward/`). */
  prefix: string;
  /** Read each document and try it (GetSecretValue + a token grant). */
  verify: boolean;
  maxAgeDays?: number;
  /** Secrets inspected at once. */
  concurrency: number;
}

export interface InventoryEntry {
  secretName: string;
  secretArn: string;
  clientId: string;
  clientName?: string;
  clientState: ClientState;
  lastRotation?: Date;
  lastRotationSource: RotationDateSource;
  document: DocumentStatus;
  judgement: Judgement;
  /** Why a check could not run (error reasons, never values). */
  notes: string[];
}

/**
 * `keyward status`'s inventory, in named steps: list the managed secrets (name under the prefix **and** the client-id
 * tag), look their clients up, inspect each secret (its current version's date; with `verify`, its document), judge.
 * Nothing is written anywhere; the documents' secrets are registered for redaction by the store as they are read.
 */
export async function takeInventory(deps: InventoryDeps, options: InventoryOptions): Promise<InventoryEntry[]> {
  const managed = await listManagedSecrets(deps.store, options.prefix);
  const clients = await lookUpClients(deps, [...new Set(managed.map((m) => m.clientId))]);
  const limit = createLimiter(options.concurrency);
  const now = deps.now();
  const entries = await Promise.all(
    managed.map((m) =>
      limit(async () => {
        const inspected = await inspectSecret(deps, m, options.verify);
        const client = clients.get(m.clientId) ?? { state: "not-checked" as const };
        // No version at AWSCURRENT: never rotated into, whatever else changed the secret (its tags, its description).
        const rotation =
          inspected.document === "no-value"
            ? lastRotation({})
            : lastRotation({ currentVersionCreated: inspected.currentVersionCreated, lastRotatedDate: m.listing.lastRotatedDate, lastChangedDate: m.listing.lastChangedDate });
        const judgement = judgeSecret(
          { clientState: client.state, document: inspected.document, ...(rotation.date ? { lastRotation: rotation.date } : {}) },
          now,
          options.maxAgeDays,
        );
        const entry: InventoryEntry = {
          secretName: m.listing.name,
          secretArn: m.listing.arn,
          clientId: m.clientId,
          ...("name" in client && client.name !== undefined ? { clientName: client.name } : {}),
          clientState: client.state,
          ...(rotation.date ? { lastRotation: rotation.date } : {}),
          lastRotationSource: rotation.source,
          document: inspected.document,
          judgement,
          notes: inspected.notes,
        };
        return entry;
      }),
    ),
  );
  return entries.sort((a, b) => a.secretName.localeCompare(b.secretName));
}

/** Step 1: every secret under the prefix that carries the client-id tag (both: a tag alone proves nothing). */
export async function listManagedSecrets(store: InventoryDeps["store"], prefix: string): Promise<Array<{ listing: SecretListing; clientId: string }>> {
  const listed = await store.listWithTagKey(CLIENT_ID_TAG, prefix);
  return listed
    .filter((s) => isUnderManagedPrefix(s.name, prefix) && (s.tags[CLIENT_ID_TAG] ?? "").trim() !== "")
    .map((listing) => ({ listing, clientId: canonicalClientId(listing.tags[CLIENT_ID_TAG]!) }));
}

/** Step 2: each client's name and state: one listing, then a direct look-up for those it lacks (deleted or gone). */
export async function lookUpClients(deps: Pick<InventoryDeps, "clients" | "logger">, ids: string[]): Promise<Map<string, { name?: string; state: ClientState }>> {
  const found = new Map<string, { name?: string; state: ClientState }>();
  if (!deps.clients) return found;
  const toState = (state: string | undefined): ClientState => (state === "active" || state === "inactive" || state === "disabled" || state === "deleted" ? state : "unknown");
  for (const c of await deps.clients.list()) found.set(canonicalClientId(c.id), { name: c.name, state: toState(c.state) });
  for (const id of ids.filter((i) => !found.has(i))) {
    try {
      const c = await deps.clients.get(id);
      found.set(id, c ? { name: c.name, state: toState(c.state) } : { state: "missing" });
    } catch (err) {
      deps.logger.warn("status: client look-up failed", { clientId: id, reason: err instanceof KeywardError ? err.reason : "error" });
      found.set(id, { state: "unknown" });
    }
  }
  return found;
}

/** Step 3: the current version's date and, with `verify`, what the document at AWSCURRENT is worth. */
export async function inspectSecret(
  deps: Pick<InventoryDeps, "store" | "check" | "logger">,
  m: { listing: SecretListing; clientId: string },
  verify: boolean,
): Promise<{ currentVersionCreated?: Date; document: DocumentStatus; notes: string[] }> {
  const notes: string[] = [];
  const reasonOf = (err: unknown) => (err instanceof KeywardError ? err.reason : "error");
  let current: { createdDate?: Date } | undefined;
  let versionsRead = false;
  try {
    current = (await deps.store.listVersions(m.listing.arn)).find((v) => v.stages.includes("AWSCURRENT"));
    versionsRead = true;
  } catch (err) {
    notes.push(`ListSecretVersionIds failed: ${reasonOf(err)}`);
  }
  const dated = (document: DocumentStatus, createdDate?: Date) => ({ ...(createdDate ? { currentVersionCreated: createdDate } : {}), document, notes });
  if (versionsRead && !current) return dated("no-value");
  if (!verify) return dated("not-checked", current?.createdDate);

  let value: { value: string; createdDate?: Date };
  try {
    value = await deps.store.getValue(m.listing.arn);
  } catch (err) {
    notes.push(`GetSecretValue failed: ${reasonOf(err)}`);
    return dated("unknown", current?.createdDate);
  }
  const createdDate = value.createdDate ?? current?.createdDate;
  const document = parseStoredCredentials(value.value);
  if (!document) return dated("not-a-credential-document", createdDate);
  if (!tagNamesClient(m.clientId, document.clientId)) return dated("other-client", createdDate);
  try {
    return dated(await deps.check(document), createdDate);
  } catch (err) {
    notes.push(`token grant failed: ${reasonOf(err)}`);
    return dated("unknown", createdDate);
  }
}
