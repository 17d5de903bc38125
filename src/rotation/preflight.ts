import { canonicalClientId, CLIENT_ID_TAG, STANDBY_CLIENT_ID_TAG } from "../contracts/client-id-tag.js";
import { parseRotationIntent } from "../contracts/rotation-intent.js";
import type { OAuthClient } from "../genesys/types.js";
import { parseStoredCredentials, SecretsError, type SecretDescription, type SecretStore } from "../secrets/index.js";
import { chooseTarget, decidePreflight, isSecretArn } from "./decide.js";
import { PreflightError } from "./errors.js";
import { AWSCURRENT, AWSPENDING, versionWith } from "./lock.js";
import type { RotateOptions, RotationDeps, RotationTarget } from "./types.js";

/** The clients a secret holds: one, or an alternating pair (canonical ids). */
export interface Pair {
  primary: string;
  standby?: string;
}

/** What the guards found; nothing has changed yet. */
export interface Preflight {
  client: OAuthClient;
  /** The pair's standby client (alternating rotation). */
  standby?: OAuthClient;
  pair: Pair;
  secretArn: string | undefined;
  createSecret: boolean;
  /** The secret's tags when it exists. */
  tags: Record<string, string>;
  /** The client whose credential document is at AWSCURRENT (canonical), if any. */
  currentClientId: string | undefined;
  /** The client this rotation regenerates (canonical): the client, or the pair's member that is not current. */
  targetClientId: string;
  /** Other secrets that claim one of the pair's clients (allowed only with --take-over). */
  otherClaims: Array<{ arn: string; tag: string }>;
  /** False when the admin's roles could not be read, so oauth:client:edit was not checked. */
  permissionsChecked: boolean;
  /** True when a version exists (a dry run can probe the write path without creating the first one). */
  hasVersions: boolean;
  /** AWSPENDING is on a version other than AWSCURRENT's: a rotation is in progress or was interrupted. */
  pendingRotation: boolean;
}

/**
 * Step 1, the guards: nothing changes until all of them pass. The admin token works and holds the permissions;
 * the client (and its standby) exists and is active; the client to regenerate is not the admin (unless
 * `rotateSelf`); the secret exists (or may be created) and is this client's (or pair's); no other secret claims
 * them (unless `takeOver`).
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
  const standby = target.standbyClientId !== undefined ? await deps.genesys.getClient(target.standbyClientId) : undefined;
  const pair: Pair = { primary: canonicalClientId(client.id), ...(standby ? { standby: canonicalClientId(standby.id) } : {}) };
  if (pair.standby === pair.primary) {
    throw new PreflightError(
      `--standby-client-id names the client itself (${client.id})`,
      "standby-is-client",
      "the standby must be a second client with the same roles (the stacks declare it as <name>-standby)",
      "misconfigured",
    );
  }

  let secret: { exists: false } | { exists: true; description: SecretDescription };
  try {
    secret = { exists: true, description: await deps.store.describe(target.secretId) };
  } catch (err) {
    if (err instanceof SecretsError && err.reason === "secret-not-found") secret = { exists: false };
    else throw err;
  }
  for (const c of [client, ...(standby ? [standby] : [])]) {
    const decision = decidePreflight({
      clientState: c.state,
      secret: secret.exists ? { exists: true, deletedDate: secret.description.deletedDate } : { exists: false },
      createSecret: options.createSecret ?? false,
      secretIdIsArn: isSecretArn(target.secretId),
    });
    if (!decision.ok) throw preflightProblem(decision.problem, c, target.secretId);
  }
  const createSecret = !secret.exists;
  const description = secret.exists ? secret.description : undefined;
  const currentClientId = description ? await checkOwnership(deps.store, target.secretId, description, pair, options) : undefined;
  const targetClientId = chooseTarget(pair, currentClientId);
  if (targetClientId === canonicalClientId(deps.genesys.adminClientId) && !options.rotateSelf) {
    throw new PreflightError(
      `client ${targetClientId} is the admin client this run authenticates as; regenerating it invalidates the admin credentials this run uses`,
      "rotates-admin-client",
      "rotate the admin client with a different admin client, or pass --rotate-self (the new secret goes to the target secret; with KEYWARD_ADMIN_SECRET_ARN that must be the admin secret, so the next command reads it from there)",
      "misconfigured",
    );
  }
  const arn = description?.arn;
  const adminInPair = [pair.primary, pair.standby].includes(canonicalClientId(deps.genesys.adminClientId));
  if (adminInPair && options.adminSecretArn !== undefined && arn !== options.adminSecretArn) {
    throw new PreflightError(
      `client ${canonicalClientId(deps.genesys.adminClientId)} is the admin client, whose credentials this run read from ${options.adminSecretArn} (KEYWARD_ADMIN_SECRET_ARN); rotating it into ${target.secretId} would leave a dead secret where the next command looks`,
      "admin-secret-mismatch",
      `rotate the admin client into its own document: --secret-id ${options.adminSecretArn}`,
      "misconfigured",
    );
  }
  const otherClaims = await claimsElsewhere(deps.store, pair, arn);
  if (otherClaims.length > 0 && !options.takeOver) throw claimedElsewhereError(pair, target.secretId, otherClaims);
  const stages = description?.versionIdsToStages ?? {};
  const pending = versionWith(stages, AWSPENDING);
  return {
    client,
    ...(standby ? { standby } : {}),
    pair,
    secretArn: arn,
    createSecret,
    tags: description?.tags ?? {},
    currentClientId,
    targetClientId,
    otherClaims,
    permissionsChecked: missing !== undefined,
    hasVersions: Object.keys(stages).length > 0,
    pendingRotation: pending !== undefined && !stages[pending]!.includes(AWSCURRENT),
  };
}

/**
 * One secret, one client (or one pair): never overwrite another client's live credentials. The tags must name this
 * client (pair) or nothing; the document at AWSCURRENT must be one of the pair's, a keyward lock record (a container
 * that never held credentials) or nothing. Returns the client whose document is current. Run in the preflight and
 * again under the lock, where no other keyward run can change the answer.
 */
export async function checkOwnership(
  store: SecretStore,
  secretId: string,
  description: SecretDescription,
  pair: Pair,
  options: Pick<RotateOptions, "takeOver">,
): Promise<string | undefined> {
  const tags = description.tags ?? {};
  const primaryTag = tags[CLIENT_ID_TAG];
  const standbyTag = tags[STANDBY_CLIENT_ID_TAG];
  const members = [pair.primary, ...(pair.standby ? [pair.standby] : [])];
  if (!options.takeOver) {
    if (primaryTag !== undefined && canonicalClientId(primaryTag) !== pair.primary) {
      if (pair.standby === undefined || canonicalClientId(primaryTag) !== pair.standby) throw sharedSecretError(secretId, pair.primary, primaryTag, "its tag keyward:client-id");
      throw new PreflightError(
        `secret ${secretId} holds the pair with ${primaryTag} first, not ${pair.primary}`,
        "pair-order-differs",
        `pass --client-id ${primaryTag} --standby-client-id ${pair.primary} (the order the secret was set up with)`,
        "misconfigured",
      );
    }
    if (standbyTag !== undefined && pair.standby === undefined) {
      throw new PreflightError(
        `secret ${secretId} holds an alternating pair (tag ${STANDBY_CLIENT_ID_TAG}=${standbyTag}); a single-client rotation would leave it`,
        "secret-holds-pair",
        `pass --standby-client-id ${standbyTag} (manifest: standbyClientId), or --take-over to rotate ${pair.primary} alone from now on`,
        "misconfigured",
      );
    }
    if (standbyTag !== undefined && pair.standby !== undefined && canonicalClientId(standbyTag) !== pair.standby)
      throw sharedSecretError(secretId, pair.standby, standbyTag, `its tag ${STANDBY_CLIENT_ID_TAG}`);
  }
  if (!versionWith(description.versionIdsToStages, AWSCURRENT)) return undefined;
  const current = await store.getValue(description.arn, AWSCURRENT);
  const doc = parseStoredCredentials(current.value);
  if (doc) {
    const holder = canonicalClientId(doc.clientId);
    if (members.includes(holder)) return holder;
    if (!options.takeOver) throw sharedSecretError(secretId, pair.primary, doc.clientId, "its current value");
    return undefined;
  }
  if (parseRotationIntent(current.value) || isProbe(current.value)) return undefined;
  if (!options.takeOver) {
    throw new PreflightError(
      `secret ${secretId} holds a value that is not a keyward credential document; rotating into it would overwrite it`,
      "secret-holds-other-value",
      "use a secret that only keyward writes, or pass --take-over to replace its value",
      "misconfigured",
    );
  }
  return undefined;
}

function isProbe(value: string): boolean {
  return value.startsWith('{"keywardWriteProbe"');
}

/** Other secrets whose `keyward:client-id` or `keyward:standby-client-id` tag names one of the pair (any spelling). */
export async function claimsElsewhere(store: SecretStore, pair: Pair, arn: string | undefined): Promise<Array<{ arn: string; tag: string }>> {
  const found: Array<{ arn: string; tag: string }> = [];
  for (const id of [pair.primary, ...(pair.standby ? [pair.standby] : [])]) {
    for (const tag of [CLIENT_ID_TAG, STANDBY_CLIENT_ID_TAG]) {
      for (const s of await store.listTagged(tag, id)) if (s.arn !== arn && !found.some((f) => f.arn === s.arn && f.tag === tag)) found.push({ arn: s.arn, tag });
    }
  }
  return found;
}

/** The `--dry-run` plan: what the rotation would do, in order. */
export function dryRunSteps(target: RotationTarget, pre: Preflight, writePath: "checked" | "empty"): string[] {
  const secret = pre.secretArn ?? target.secretId;
  return [
    pre.createSecret
      ? `CreateSecret ${target.secretId} (tag ${CLIENT_ID_TAG}=${pre.pair.primary}${pre.pair.standby ? `, ${STANDBY_CLIENT_ID_TAG}=${pre.pair.standby}` : ""}) with the rotation lock's record as its first version`
      : `PutSecretValue ${secret} (the rotation lock's record, label KEYWARD_INTENT) and UpdateSecretVersionStage AWSPENDING onto it (the lock)`,
    ...(pre.otherClaims.length ? [`move the claim from ${pre.otherClaims.map((c) => c.arn).join(", ")} (--take-over)`] : []),
    `POST /api/v2/oauth/clients/${pre.targetClientId}/secret${pre.pair.standby ? ` (the pair's member not at AWSCURRENT; ${pre.currentClientId ?? "neither"} is current)` : ""}`,
    `PutSecretValue ${secret} (AWSPENDING)`,
    "verify the new secret with a client-credentials token grant",
    `UpdateSecretVersionStage ${secret} AWSCURRENT onto it, then AWSPENDING off (the lock released)`,
    writePath === "checked"
      ? "(checked: this identity may write the secret — a probe version was written with its KMS key and its label removed)"
      : "(not checked: the write path — the container holds no version yet, and a probe would become its first)",
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

export function claimedElsewhereError(pair: Pair, secretId: string, others: Array<{ arn: string; tag: string }>): PreflightError {
  const who = pair.standby ? `the pair ${pair.primary} / ${pair.standby}` : `client ${pair.primary}`;
  return new PreflightError(
    `${who} is already rotated into ${others.map((o) => o.arn).join(", ")} (tag ${others[0]!.tag}); rotating it into ${secretId} too would leave a dead secret there`,
    "client-claimed-by-other-secret",
    `rotate it into ${others[0]!.arn} only, or pass --take-over to move it to ${secretId} (the other secret's tag is removed; its value stops working)`,
    "misconfigured",
  );
}

function preflightProblem(
  p: ReturnType<typeof decidePreflight> extends infer D ? (D extends { ok: false; problem: infer P } ? P : never) : never,
  client: OAuthClient,
  secretId: string,
): PreflightError {
  switch (p.kind) {
    case "client-not-active":
      return new PreflightError(
        `client ${client.id} is ${p.state}; only active clients are rotated`,
        "client-not-active",
        `set the client's state to active (Terraform \`state = "active"\`) or remove it from the rotation`,
      );
    case "secret-missing":
      return new PreflightError(
        `secret ${secretId} does not exist in Secrets Manager`,
        "secret-missing",
        "create the container first (keyward's clients stack does) or pass --create-secret",
      );
    case "secret-scheduled-for-deletion":
      return new PreflightError(
        `secret ${secretId} is scheduled for deletion on ${p.deletedDate.toISOString()}`,
        "secret-scheduled-for-deletion",
        `restore it with \`aws secretsmanager restore-secret --secret-id ${secretId}\` or use another secret`,
      );
    case "secret-arn-not-creatable":
      return new PreflightError(
        `secret ${secretId} does not exist and --create-secret needs a name, not an ARN`,
        "secret-missing",
        "pass the secret's name as --secret-id together with --create-secret",
        "misconfigured",
      );
  }
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
