import { KeywardError } from "../core/errors.js";
import type { Logger } from "../core/log.js";
import { CLIENT_ID_TAG } from "../secrets/index.js";
import { claimedElsewhereError, type Preflight } from "./preflight.js";
import type { RotateOptions, RotationDeps, RotationTarget } from "./types.js";

export interface Claim {
  secretArn: string;
  created: boolean;
  tookOverFrom: string[];
  /** Undoes what the claim added, for a run that ends before it regenerated. Idempotent; never throws. */
  release: () => Promise<void>;
}

/**
 * Step 2: makes the target secret this client's (tag `keyward:client-id`, or a new container created with it), then
 * re-lists the claims: two runs that raced to claim one client for two secrets see each other, and each undoes
 * its own claim.
 */
export async function claimSecret(target: RotationTarget, pre: Preflight, deps: RotationDeps, options: RotateOptions, log: Logger): Promise<Claim> {
  const clientId = pre.client.id;
  let secretArn = pre.secretArn;
  let created = false;
  let tagged = false;
  if (pre.createSecret) {
    secretArn = (await deps.store.create(target.secretId, { tags: { [CLIENT_ID_TAG]: clientId } })).arn;
    created = true;
    log.info("created secret container", { secretArn });
  } else if (pre.tags[CLIENT_ID_TAG] !== clientId) {
    await deps.store.tag(secretArn!, { [CLIENT_ID_TAG]: clientId });
    tagged = true;
  }
  const arn = secretArn!;
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    try {
      if (created) await deps.store.deleteUnused(arn);
      else if (tagged) {
        const previous = pre.tags[CLIENT_ID_TAG];
        if (previous === undefined) await deps.store.untag(arn, [CLIENT_ID_TAG]);
        else await deps.store.tag(arn, { [CLIENT_ID_TAG]: previous });
      }
      log.info("released the claim on the secret", { secretArn: arn, deleted: created });
    } catch (err) {
      // Nothing was regenerated: a tag or an empty container left behind is harmless, and the real failure matters more.
      log.warn("could not release the claim on the secret", { secretArn: arn, reason: err instanceof KeywardError ? err.reason : "error" });
    }
  };
  const others = (await deps.store.listTagged(CLIENT_ID_TAG, clientId)).map((s) => s.arn).filter((a) => a !== arn);
  const tookOverFrom: string[] = [];
  if (others.length > 0) {
    if (!options.takeOver) {
      await release();
      throw claimedElsewhereError(clientId, target.secretId, others);
    }
    for (const other of others) {
      await deps.store.untag(other, [CLIENT_ID_TAG]);
      tookOverFrom.push(other);
      log.warn("took over the client from another secret", { secretArn: arn, previousSecretArn: other });
    }
  }
  return { secretArn: arn, created, tookOverFrom, release };
}
