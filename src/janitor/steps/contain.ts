import { canonicalClientId } from "../../contracts/client-id-tag.js";
import { rotateClient, type RotationResult } from "../../rotation/rotate-client.js";
import { contain as runAction } from "../actions.js";
import { decideAction, type ActionDecision } from "../decide.js";
import type { ContainAction } from "../policy.js";
import { reasonOf, type DeliveryContext } from "./context.js";
import type { VerifyOutcome } from "./verify.js";

/** Step 3's outcome for a live leak. */
export type ContainOutcome =
  /** dryRun: decided, nothing changed. */
  | { kind: "dry-run"; decision: ActionDecision; secretId?: string; ownClient: boolean }
  /** The janitor may not act (its own client with nowhere to store a new secret): a human is alerted. */
  | { kind: "refused"; decision: ActionDecision; ownClient: boolean }
  /** The leaked pair is refused now. `performed` is what took effect (a failed disable falls back to revoke). `repairNeeded`: the managed secret holds a dead value until the repair path runs. */
  | { kind: "contained"; decision: ActionDecision; performed: ContainAction; secretId?: string; ownClient: boolean; repairNeeded?: boolean }
  /** The action took effect but the leaked pair's refusal is not proven yet (the token endpoint kept failing): retried. */
  | { kind: "unconfirmed"; decision: ActionDecision; performed: ContainAction; secretId?: string; ownClient: boolean }
  /** Containment was attempted but the leaked pair is not proven refused. */
  | { kind: "failed"; decision: ActionDecision; performed: ContainAction | "none"; secretId?: string; ownClient: boolean };

/**
 * Where the working secret goes and which action: the look-ups a containment needs (the managed secret, the
 * rotation's guards) start while the candidate is being verified, so none of them is on the critical path.
 */
export interface ContainmentPlan {
  clientId: string;
  ownClient: boolean;
  secretId: Promise<string | undefined>;
}

/** Starts the look-ups for a candidate (before its verdict is known); repeated calls for the same id share them. */
export function planContainment(ctx: DeliveryContext, clientId: string): ContainmentPlan {
  const { deps } = ctx;
  const id = canonicalClientId(clientId);
  const ownClient = id === canonicalClientId(deps.genesys.ownClientId());
  const secretId = (async () => {
    if (ownClient) return deps.genesys.ownSecretId;
    try {
      return await deps.targets.secretFor(id);
    } catch (err) {
      ctx.errors.push(`contain:secret-lookup-${reasonOf(err)}`);
      return undefined;
    }
  })();
  // The rotation's guards read the client and the secret: warm them now (the janitor's rotation deps memoise the first answer).
  ctx.later(
    secretId.then(async (sid) => {
      if (sid && !deps.policy.dryRun) await deps.genesys.prefetch?.(id, sid);
    }),
  );
  return { clientId: id, ownClient, secretId };
}

/**
 * A managed client's rotation started while the leaked secret is still being verified: its guards and its lock (the
 * intent record, the compare-and-set on AWSPENDING) run beside the token grant, and it waits at the point of no return
 * for `settle`. It goes on only when the verdict proves the secret live for this very client; any other verdict (or
 * none, when the verification failed) calls it off with nothing changed, and `settle` returns once its lock is
 * released. Returns whether it goes on.
 */
export interface PreparedRotation {
  clientId: string;
  settle(verdict: VerifyOutcome | undefined): Promise<boolean>;
  /** The rotation's report; undefined when no rotation applies (no managed secret, or the policy's action is not rotate). */
  done: Promise<RotationResult | undefined>;
}

export function prepareRotation(ctx: DeliveryContext, plan: ContainmentPlan): PreparedRotation {
  const { deps } = ctx;
  let answer: (proceed: boolean) => void = () => undefined;
  const decided = new Promise<boolean>((resolve) => (answer = resolve));
  const done = (async () => {
    const secretId = await plan.secretId;
    if (!secretId) return undefined;
    const decision = decideAction({ clientId: plan.clientId, policy: deps.policy, secretKnown: true, ownClient: plan.ownClient });
    if (decision.action !== "rotate") return undefined;
    return rotateClient({ clientId: plan.clientId, secretId }, deps.genesys.rotationDeps(), { rotateSelf: true, by: "keyward janitor", proceed: () => decided });
  })().catch((err: unknown) => {
    ctx.errors.push(`contain:prepare-${reasonOf(err)}`);
    return undefined;
  });
  return {
    clientId: plan.clientId,
    async settle(verdict) {
      const proven = verdict?.kind === "live" && canonicalClientId(verdict.clientId) === plan.clientId;
      answer(proven);
      if (!proven) await done;
      return proven;
    },
    done,
  };
}

/** Step 3: the action for a proven live leak, proven by a refused token grant. */
export async function containLeak(ctx: DeliveryContext, plan: ContainmentPlan, leakedSecret: string, prepared?: PreparedRotation): Promise<ContainOutcome> {
  const { deps, errors, log } = ctx;
  const { clientId, ownClient } = plan;
  const secretId = await plan.secretId;
  const decision = decideAction({ clientId, policy: deps.policy, secretKnown: secretId !== undefined, ownClient });
  if (deps.policy.dryRun) {
    log.info("dry run: decided, nothing changed", { clientId, action: decision.action });
    return { kind: "dry-run", decision, ownClient, ...(secretId && decision.action === "rotate" ? { secretId } : {}) };
  }
  if (decision.action === "none") {
    errors.push(`contain:${decision.downgrade ?? "refused"}`);
    log.error("the janitor's own credentials leaked and it has nowhere to store new ones; a human must rotate them", { clientId });
    return { kind: "refused", decision, ownClient };
  }
  const done = await runAction(decision.action, {
    clientId,
    leakedSecret,
    genesys: deps.genesys.client(),
    rotationDeps: () => deps.genesys.rotationDeps(),
    ...(secretId ? { secretId } : {}),
    ...(prepared && prepared.clientId === clientId ? { prepared: prepared.done } : {}),
    check: ctx.check,
    logger: log,
    sleep: ctx.sleep,
    now: ctx.now,
    deadlineMs: ctx.deadlineMs,
  });
  errors.push(...done.errors);
  const took = done.performed !== "none" && (done.refused || done.unconfirmed);
  if (ownClient && took && done.secretId) {
    try {
      await deps.genesys.reload(done.secretId);
    } catch (err) {
      errors.push(`contain:own-reload-${reasonOf(err)}`);
    }
  }
  const extra = done.secretId ? { secretId: done.secretId } : {};
  if (done.performed !== "none" && done.refused)
    return { kind: "contained", decision, performed: done.performed, ownClient, ...extra, ...(done.repairNeeded ? { repairNeeded: true } : {}) };
  if (done.performed !== "none" && done.unconfirmed) return { kind: "unconfirmed", decision, performed: done.performed, ownClient, ...extra };
  return { kind: "failed", decision, performed: done.performed, ownClient, ...extra };
}
