import type { AuditEvent } from "../../audit/index.js";
import { decideNotify } from "../decide.js";
import { developerMessage, humanAlert, type HumanAlertKind, type LeakFacts } from "../messages.js";
import type { ContainAction } from "../policy.js";
import { reasonOf, type DeliveryContext } from "./context.js";

/** Step 5's outcome. */
export interface TellOutcome {
  notified: AuditEvent["notified"];
}

export const TOLD_NOBODY: TellOutcome = { notified: "none" };

type HumanFacts = Omit<LeakFacts, "clientId"> & { clientId?: string };

/** Step 5 for a contained or failed containment: the developer's DM (fallback channel) and the human alerts. */
export async function tellAfterContainment(ctx: DeliveryContext, input: { outcome: "contained" | "failed"; ownClient: boolean; leak: LeakFacts; action: ContainAction; secretId?: string; authorEmail?: string }): Promise<TellOutcome> {
  const notify = decideNotify({ outcome: input.outcome, ownClient: input.ownClient });
  let notified: AuditEvent["notified"] = "none";
  let developerReached = false;
  if (notify.developer) {
    const text = developerMessage(input.leak, input.action, input.secretId);
    ({ notified, developerReached } = await notifyDeveloper(ctx, input.authorEmail, text));
  }
  if (notify.humanAlert) notified = await notifyHuman(ctx, notify.humanAlert, input.leak, notified, { developerNotified: developerReached });
  return { notified };
}

/** Step 5 for a case a human has to settle (unverified, unpaired). */
export async function tellHuman(ctx: DeliveryContext, kind: HumanAlertKind, facts: HumanFacts): Promise<TellOutcome> {
  return { notified: await notifyHuman(ctx, kind, facts, "none") };
}

async function notifyDeveloper(ctx: DeliveryContext, email: string | undefined, text: string): Promise<{ notified: AuditEvent["notified"]; developerReached: boolean }> {
  const { deps, errors } = ctx;
  if (deps.slack && email) {
    try {
      const user = await deps.slack.lookupByEmail(email);
      if (user) {
        await deps.slack.directMessage(user, { text });
        return { notified: "dm", developerReached: true };
      }
      errors.push("notify:slack-user-not-found");
    } catch (err) {
      errors.push(`notify:dm-${reasonOf(err)}`);
    }
  }
  return { notified: (await postFallback(ctx, text)) ? "fallback-channel" : "failed", developerReached: false };
}

async function notifyHuman(ctx: DeliveryContext, kind: HumanAlertKind, facts: HumanFacts, before: AuditEvent["notified"], extra: { developerNotified?: boolean } = {}): Promise<AuditEvent["notified"]> {
  const text = humanAlert(kind, facts, ctx.item.deliveryId, extra);
  if (kind === "own-client") ctx.log.error("the janitor's own credentials leaked and were rotated", { clientId: facts.clientId, deliveryId: ctx.item.deliveryId });
  const posted = await postFallback(ctx, text);
  if (before !== "none") return before;
  return posted ? "fallback-channel" : "failed";
}

async function postFallback(ctx: DeliveryContext, text: string): Promise<boolean> {
  const { deps, errors } = ctx;
  if (!deps.slack || !deps.fallbackChannel) {
    errors.push("notify:no-fallback-channel");
    return false;
  }
  try {
    await deps.slack.postMessage(deps.fallbackChannel, { text });
    return true;
  } catch (err) {
    errors.push(`notify:fallback-${reasonOf(err)}`);
    return false;
  }
}
