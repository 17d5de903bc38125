import { contain as runAction } from "../actions.js";
import { decideAction, type ActionDecision } from "../decide.js";
import type { ContainAction } from "../policy.js";
import { reasonOf, type DeliveryContext } from "./context.js";

/** Step 3's outcome for a live leak. */
export type ContainOutcome =
  /** dryRun: decided, nothing changed. */
  | { kind: "dry-run"; decision: ActionDecision; secretId?: string; ownClient: boolean }
  /** The leaked pair is refused now. `performed` is what took effect (a failed disable falls back to revoke). */
  | { kind: "contained"; decision: ActionDecision; performed: ContainAction; secretId?: string; ownClient: boolean }
  /** Containment was attempted but the leaked pair is not proven refused. */
  | { kind: "failed"; decision: ActionDecision; performed: ContainAction | "none"; secretId?: string; ownClient: boolean };

/** Step 3: where the working secret goes, which action, and the action itself (proven by a refused token grant). */
export async function containLeak(ctx: DeliveryContext, clientId: string, leakedSecret: string): Promise<ContainOutcome> {
  const { deps, errors, log } = ctx;
  const ownClient = clientId === deps.genesys.ownClientId().toLowerCase();
  let secretId = ownClient ? deps.genesys.ownSecretId : undefined;
  secretId ??= deps.policy.clients[clientId]?.secretId;
  if (!secretId) {
    try {
      secretId = await deps.findSecretByClientId(clientId);
    } catch (err) {
      errors.push(`contain:secret-lookup-${reasonOf(err)}`);
    }
  }
  const decision = decideAction({ clientId, policy: deps.policy, secretKnown: secretId !== undefined, ownClient });
  if (deps.policy.dryRun) {
    log.info("dry run: decided, nothing changed", { clientId, action: decision.action });
    return { kind: "dry-run", decision, ownClient, ...(secretId && decision.action === "rotate" ? { secretId } : {}) };
  }
  const done = await runAction(decision.action, {
    clientId,
    leakedSecret,
    genesys: deps.genesys.client(),
    rotationDeps: () => deps.genesys.rotationDeps(),
    ...(secretId ? { secretId } : {}),
    check: ctx.check,
    logger: log,
    sleep: ctx.sleep,
  });
  errors.push(...done.errors);
  if (ownClient && done.refused) {
    try {
      await deps.genesys.reload(done.secretId);
    } catch (err) {
      errors.push(`contain:own-reload-${reasonOf(err)}`);
    }
  }
  const extra = done.secretId ? { secretId: done.secretId } : {};
  if (done.refused) return { kind: "contained", decision, performed: done.performed === "none" ? decision.action : done.performed, ownClient, ...extra };
  return { kind: "failed", decision, performed: done.performed, ownClient, ...extra };
}
