import type { OAuthClient } from "../genesys/types.js";
import { CLIENT_ID_TAG, parseStoredCredentials, SecretsError } from "../secrets/index.js";
import { decidePreflight, isSecretArn } from "./decide.js";
import { PreflightError } from "./errors.js";
import type { RotateOptions, RotationDeps, RotationTarget } from "./types.js";

/** What the guards found; nothing has changed yet. */
export interface Preflight {
  client: OAuthClient;
  secretArn: string | undefined;
  createSecret: boolean;
  /** The secret's tags when it exists. */
  tags: Record<string, string>;
  /** Other secrets whose `keyward:client-id` tag names this client (allowed only with --take-over). */
  otherClaims: string[];
  /** False when the admin's roles could not be read, so oauth:client:edit was not checked. */
  permissionsChecked: boolean;
}

/**
 * Step 1, the guards: nothing changes until all of them pass. The admin token works and holds the permissions;
 * the client exists, is active and is not the admin (unless `rotateSelf`); the secret exists (or may be created)
 * and is this client's; the client is in no other secret (unless `takeOver`).
 */
export async function preflight(target: RotationTarget, deps: RotationDeps, options: RotateOptions, onClient: (client: OAuthClient) => void): Promise<Preflight> {
  await deps.genesys.adminToken();
  const missing = await deps.genesys.missingPermissions?.();
  if (missing && missing.length > 0) {
    throw new PreflightError(
      `the admin OAuth client's roles do not grant ${missing.join(", ")}, which rotating a client needs`,
      "admin-permission-missing",
      `add ${missing.join(" and ")} to a role of the admin client (GENESYSCLOUD_OAUTHCLIENT_ID) in Admin > Roles/Permissions`,
      "misconfigured",
    );
  }
  const client = await resolveClient(target, deps);
  onClient(client);
  if (client.id === deps.genesys.adminClientId && !options.rotateSelf) {
    throw new PreflightError(
      `client ${client.id} is the admin client this run authenticates as; rotating it invalidates GENESYSCLOUD_OAUTHCLIENT_SECRET`,
      "rotates-admin-client",
      "rotate the admin client with a different admin client, or pass --rotate-self (the new secret then lives only in the target secret; update the admin credentials from there)",
      "misconfigured",
    );
  }
  let secret: { exists: false } | { exists: true; deletedDate?: Date | undefined; arn: string; tags: Record<string, string>; hasCurrent: boolean };
  try {
    const d = await deps.store.describe(target.secretId);
    const hasCurrent = Object.values(d.versionIdsToStages).some((stages) => stages.includes("AWSCURRENT"));
    secret = { exists: true, deletedDate: d.deletedDate, arn: d.arn, tags: d.tags ?? {}, hasCurrent };
  } catch (err) {
    if (err instanceof SecretsError && err.reason === "secret-not-found") secret = { exists: false };
    else throw err;
  }
  const decision = decidePreflight({
    clientState: client.state,
    secret,
    createSecret: options.createSecret ?? false,
    secretIdIsArn: isSecretArn(target.secretId),
  });
  if (!decision.ok) {
    const p = decision.problem;
    switch (p.kind) {
      case "client-not-active":
        throw new PreflightError(
          `client ${client.id} is ${p.state}; only active clients are rotated`,
          "client-not-active",
          `set the client's state to active (Terraform \`state = "active"\`) or remove it from the rotation`,
        );
      case "secret-missing":
        throw new PreflightError(
          `secret ${target.secretId} does not exist in Secrets Manager`,
          "secret-missing",
          "create the container first (keyward's clients stack does) or pass --create-secret",
        );
      case "secret-scheduled-for-deletion":
        throw new PreflightError(
          `secret ${target.secretId} is scheduled for deletion on ${p.deletedDate.toISOString()}`,
          "secret-scheduled-for-deletion",
          `restore it with \`aws secretsmanager restore-secret --secret-id ${target.secretId}\` or use another secret`,
        );
      case "secret-arn-not-creatable":
        throw new PreflightError(
          `secret ${target.secretId} does not exist and --create-secret needs a name, not an ARN`,
          "secret-missing",
          "pass the secret's name as --secret-id together with --create-secret",
          "misconfigured",
        );
    }
  }
  // ---- one secret, one client: never overwrite another client's live credentials ---------------------------
  if (secret.exists) {
    const owner = secret.tags[CLIENT_ID_TAG];
    if (owner !== undefined && owner !== client.id && !options.takeOver) {
      throw sharedSecretError(target.secretId, client.id, owner, "its tag keyward:client-id");
    }
    if (secret.hasCurrent) {
      const current = await deps.store.getValue(secret.arn, "AWSCURRENT");
      const doc = parseStoredCredentials(current.value);
      if (!options.takeOver) {
        if (!doc) {
          throw new PreflightError(
            `secret ${target.secretId} holds a value that is not a keyward credential document; rotating into it would overwrite it`,
            "secret-holds-other-value",
            "use a secret that only keyward writes, or pass --take-over to replace its value",
            "misconfigured",
          );
        }
        if (doc.clientId !== client.id) throw sharedSecretError(target.secretId, client.id, doc.clientId, "its current value");
      }
    }
  }
  const arn = secret.exists ? secret.arn : undefined;
  const otherClaims = (await deps.store.listTagged(CLIENT_ID_TAG, client.id)).map((s) => s.arn).filter((a) => a !== arn);
  if (otherClaims.length > 0 && !options.takeOver) throw claimedElsewhereError(client.id, target.secretId, otherClaims);
  return { client, secretArn: arn, createSecret: decision.createSecret, tags: secret.exists ? secret.tags : {}, otherClaims, permissionsChecked: missing !== undefined };
}

/** The `--dry-run` plan: what the rotation would do, in order. */
export function dryRunSteps(target: RotationTarget, pre: Preflight): string[] {
  return [
    ...(pre.createSecret ? [`CreateSecret ${target.secretId} (tag ${CLIENT_ID_TAG}=${pre.client.id})`] : []),
    ...(pre.otherClaims.length ? [`move the claim from ${pre.otherClaims.join(", ")} (--take-over)`] : []),
    `POST /api/v2/oauth/clients/${pre.client.id}/secret`,
    `PutSecretValue ${pre.secretArn ?? target.secretId} (AWSCURRENT)`,
    "verify AWSCURRENT with a client-credentials token grant",
    ...(pre.permissionsChecked ? [] : ["(not checked: whether the admin holds oauth:client:edit — it cannot read its roles without authorization:role:view)"]),
  ];
}

export function sharedSecretError(secretId: string, clientId: string, owner: string, how: string): PreflightError {
  return new PreflightError(
    `secret ${secretId} belongs to client ${owner} (${how}), not to ${clientId}; rotating into it would overwrite ${owner}'s credentials`,
    "secret-belongs-to-other-client",
    `give each client its own secret; pass --take-over only if ${secretId} should now hold ${clientId} instead of ${owner}`,
    "misconfigured",
  );
}

export function claimedElsewhereError(clientId: string, secretId: string, others: string[]): PreflightError {
  return new PreflightError(
    `client ${clientId} is already rotated into ${others.join(", ")} (tag keyward:client-id); rotating it into ${secretId} too would leave a dead secret there`,
    "client-claimed-by-other-secret",
    `rotate it into ${others[0]} only, or pass --take-over to move it to ${secretId} (the other secret's tag is removed; its value stops working)`,
    "misconfigured",
  );
}

async function resolveClient(target: RotationTarget, deps: RotationDeps): Promise<OAuthClient> {
  if (target.clientId) return deps.genesys.getClient(target.clientId);
  const name = target.clientName ?? "";
  const matches = (await deps.genesys.listClients()).filter((c) => c.name === name && c.state !== "deleted");
  if (matches.length === 1) return deps.genesys.getClient(matches[0]!.id);
  if (matches.length === 0) {
    throw new PreflightError(`no OAuth client is named "${name}"`, "client-name-not-found", "check the exact name (case-sensitive) or pass --client-id");
  }
  throw new PreflightError(
    `${matches.length} OAuth clients are named "${name}" (${matches.map((c) => c.id).join(", ")})`,
    "client-name-ambiguous",
    "pass --client-id with the one to rotate",
    "misconfigured",
  );
}
