import type { AuditEvent } from "../../audit/index.js";
import { decideResolve } from "../decide.js";
import { resolutionComment } from "../messages.js";
import type { ContainAction } from "../policy.js";
import { ALERT_EVENT } from "../work-item.js";
import type { AlertState } from "./collect.js";
import { reasonOf, type DeliveryContext } from "./context.js";

/** Step 4's outcome. */
export interface ResolveOutcome {
  alertResolution: AuditEvent["alertResolution"];
}

/**
 * Step 4: a contained leak whose secret cannot come back resolves its open alert as `revoked` (a scanner finding
 * gets a commit comment instead). A refusal (403 delegated dismissal, 422) is recorded, never fatal.
 */
export async function resolveAlert(
  ctx: DeliveryContext,
  input: { alert?: AlertState; contained: boolean; performed?: ContainAction; clientId: string; action: ContainAction | "repair"; secretId?: string; commit?: string },
): Promise<ResolveOutcome> {
  const { item, errors } = ctx;
  const github = ctx.github;
  const resolve = decideResolve({
    ...(input.alert ? { alert: input.alert } : {}),
    contained: input.contained,
    dryRun: ctx.deps.policy.dryRun,
    ...(input.performed ? { performed: input.performed } : {}),
  });
  let alertResolution: AuditEvent["alertResolution"] = resolve === "patch" ? "resolved" : resolve === "leave-open" ? "left-open" : resolve;
  const comment = resolutionComment(input.clientId, input.action, input.secretId, item.deliveryId);
  if (resolve === "patch" && github && item.event === ALERT_EVENT) {
    try {
      await github.updateAlert(item.repository, item.alertNumber, { state: "resolved", resolution: "revoked", resolution_comment: comment });
    } catch (err) {
      alertResolution = "failed";
      errors.push(`resolve:${reasonOf(err)}`);
    }
  }
  if (resolve === "not-applicable" && input.contained && !ctx.deps.policy.dryRun && github && item.repository && input.commit) {
    try {
      await github.createCommitComment(item.repository, input.commit, comment);
    } catch (err) {
      errors.push(`resolve:comment-${reasonOf(err)}`);
    }
  }
  return { alertResolution };
}
