import { KeywardError } from "../core/errors.js";
import type { Logger } from "../core/log.js";
import { GenesysApiError, requestClientCredentialsToken, Transport, type GenesysClient } from "../genesys/index.js";
import { rotateClient } from "../rotation/rotate-client.js";
import type { RotationDeps } from "../rotation/rotate-client.js";
import type { Verdict } from "./decide.js";
import type { ContainAction } from "./policy.js";

export interface ContainContext {
  clientId: string;
  leakedSecret: string;
  genesys: GenesysClient;
  rotationDeps: () => RotationDeps;
  /** Where a rotate stores the new secret. */
  secretId?: string;
  /** Token-grant verdict with the janitor's bounded retries. */
  check(clientId: string, secret: string): Promise<Verdict>;
  logger: Logger;
  sleep: (ms: number) => Promise<void>;
}

export interface ContainResult {
  /** The action that finally took effect (a failed disable falls back to revoke, a failed rotate too). */
  performed: ContainAction | "none";
  /** The leaked pair is refused by the token endpoint now. */
  refused: boolean;
  /** Set when a rotate stored the working secret. */
  secretId?: string;
  errors: string[];
}

/**
 * Step 3, one action. Every path ends by checking that the leaked pair is refused; an action that did not achieve
 * that falls back to revoke (regenerate and discard), which needs only `oauth:client:edit`.
 */
export async function contain(action: ContainAction, ctx: ContainContext): Promise<ContainResult> {
  const errors: string[] = [];
  const result = (performed: ContainResult["performed"], refused: boolean, extra: Partial<ContainResult> = {}): ContainResult => ({ performed, refused, errors, ...extra });
  const log = ctx.logger.child({ clientId: ctx.clientId });

  if (action === "rotate" && ctx.secretId) {
    // rotateSelf: a leak of the janitor's own client is contained by rotating its own secret into its own document.
    const rotated = await rotateClient({ clientId: ctx.clientId, secretId: ctx.secretId }, ctx.rotationDeps(), { rotateSelf: true });
    if (rotated.status === "rotated") {
      if (await refused(ctx)) return result("rotate", true, { secretId: ctx.secretId });
      errors.push("contain:rotated-but-leaked-still-live");
    } else {
      errors.push(`contain:rotate-${rotated.reason ?? "failed"}`);
      log.warn("rotate failed; falling back to revoke", { reason: rotated.reason });
      if (rotated.regenerations > 0 && (await refused(ctx))) return result("revoke", true);
    }
    return revoke(ctx, errors);
  }
  if (action === "rotate" || action === "revoke") return revoke(ctx, errors);

  if (action === "disable") {
    // A token minted before the disable: afterwards it must be refused too, or the disable did not contain.
    const probe = await mintProbe(ctx).catch(() => undefined);
    try {
      await ctx.genesys.oauthClients.setState(ctx.clientId, "disabled");
    } catch (err) {
      errors.push(`contain:disable-${reasonOf(err)}`);
    }
    const secretRefused = await refused(ctx);
    const tokenRefused = probe ? await probe.refused() : true;
    if (!probe) errors.push("contain:disable-probe-token-unavailable");
    if (secretRefused && tokenRefused) return result("disable", true);
    log.warn("disable did not refuse the leaked secret and an earlier token; falling back to revoke", { secretRefused, tokenRefused });
    if (!tokenRefused) errors.push("contain:disable-token-still-accepted");
    const fallback = await revoke(ctx, errors);
    await probe?.revoke();
    return fallback;
  }

  // delete: inactive, then DELETE (OAuthClientsApi.delete does both, and treats "already gone" as done).
  try {
    await ctx.genesys.oauthClients.delete(ctx.clientId);
    if (await refused(ctx)) return result("delete", true);
  } catch (err) {
    errors.push(`contain:delete-${reasonOf(err)}`);
  }
  return revoke(ctx, errors);
}

/** Regenerate and discard: the leaked secret is dead, the client stays. Retried once; a lost answer is checked. */
async function revoke(ctx: ContainContext, errors: string[]): Promise<ContainResult> {
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      await ctx.genesys.oauthClients.regenerateSecret(ctx.clientId);
      break;
    } catch (err) {
      errors.push(`contain:revoke-${reasonOf(err)}`);
      if (await refused(ctx)) break;
      if (attempt < 2) await ctx.sleep(300);
    }
  }
  const ok = await refused(ctx);
  return { performed: ok ? "revoke" : "none", refused: ok, errors };
}

async function refused(ctx: ContainContext): Promise<boolean> {
  return (await ctx.check(ctx.clientId, ctx.leakedSecret)) === "dead";
}

interface Probe {
  refused(): Promise<boolean>;
  revoke(): Promise<void>;
}

const TOKENS_ME = "/api/v2/tokens/me";

async function mintProbe(ctx: ContainContext): Promise<Probe> {
  const { loginBaseUrl, apiBaseUrl } = ctx.genesys.settings.endpoints;
  const transport = new Transport({ sleep: ctx.sleep, logger: ctx.logger, timeoutMs: 5_000, retryPolicy: { maxAttempts: 2, baseDelayMs: 200, maxDelayMs: 1_000, maxRetryAfterSeconds: 5, jitter: "full" } });
  const { accessToken } = await requestClientCredentialsToken(transport, loginBaseUrl, ctx.clientId, ctx.leakedSecret);
  const call = (method: "GET" | "DELETE") =>
    transport.send({ method, url: apiBaseUrl + TOKENS_ME, route: TOKENS_ME, endpoint: "api", headers: { Authorization: `Bearer ${accessToken}` }, clientId: ctx.clientId, acceptStatus: [401, 403, 404] });
  return {
    refused: async () => {
      try {
        return (await call("GET")).status === 401;
      } catch {
        return false;
      }
    },
    revoke: async () => {
      await call("DELETE").catch(() => undefined);
    },
  };
}

function reasonOf(err: unknown): string {
  if (err instanceof GenesysApiError) return err.reason;
  if (err instanceof KeywardError) return err.reason;
  return "error";
}
