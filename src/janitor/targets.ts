import { createHmac, randomBytes } from "node:crypto";
import { CLIENT_ID_TAG, canonicalClientId, tagNamesClient } from "../contracts/client-id-tag.js";
import { parseStoredCredentials, type StoredCredentials } from "../contracts/credential-document.js";
import { isManagedSecretFor, isUnderManagedPrefix } from "../contracts/managed-secrets.js";
import type { Logger } from "../core/log.js";
import { withRedactionScope } from "../core/redact.js";
import type { SecretStore } from "../secrets/index.js";
import type { JanitorPolicy } from "./policy.js";

/** One managed secret: under the managed prefix **and** tagged for a client (src/contracts/managed-secrets.ts). */
export interface ManagedSecret {
  arn: string;
  name: string;
  clientId: string;
}

/**
 * Where the janitor may put a new secret, from trusted configuration only: the policy's mapping, or a secret that is
 * under the managed prefix and tagged for the client (the stacks and `keyward rotate` create them). A tag on any
 * other secret decides nothing: whoever can tag a secret cannot pick where a working secret goes.
 */
export interface ManagedTargets {
  /** The managed secret (ARN or name) of a client; undefined when it has none. */
  secretFor(clientId: string): Promise<string | undefined>;
  /** Managed clients whose stored AWSCURRENT secret is `secret` (a keyed-hash index, refreshed in the background). */
  clientsHolding(secret: string): string[];
  /** The credential document at AWSCURRENT of a managed secret, or undefined when it holds none. */
  current(secretId: string): Promise<StoredCredentials | undefined>;
  /** Every managed secret (the sweep). */
  list(): Promise<ManagedSecret[]>;
  /** Rebuilds the index now (after a rotation, and on a timer). */
  refresh(): Promise<void>;
  /** Records what a rotation stored (the index stays current without a listing). */
  remember(clientId: string, secret: string): void;
}

export interface TargetsOptions {
  store: SecretStore;
  prefix: string;
  policy: JanitorPolicy;
  logger: Logger;
  /** How long an index is trusted before the next lookup refreshes it (default 5 min). */
  indexTtlMs?: number;
  now?: () => number;
}

export function managedTargets(options: TargetsOptions): ManagedTargets {
  const { store, prefix, policy, logger } = options;
  const now = options.now ?? Date.now;
  const ttl = options.indexTtlMs ?? 5 * 60_000;
  // The index holds keyed hashes of the stored secrets, never the values (the key lives only in this process).
  const key = randomBytes(32);
  const hash = (secret: string) => createHmac("sha256", key).update(secret).digest("base64url");
  let index = new Map<string, string[]>();
  let builtAt = -Infinity;
  let building: Promise<void> | undefined;

  const list = async (): Promise<ManagedSecret[]> => {
    const found = await store.listWithTagKey(CLIENT_ID_TAG, prefix);
    return found
      .filter((s) => isUnderManagedPrefix(s.name, prefix) && s.tags[CLIENT_ID_TAG] !== undefined && isManagedSecretFor(s, s.tags[CLIENT_ID_TAG]!, prefix))
      .map((s) => ({ arn: s.arn, name: s.name, clientId: canonicalClientId(s.tags[CLIENT_ID_TAG]!) }))
      .sort((a, b) => a.name.localeCompare(b.name));
  };
  const current = async (secretId: string) => parseStoredCredentials((await store.getValue(secretId, "AWSCURRENT")).value);
  const add = (into: Map<string, string[]>, clientId: string, secret: string) => {
    const h = hash(secret);
    const ids = into.get(h) ?? [];
    if (!ids.includes(clientId)) into.set(h, [...ids, clientId]);
  };
  const build = () =>
    withRedactionScope(async () => {
      const next = new Map<string, string[]>();
      for (const s of await list()) {
        try {
          const doc = await current(s.arn);
          if (doc && tagNamesClient(s.clientId, doc.clientId)) add(next, s.clientId, doc.clientSecret);
        } catch (err) {
          logger.debug("managed secret unreadable for the index", { secretArn: s.arn, reason: (err as { reason?: string }).reason ?? "error" });
        }
      }
      index = next;
      builtAt = now();
    }).catch((err: unknown) => logger.warn("managed secret index not refreshed", { reason: (err as { reason?: string }).reason ?? "error" }));
  /** A refresh asked for while one runs starts after it (it may have listed before the change the caller knows of). */
  const refresh = (): Promise<void> => {
    const run: Promise<void> = (building ?? Promise.resolve()).then(build).finally(() => {
      if (building === run) building = undefined;
    });
    building = run;
    return run;
  };

  return {
    async secretFor(clientId) {
      const id = canonicalClientId(clientId);
      const mapped = policy.clients[id]?.secretId;
      if (mapped) return mapped;
      const matches = (await store.listTagged(CLIENT_ID_TAG, id)).filter((s) => isUnderManagedPrefix(s.name, prefix)).sort((a, b) => a.name.localeCompare(b.name));
      return matches[0]?.arn;
    },
    clientsHolding(secret) {
      if (now() - builtAt > ttl && !building) void refresh();
      return index.get(hash(secret)) ?? [];
    },
    current,
    list,
    refresh,
    remember(clientId, secret) {
      add(index, canonicalClientId(clientId), secret);
    },
  };
}
