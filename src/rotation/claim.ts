import { CLIENT_ID_TAG, STANDBY_CLIENT_ID_TAG } from "../contracts/client-id-tag.js";
import { KeywardError } from "../core/errors.js";
import type { Logger } from "../core/log.js";
import type { SecretStore } from "../secrets/index.js";
import type { SecretLock } from "./lock.js";
import { checkOwnership, claimedElsewhereError, claimsElsewhere, type Pair } from "./preflight.js";
import type { RotateOptions } from "./types.js";

export interface Claim {
  /** The client whose document is at AWSCURRENT now (canonical), read under the lock. */
  currentClientId: string | undefined;
  /** Secrets that held one of the pair's claims before `--take-over` moved it here. */
  tookOverFrom: string[];
  /** Undoes the tags this step changed, for a run that ends before it regenerated. Idempotent; never throws. */
  release: () => Promise<void>;
}

/**
 * Step 2, under the lock: the guards that matter against other runs are asked again (another run may have finished
 * a rotation between this run's preflight and its lock: its client's document is now current), the secret's tags are
 * set to this client (pair) in canonical form, and no other secret may claim the clients (`--take-over` moves them).
 */
export async function claimSecret(store: SecretStore, lock: SecretLock, secretId: string, pair: Pair, options: RotateOptions, log: Logger): Promise<Claim> {
  const currentClientId = await checkOwnership(store, secretId, lock.description, pair, options);
  const tags = lock.description.tags ?? {};
  const wanted: Record<string, string> = { [CLIENT_ID_TAG]: pair.primary, ...(pair.standby ? { [STANDBY_CLIENT_ID_TAG]: pair.standby } : {}) };
  const changed = Object.entries(wanted).filter(([k, v]) => tags[k] !== v);
  const dropStandby = pair.standby === undefined && tags[STANDBY_CLIENT_ID_TAG] !== undefined;
  if (changed.length) await store.tag(lock.secretArn, Object.fromEntries(changed));
  if (dropStandby) await store.untag(lock.secretArn, [STANDBY_CLIENT_ID_TAG]);
  let released = false;
  const release = async () => {
    if (released || (!changed.length && !dropStandby)) return;
    released = true;
    try {
      const restore = Object.fromEntries(changed.filter(([k]) => tags[k] !== undefined).map(([k]) => [k, tags[k]!]));
      const remove = changed.filter(([k]) => tags[k] === undefined).map(([k]) => k);
      if (Object.keys(restore).length || dropStandby)
        await store.tag(lock.secretArn, { ...restore, ...(dropStandby ? { [STANDBY_CLIENT_ID_TAG]: tags[STANDBY_CLIENT_ID_TAG]! } : {}) });
      if (remove.length) await store.untag(lock.secretArn, remove);
      log.info("released the claim on the secret", { secretArn: lock.secretArn });
    } catch (err) {
      // Nothing was regenerated: a tag left behind is harmless, and the real failure matters more.
      log.warn("could not release the claim on the secret", { secretArn: lock.secretArn, reason: err instanceof KeywardError ? err.reason : "error" });
    }
  };
  const others = await claimsElsewhere(store, pair, lock.secretArn);
  const tookOverFrom: string[] = [];
  if (others.length > 0) {
    if (!options.takeOver) {
      await release();
      throw claimedElsewhereError(pair, secretId, others);
    }
    for (const other of others) {
      await store.untag(other.arn, [other.tag]);
      if (!tookOverFrom.includes(other.arn)) tookOverFrom.push(other.arn);
      log.warn("took over the client from another secret", { secretArn: lock.secretArn, previousSecretArn: other.arn, tag: other.tag });
    }
  }
  return { currentClientId, tookOverFrom, release };
}
