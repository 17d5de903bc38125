// The typed configuration of keyward's CDKTF stacks: where it comes from (a manifest file named by
// KEYWARD_STACKS_CONFIG, or cdktf.json context) and its validation. Every problem in a file is reported at once,
// each with the path of the offending value, so a bad manifest is fixed in one round trip.
import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { UsageError } from "../src/core/errors.js";
import { isInsecureRemote } from "../src/core/net.js";
import { TOKEN_VALIDITY_SECONDS } from "../src/genesys/types.js";
import { gatewayBaseUrl } from "../src/genesys/gateway-url.js";
import { findRegion, GENESYS_REGIONS } from "../src/genesys/regions.js";
import { OAUTH_CLIENT_GRANT_TYPES, type OauthClientGrantType } from "./bindings/genesyscloud/oauth-client.js";
import type { AuthRolePermissionPolicies } from "./bindings/genesyscloud/auth-role.js";
import { UNESCAPED_INTERPOLATION } from "./constructs/rotated-oauth-client.js";
import { DEFAULT_ROTATION_SCHEDULE } from "./constructs/rotation-schedule.js";
import { GENESYS_ID } from "../src/contracts/genesys-id.js";

/** Environment variable naming the stacks configuration file (JSON or YAML); wins over cdktf.json context. */
export const STACKS_CONFIG_ENV = "KEYWARD_STACKS_CONFIG";
/** cdktf.json context key: `{"keyward": {"configFile": "...", "config": {...}, "state": {...}}}`. */
export const CONTEXT_KEY = "keyward";

/** Grant types keyward manages: every provider grant type that has a client secret (not TOKEN, the implicit grant). */
export const ROTATABLE_GRANT_TYPES: readonly OauthClientGrantType[] = OAUTH_CLIENT_GRANT_TYPES.filter((g) => g !== "TOKEN");

/** CloudWatch Logs retention values (days) the API accepts. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

export interface GatewayConfig {
  readonly host: string;
  readonly port?: string;
  readonly protocol?: "http" | "https";
  readonly pathParams?: ReadonlyArray<{ readonly pathName: "login" | "api"; readonly pathValue: string }>;
}

/** The AWS services whose endpoint the stacks config may override (`awsEndpoints`). */
export const AWS_ENDPOINT_SERVICES = ["secretsmanager", "sts", "iam", "kms", "lambda", "logs", "scheduler", "sqs"] as const;
export type AwsEndpointService = (typeof AWS_ENDPOINT_SERVICES)[number];

/** A custom Genesys Cloud role to declare (`genesyscloud_auth_role`), e.g. a narrow role for a client. */
export interface RoleConfig {
  readonly name: string;
  readonly description?: string;
  readonly permissions?: readonly string[];
  readonly permissionPolicies: readonly AuthRolePermissionPolicies[];
}

/** One role grant of a client: an existing role by id, or a role declared in `roles` by name. */
export interface ClientRoleGrant {
  readonly roleId?: string;
  readonly roleName?: string;
  /** A division id, or `*` for all divisions; unset: the home division. */
  readonly divisionId?: string;
}

export interface ClientConfig {
  readonly name: string;
  readonly description?: string;
  readonly authorizedGrantType: OauthClientGrantType;
  readonly accessTokenValiditySeconds?: number;
  readonly roles: readonly ClientRoleGrant[];
  readonly scopes?: readonly string[];
  readonly registeredRedirectUris?: readonly string[];
  readonly state?: "active" | "inactive";
  /**
   * Secrets Manager secret name; default `<secretNamePrefix><name in lower case, words joined by _>`
   * (underscores, because AWS advises against names ending in "-" plus six characters, which look like the
   * random suffix of a secret ARN).
   */
  readonly secretName: string;
  /**
   * An existing secret to rotate into, by ARN, instead of a container the stack declares (teams that manage their
   * secrets with their own modules). `secretName` is then the name inside the ARN, which must be under
   * `secretNamePrefix`. `keyward rotate` tags it with the client's id on the first rotation.
   */
  readonly secretArn?: string;
  /** Bump to force a fresh rotation on the next apply; default: the top-level `rotationEpoch`. */
  readonly rotationEpoch: string;
  /** Include in the scheduled rotation (default true). */
  readonly scheduledRotation: boolean;
  /**
   * `single` (default): one client, whose consumers see the cutover at every rotation. `alternating`: two clients,
   * `<name>` and `<name>-standby`, with the same roles behind one secret; every rotation regenerates the one that is not
   * current and makes it current, so consumers that re-read within one rotation interval never see a refused secret.
   * Scheduled by Secrets Manager's own rotation (`aws_secretsmanager_secret_rotation`) through the rotation Lambda.
   */
  readonly rotation: "single" | "alternating";
}

/** The standby client's name of an alternating client. */
export function standbyClientName(name: string): string {
  return `${name}-standby`;
}

export interface ScheduledRotationConfig {
  /** Lambda function name; default `<stackPrefix>-rotation`. */
  readonly functionName: string;
  /** Default `rate(1 day)`. */
  readonly scheduleExpression: string;
  readonly scheduleExpressionTimezone?: string;
  /**
   * Secrets Manager secret (created empty by the stack) holding the admin OAuth credentials document. Default
   * {@link defaultAdminSecretName}; refused inside `secretNamePrefix`.
   */
  readonly adminSecretName: string;
  readonly adminSecretKmsKeyArn?: string;
  /** CMK encrypting the Lambda's CloudWatch log group (its key policy must allow `logs.<region>.amazonaws.com`). */
  readonly logKmsKeyArn?: string;
  /** Default 30. */
  readonly logRetentionInDays: number;
  /** Default `info`. */
  readonly logLevel: "debug" | "info" | "warn" | "error";
  readonly runtime: "nodejs22.x" | "nodejs20.x";
  readonly architecture: "arm64" | "x86_64";
  readonly enabled: boolean;
  /** Rotate the admin client itself, last, into its own document (default true). */
  readonly rotateAdminClient: boolean;
}

/** The validated configuration the stacks are built from. */
export interface KeywardStacksConfig {
  /** Stack names are `<stackPrefix>-clients` and `<stackPrefix>-scheduled-rotation`. Default `keyward`. */
  readonly stackPrefix: string;
  /** Genesys Cloud region of the org (the provider's `aws_region`, GENESYSCLOUD_REGION). */
  readonly genesysRegion: string;
  /** AWS region of the secrets, the Lambda and the schedule. */
  readonly awsRegion: string;
  /** Default `keyward/`. */
  readonly secretNamePrefix: string;
  /** CMK for every secret keyward declares; unset: `aws/secretsmanager`. */
  readonly secretKmsKeyArn?: string;
  /** 0 or 7-30; AWS default 30. */
  readonly recoveryWindowInDays?: number;
  /** Default `"0"`. */
  readonly rotationEpoch: string;
  /** Overrides the post-apply command (see `DEFAULT_ROTATE_COMMAND`). */
  readonly rotateCommand?: string;
  readonly tags: { readonly [key: string]: string };
  /**
   * Genesys provider gateway: the sandbox sets it to the local emulator; a real config leaves it out (the provider
   * then calls the region's API). The provider's GENESYSCLOUD_GATEWAY_* variables only fill a declared block.
   */
  readonly gateway?: GatewayConfig;
  /**
   * AWS provider endpoint overrides (`endpoints { secretsmanager = ... }`): the sandbox sets `secretsmanager` to its
   * emulator; a real config leaves it out. An endpoint on this machine (an emulator, which has no STS and no instance
   * metadata) also sets `skip_credentials_validation`, `skip_requesting_account_id` and `skip_metadata_api_check`.
   */
  readonly awsEndpoints?: Readonly<Partial<Record<AwsEndpointService, string>>>;
  readonly roles: readonly RoleConfig[];
  readonly clients: readonly ClientConfig[];
  /** Undefined when scheduled rotation is off (`"scheduledRotation": false`). */
  readonly scheduledRotation?: ScheduledRotationConfig;
}

/** A configuration error; `issues` lists every problem found, each prefixed with the path of the value. */
export class StacksConfigError extends UsageError {
  readonly issues: readonly string[];

  constructor(source: string, issues: readonly string[]) {
    super(`${source}: invalid keyward stacks configuration\n${issues.map((i) => `  - ${i}`).join("\n")}`, {
      hint: "fix the values listed above (see stacks/examples/clients.json for a complete example)",
    });
    this.issues = issues;
  }
}

const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
// Key ARNs only: IAM grants (`kms:Decrypt` on the key) are evaluated against the key ARN, never an alias.
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;
const SCHEDULE = /^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\)|at\(.+\))$/;
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const STACK_PREFIX = /^[a-z][a-z0-9-]{0,30}$/;
/** A Secrets Manager secret ARN; group 1 is the secret's name (the 6-character suffix AWS appends is not part of it). */
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z]{2}(?:-[a-z]+)+-\d+:\d{12}:secret:([A-Za-z0-9/_+=.@-]+)-[A-Za-z0-9]{6}$/;

/** Construct-id slug of a name: `Billing Export` -> `billing-export`. */
export function slugOf(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

type Raw = Record<string, unknown>;

class Checker {
  readonly issues: string[] = [];

  fail(path: string, message: string): undefined {
    this.issues.push(`${path}: ${message}`);
    return undefined;
  }

  object(value: unknown, path: string): Raw | undefined {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return this.fail(path, "expected an object");
    return value as Raw;
  }

  keys(obj: Raw, path: string, allowed: readonly string[]): void {
    for (const key of Object.keys(obj)) {
      if (allowed.includes(key)) continue;
      const hint = allowed.find((a) => a.toLowerCase() === key.replace(/[_-]/g, "").toLowerCase());
      this.fail(`${path}.${key}`, `unknown key${hint ? ` (did you mean "${hint}"?)` : ` (allowed: ${allowed.join(", ")})`}`);
    }
  }

  string(obj: Raw, key: string, path: string, opts: { required?: boolean; pattern?: RegExp; what?: string } = {}): string | undefined {
    const value = obj[key];
    if (value === undefined) return opts.required ? this.fail(`${path}.${key}`, "is required") : undefined;
    if (typeof value !== "string" || value.trim() === "") return this.fail(`${path}.${key}`, "expected a non-empty string");
    if (opts.pattern && !opts.pattern.test(value)) {
      return this.fail(`${path}.${key}`, `"${value}" is not ${opts.what ?? `a valid value (${opts.pattern.source})`}`);
    }
    return value;
  }

  integer(obj: Raw, key: string, path: string, min: number, max: number): number | undefined {
    const value = obj[key];
    if (value === undefined) return undefined;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      return this.fail(`${path}.${key}`, `expected an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
    }
    return value;
  }

  oneOf<T extends string>(obj: Raw, key: string, path: string, allowed: readonly T[], fallback?: T): T | undefined {
    const value = obj[key];
    if (value === undefined) return fallback;
    if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
    return this.fail(`${path}.${key}`, `${JSON.stringify(value)} is not one of ${allowed.join(", ")}`);
  }

  boolean(obj: Raw, key: string, path: string, fallback: boolean): boolean {
    const value = obj[key];
    if (value === undefined) return fallback;
    if (typeof value !== "boolean") {
      this.fail(`${path}.${key}`, "expected true or false");
      return fallback;
    }
    return value;
  }

  stringList(obj: Raw, key: string, path: string): string[] | undefined {
    const value = obj[key];
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || value.some((v) => typeof v !== "string" || v === "")) {
      return this.fail(`${path}.${key}`, "expected a list of non-empty strings");
    }
    return value as string[];
  }

  stringMap(obj: Raw, key: string, path: string): Record<string, string> | undefined {
    const value = obj[key];
    if (value === undefined) return undefined;
    const map = this.object(value, `${path}.${key}`);
    if (!map) return undefined;
    if (Object.values(map).some((v) => typeof v !== "string")) return this.fail(`${path}.${key}`, "expected string values");
    return map as Record<string, string>;
  }

  epoch(obj: Raw, key: string, path: string): string | undefined {
    const value = obj[key];
    if (value === undefined) return undefined;
    if ((typeof value === "string" && value !== "") || (typeof value === "number" && Number.isFinite(value))) return String(value);
    return this.fail(`${path}.${key}`, "expected a string or a number");
  }
}

function grantTypeIssue(value: unknown): string {
  const normalized = typeof value === "string" ? value.trim().toUpperCase().replace(/_/g, "-") : "";
  if (normalized === "TOKEN") return `"TOKEN" (implicit grant) clients have no secret, so there is nothing to rotate`;
  const suggestion = (ROTATABLE_GRANT_TYPES as readonly string[]).includes(normalized) ? ` (did you mean "${normalized}"?)` : "";
  return `unknown grant type ${JSON.stringify(value)}${suggestion}; expected one of ${ROTATABLE_GRANT_TYPES.join(", ")}`;
}

function parseGateway(c: Checker, raw: unknown, path: string): GatewayConfig | undefined {
  const g = c.object(raw, path);
  if (!g) return undefined;
  c.keys(g, path, ["host", "port", "protocol", "pathParams"]);
  const host = c.string(g, "host", path, { required: true });
  const port = g.port === undefined ? undefined : typeof g.port === "number" ? String(g.port) : c.string(g, "port", path, { pattern: /^\d{1,5}$/, what: "a port number" });
  const protocol = c.oneOf(g, "protocol", path, ["http", "https"] as const);
  let pathParams: Array<{ pathName: "login" | "api"; pathValue: string }> | undefined;
  if (g.pathParams !== undefined) {
    if (!Array.isArray(g.pathParams)) c.fail(`${path}.pathParams`, "expected a list");
    else {
      pathParams = [];
      g.pathParams.forEach((p, i) => {
        const pp = c.object(p, `${path}.pathParams[${i}]`);
        if (!pp) return;
        c.keys(pp, `${path}.pathParams[${i}]`, ["pathName", "pathValue"]);
        const pathName = c.oneOf(pp, "pathName", `${path}.pathParams[${i}]`, ["login", "api"] as const);
        const pathValue = c.string(pp, "pathValue", `${path}.pathParams[${i}]`, { required: true });
        if (pathName && pathValue) pathParams!.push({ pathName, pathValue });
      });
    }
  }
  if (!host) return undefined;
  const gateway: GatewayConfig = { host, port, protocol, pathParams };
  try {
    // keyward's own URL rules (src/genesys/gateway-url.ts): a gateway the CLI would refuse is refused here too.
    const settings = { host, port, protocol, pathParams: pathParams?.map((p) => ({ ...p })) };
    gatewayBaseUrl(settings, "api");
    gatewayBaseUrl(settings, "login");
  } catch (err) {
    return c.fail(path, (err as Error).message);
  }
  return gateway;
}

function parseAwsEndpoints(c: Checker, raw: unknown, path: string): Partial<Record<AwsEndpointService, string>> | undefined {
  const e = c.object(raw, path);
  if (!e) return undefined;
  c.keys(e, path, AWS_ENDPOINT_SERVICES);
  const out: Partial<Record<AwsEndpointService, string>> = {};
  for (const service of AWS_ENDPOINT_SERVICES) {
    const value = c.string(e, service, path);
    if (value === undefined) continue;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      c.fail(`${path}.${service}`, `"${value}" is not a URL`);
      continue;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") c.fail(`${path}.${service}`, "must be an https URL (or http to this machine)");
    else if (isInsecureRemote(url)) c.fail(`${path}.${service}`, "plain http is allowed to this machine only (the AWS provider would send signed requests in clear); use https");
    else out[service] = value;
  }
  return out;
}

function parseRole(c: Checker, raw: unknown, path: string): RoleConfig | undefined {
  const r = c.object(raw, path);
  if (!r) return undefined;
  c.keys(r, path, ["name", "description", "permissions", "permissionPolicies"]);
  const name = c.string(r, "name", path, { required: true });
  const description = c.string(r, "description", path);
  const permissions = c.stringList(r, "permissions", path);
  const policies: AuthRolePermissionPolicies[] = [];
  if (!Array.isArray(r.permissionPolicies) || r.permissionPolicies.length === 0) {
    c.fail(`${path}.permissionPolicies`, "expected a non-empty list of {domain, entityName, actionSet}");
  } else {
    r.permissionPolicies.forEach((p, i) => {
      const pp = c.object(p, `${path}.permissionPolicies[${i}]`);
      if (!pp) return;
      const where = `${path}.permissionPolicies[${i}]`;
      c.keys(pp, where, ["domain", "entityName", "actionSet"]);
      const domain = c.string(pp, "domain", where, { required: true, pattern: /^[A-Za-z0-9_]+$/, what: "a permission domain" });
      const entityName = c.string(pp, "entityName", where, { required: true, pattern: /^([A-Za-z0-9_]+|\*)$/, what: "an entity name or *" });
      const actionSet = c.stringList(pp, "actionSet", where);
      if (!actionSet?.length) c.fail(`${where}.actionSet`, "expected at least one action");
      if (domain && entityName && actionSet?.length) policies.push({ domain, entityName, actionSet: [...actionSet] });
    });
  }
  if (!name) return undefined;
  return { name, description, permissions, permissionPolicies: policies };
}

function parseScheduled(c: Checker, raw: unknown, prefix: string, secretNamePrefix: string): ScheduledRotationConfig | undefined {
  if (raw === false) return undefined;
  const path = "$.scheduledRotation";
  const s = raw === undefined || raw === true ? {} : c.object(raw, path);
  if (!s) return undefined;
  c.keys(s, path, [
    "enabled",
    "functionName",
    "scheduleExpression",
    "scheduleExpressionTimezone",
    "adminSecretName",
    "adminSecretKmsKeyArn",
    "logKmsKeyArn",
    "logRetentionInDays",
    "logLevel",
    "runtime",
    "architecture",
    "rotateAdminClient",
  ]);
  const retention = s.logRetentionInDays ?? 30;
  if (!(LOG_RETENTION_DAYS as readonly unknown[]).includes(retention)) {
    c.fail(`${path}.logRetentionInDays`, `${JSON.stringify(retention)} is not a CloudWatch Logs retention (${LOG_RETENTION_DAYS.join(", ")})`);
  }
  const adminSecretName = c.string(s, "adminSecretName", path, { pattern: SECRET_NAME, what: "a Secrets Manager secret name" }) ?? defaultAdminSecretName(secretNamePrefix);
  if (secretNamePrefix !== "" && adminSecretName.startsWith(secretNamePrefix)) {
    c.fail(
      `${path}.adminSecretName`,
      `"${adminSecretName}" is inside the managed clients' prefix "${secretNamePrefix}": a grant on that prefix would read the key that regenerates every client; pick a name outside it (e.g. "${defaultAdminSecretName(secretNamePrefix)}")`,
    );
  }
  const logKmsKeyArn = c.string(s, "logKmsKeyArn", path, { pattern: KMS_KEY_ARN, what: "a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>; not an alias)" });
  return {
    enabled: c.boolean(s, "enabled", path, true),
    functionName: c.string(s, "functionName", path, { pattern: FUNCTION_NAME, what: "a Lambda function name (1-64 of A-Z a-z 0-9 _ -)" }) ?? `${prefix}-rotation`,
    scheduleExpression:
      c.string(s, "scheduleExpression", path, { pattern: SCHEDULE, what: 'a schedule expression ("rate(1 day)", "cron(...)", "at(...)")' }) ?? DEFAULT_ROTATION_SCHEDULE,
    scheduleExpressionTimezone: c.string(s, "scheduleExpressionTimezone", path),
    adminSecretName,
    adminSecretKmsKeyArn: c.string(s, "adminSecretKmsKeyArn", path, { pattern: KMS_KEY_ARN, what: "a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>; not an alias)" }),
    ...(logKmsKeyArn ? { logKmsKeyArn } : {}),
    logRetentionInDays: retention as number,
    logLevel: c.oneOf(s, "logLevel", path, ["debug", "info", "warn", "error"] as const, "info")!,
    runtime: c.oneOf(s, "runtime", path, ["nodejs22.x", "nodejs20.x"] as const, "nodejs22.x")!,
    architecture: c.oneOf(s, "architecture", path, ["arm64", "x86_64"] as const, "arm64")!,
    rotateAdminClient: c.boolean(s, "rotateAdminClient", path, true),
  };
}

/**
 * Validates a raw configuration object (parsed JSON/YAML). Throws {@link StacksConfigError} listing every
 * problem: unknown keys, unknown grant types, role ids that are not UUIDs or names not declared in `roles`,
 * duplicate client/role/secret names, out-of-range numbers, bad regions.
 */
export function parseStacksConfig(raw: unknown, source = "keyward stacks config"): KeywardStacksConfig {
  const c = new Checker();
  const top = c.object(raw, "$");
  if (!top) throw new StacksConfigError(source, c.issues);
  c.keys(top, "$", [
    "stackPrefix",
    "genesysRegion",
    "awsRegion",
    "secretNamePrefix",
    "secretKmsKeyArn",
    "recoveryWindowInDays",
    "rotationEpoch",
    "rotateCommand",
    "tags",
    "gateway",
    "awsEndpoints",
    "roles",
    "clients",
    "scheduledRotation",
  ]);
  const stackPrefix = c.string(top, "stackPrefix", "$", { pattern: STACK_PREFIX, what: "a stack prefix (lower-case letters, digits, -)" }) ?? "keyward";
  const genesysRegionRaw = c.string(top, "genesysRegion", "$", { required: true });
  const genesysRegion = genesysRegionRaw === undefined ? undefined : findRegion(genesysRegionRaw)?.name;
  if (genesysRegionRaw !== undefined && genesysRegion === undefined) {
    c.fail("$.genesysRegion", `unknown Genesys Cloud region "${genesysRegionRaw}" (one of ${GENESYS_REGIONS.map((r) => r.name).join(", ")})`);
  }
  const awsRegion = c.string(top, "awsRegion", "$", { required: true, pattern: AWS_REGION, what: "an AWS region such as eu-west-1" });
  const secretNamePrefix = top.secretNamePrefix === "" ? "" : (c.string(top, "secretNamePrefix", "$", { pattern: SECRET_NAME, what: "a secret name prefix" }) ?? "keyward/");
  const secretKmsKeyArn = c.string(top, "secretKmsKeyArn", "$", { pattern: KMS_KEY_ARN, what: "a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>; not an alias)" });
  const recoveryWindowInDays = c.integer(top, "recoveryWindowInDays", "$", 0, 30);
  if (recoveryWindowInDays !== undefined && recoveryWindowInDays > 0 && recoveryWindowInDays < 7) {
    c.fail("$.recoveryWindowInDays", "must be 0 (delete without recovery) or from 7 to 30");
  }
  const rotationEpoch = c.epoch(top, "rotationEpoch", "$") ?? "0";
  const rotateCommand = c.string(top, "rotateCommand", "$");
  const unescaped = rotateCommand === undefined ? null : UNESCAPED_INTERPOLATION.exec(rotateCommand);
  if (unescaped) {
    c.fail(
      "$.rotateCommand",
      unescaped[0].endsWith("${")
        ? 'contains "${", which Terraform would interpolate; write shell variables as "$VAR" (or escape as "$${VAR}")'
        : 'contains "%{", which Terraform would read as a template directive; escape it as "%%{"',
    );
  }
  const tags = c.stringMap(top, "tags", "$") ?? {};
  if (Object.hasOwn(tags, "keyward:client-id")) {
    c.fail("$.tags.keyward:client-id", "is reserved: keyward tags each client's secret with the client's id under this key");
  }
  const gateway = top.gateway === undefined ? undefined : parseGateway(c, top.gateway, "$.gateway");
  const awsEndpoints = top.awsEndpoints === undefined ? undefined : parseAwsEndpoints(c, top.awsEndpoints, "$.awsEndpoints");

  // Roles first: clients may refer to them by name.
  const roles: RoleConfig[] = [];
  if (top.roles !== undefined && !Array.isArray(top.roles)) c.fail("$.roles", "expected a list");
  const roleNames = new Map<string, number>();
  (Array.isArray(top.roles) ? top.roles : []).forEach((r, i) => {
    const role = parseRole(c, r, `$.roles[${i}]`);
    if (!role) return;
    const key = slugOf(role.name);
    const previous = roleNames.get(key);
    if (previous !== undefined) c.fail(`$.roles[${i}].name`, `duplicate role name "${role.name}" (same as roles[${previous}])`);
    else roleNames.set(key, i);
    roles.push(role);
  });
  const declaredRoles = new Set(roles.map((r) => r.name));

  const clients: ClientConfig[] = [];
  if (!Array.isArray(top.clients) || top.clients.length === 0) c.fail("$.clients", "expected a non-empty list of clients");
  const clientSlugs = new Map<string, number>();
  /** Slugs of the standby clients alternating clients declare, by the index of their client. */
  const standbySlugs = new Map<string, number>();
  const secretNames = new Map<string, string>();
  const adminSecretName = scheduledAdminName(top, secretNamePrefix);
  if (adminSecretName) secretNames.set(adminSecretName, "scheduledRotation.adminSecretName");
  (Array.isArray(top.clients) ? top.clients : []).forEach((raw, i) => {
    const path = `$.clients[${i}]`;
    const cl = c.object(raw, path);
    if (!cl) return;
    c.keys(cl, path, [
      "name",
      "description",
      "authorizedGrantType",
      "accessTokenValiditySeconds",
      "roles",
      "scopes",
      "registeredRedirectUris",
      "state",
      "secretName",
      "secretArn",
      "rotationEpoch",
      "scheduledRotation",
      "rotation",
    ]);
    const name = c.string(cl, "name", path, { required: true });
    if (name !== undefined) {
      const slug = slugOf(name);
      const previous = clientSlugs.get(slug);
      if (slug === "") c.fail(`${path}.name`, `"${name}" has no letters or digits`);
      else if (previous !== undefined) c.fail(`${path}.name`, `duplicate client name "${name}" (same as clients[${previous}])`);
      else clientSlugs.set(slug, i);
    }
    let grant: OauthClientGrantType | undefined = "CLIENT-CREDENTIALS";
    if (cl.authorizedGrantType !== undefined) {
      grant = (ROTATABLE_GRANT_TYPES as readonly unknown[]).includes(cl.authorizedGrantType) ? (cl.authorizedGrantType as OauthClientGrantType) : undefined;
      if (!grant) c.fail(`${path}.authorizedGrantType`, grantTypeIssue(cl.authorizedGrantType));
    }
    const grants: ClientRoleGrant[] = [];
    if (cl.roles !== undefined && !Array.isArray(cl.roles)) c.fail(`${path}.roles`, "expected a list");
    const seenGrants = new Set<string>();
    (Array.isArray(cl.roles) ? cl.roles : []).forEach((g, j) => {
      const where = `${path}.roles[${j}]`;
      const gr = c.object(g, where);
      if (!gr) return;
      c.keys(gr, where, ["roleId", "roleName", "divisionId"]);
      const roleId = c.string(gr, "roleId", where, { pattern: GENESYS_ID, what: "a role id (a UUID)" });
      const roleName = c.string(gr, "roleName", where);
      const divisionId = c.string(gr, "divisionId", where, {
        pattern: /^(\*|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i,
        what: 'a division id (a UUID) or "*"',
      });
      if ((gr.roleId === undefined) === (gr.roleName === undefined)) {
        c.fail(where, "give exactly one of roleId (an existing role) or roleName (a role declared in roles)");
        return;
      }
      if (roleName !== undefined && !declaredRoles.has(roleName)) {
        c.fail(`${where}.roleName`, `"${roleName}" is not declared in roles${declaredRoles.size ? ` (declared: ${[...declaredRoles].join(", ")})` : ""}`);
        return;
      }
      if (roleId === undefined && roleName === undefined) return;
      const key = `${roleId?.toLowerCase() ?? `name:${roleName}`}|${divisionId?.toLowerCase() ?? "home"}`;
      if (seenGrants.has(key)) c.fail(where, "duplicate role grant");
      seenGrants.add(key);
      grants.push({ roleId, roleName, divisionId });
    });
    const scopes = c.stringList(cl, "scopes", path);
    if (grant === "CLIENT-CREDENTIALS" && Array.isArray(cl.roles) && cl.roles.length === 0) {
      c.fail(`${path}.roles`, "CLIENT-CREDENTIALS clients need at least one role (the provider requires it)");
    } else if (grant === "CLIENT-CREDENTIALS" && cl.roles === undefined) {
      c.fail(`${path}.roles`, "is required for CLIENT-CREDENTIALS clients (the provider requires at least one role)");
    }
    if (grant && grant !== "CLIENT-CREDENTIALS" && !scopes?.length) {
      c.fail(`${path}.scopes`, `${grant} clients need at least one scope (the provider requires it)`);
    }
    const secretArn = c.string(cl, "secretArn", path, {
      pattern: SECRET_ARN,
      what: "a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>)",
    });
    const arnName = secretArn === undefined ? undefined : SECRET_ARN.exec(secretArn)![1]!;
    if (secretArn !== undefined && cl.secretName !== undefined) c.fail(path, "give secretName (a container the stack declares) or secretArn (an existing secret), not both");
    if (arnName !== undefined && !arnName.startsWith(secretNamePrefix)) {
      c.fail(
        `${path}.secretArn`,
        `the secret "${arnName}" is outside secretNamePrefix "${secretNamePrefix}": keyward (the janitor, keyward status) counts only secrets under the prefix as managed; move the secret or set secretNamePrefix to cover it`,
      );
    }
    const secretName =
      arnName ??
      c.string(cl, "secretName", path, { pattern: SECRET_NAME, what: "a Secrets Manager secret name (letters, digits, /_+=.@-)" }) ??
      (name === undefined ? undefined : `${secretNamePrefix}${slugOf(name).replace(/-/g, "_")}`);
    if (secretName !== undefined) {
      if (secretArn === undefined && /-[A-Za-z0-9]{6}$/.test(secretName)) {
        c.fail(`${path}.secretName`, `"${secretName}" ends with "-" and six characters, which AWS confuses with the ARN suffix; rename it`);
      }
      const owner = secretNames.get(secretName);
      if (owner) c.fail(`${path}.secretName`, `duplicate secret name "${secretName}" (also used by ${owner})`);
      else secretNames.set(secretName, `clients[${i}]`);
    }
    const rotation = c.oneOf(cl, "rotation", path, ["single", "alternating"] as const, "single")!;
    if (rotation === "alternating" && grant && grant !== "CLIENT-CREDENTIALS") {
      c.fail(`${path}.rotation`, `"alternating" needs CLIENT-CREDENTIALS clients (a consumer switches between the pair by reading the secret); ${grant} clients rotate "single"`);
    }
    if (rotation === "alternating" && name !== undefined) {
      const standbySlug = slugOf(standbyClientName(name));
      const previous = clientSlugs.get(standbySlug);
      if (previous !== undefined && previous !== i) c.fail(`${path}.name`, `its standby client "${standbyClientName(name)}" has the name of clients[${previous}]`);
      else standbySlugs.set(standbySlug, i);
    }
    if (name !== undefined && standbySlugs.has(slugOf(name)) && standbySlugs.get(slugOf(name)) !== i) {
      c.fail(`${path}.name`, `"${name}" is the standby client's name of clients[${standbySlugs.get(slugOf(name))}] (rotation: alternating)`);
    }
    const client: ClientConfig | undefined =
      name && grant && secretName
        ? {
            name,
            description: c.string(cl, "description", path),
            authorizedGrantType: grant,
            accessTokenValiditySeconds: tokenValidity(c, cl, path),
            roles: grants,
            scopes,
            registeredRedirectUris: c.stringList(cl, "registeredRedirectUris", path),
            state: c.oneOf(cl, "state", path, ["active", "inactive"] as const),
            secretName,
            ...(secretArn !== undefined ? { secretArn } : {}),
            rotationEpoch: c.epoch(cl, "rotationEpoch", path) ?? rotationEpoch,
            scheduledRotation: c.boolean(cl, "scheduledRotation", path, true),
            rotation,
          }
        : undefined;
    if (client) clients.push(client);
  });

  const scheduledRotation = parseScheduled(c, top.scheduledRotation, stackPrefix, secretNamePrefix);
  if (scheduledRotation && clients.some((cl) => cl.rotation === "alternating" && cl.scheduledRotation) && scheduledRotation.scheduleExpression.startsWith("at(")) {
    c.fail("$.scheduledRotation.scheduleExpression", 'alternating clients are rotated by Secrets Manager, whose schedule takes "rate(...)" or "cron(...)", not "at(...)"');
  }
  if (c.issues.length > 0) throw new StacksConfigError(source, c.issues);
  return {
    stackPrefix,
    genesysRegion: genesysRegion!,
    awsRegion: awsRegion!,
    secretNamePrefix,
    secretKmsKeyArn,
    recoveryWindowInDays,
    rotationEpoch,
    rotateCommand,
    tags,
    gateway,
    ...(awsEndpoints && Object.keys(awsEndpoints).length ? { awsEndpoints } : {}),
    roles,
    clients,
    scheduledRotation,
  };
}

/** The API accepts 300 to 172,800 seconds (48 h) for a client's tokens; the provider's own check goes up to 450 days. */
function tokenValidity(c: Checker, cl: Raw, path: string): number | undefined {
  const value = cl.accessTokenValiditySeconds;
  if (value === undefined) return undefined;
  const { min, max } = TOKEN_VALIDITY_SECONDS;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    return c.fail(
      `${path}.accessTokenValiditySeconds`,
      `expected an integer from ${min} to ${max} (48 h, the most Genesys Cloud grants an OAuth client's tokens; only SCIM clients may go up to 450 days, and keyward manages none), got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function scheduledAdminName(top: Raw, secretNamePrefix: string): string | undefined {
  const s = top.scheduledRotation;
  if (s === false) return undefined;
  if (s && typeof s === "object" && typeof (s as Raw).adminSecretName === "string") return (s as Raw).adminSecretName as string;
  return defaultAdminSecretName(secretNamePrefix);
}

/**
 * Default name of the admin credentials' secret: `keyward/admin/genesys`, outside the managed clients' prefix (so
 * no grant on `<secretNamePrefix>*` can read the key that regenerates every client); `keyward-admin/genesys` when
 * the prefix would contain `keyward/admin/genesys` (e.g. the default prefix `keyward/`).
 */
export function defaultAdminSecretName(secretNamePrefix: string): string {
  const preferred = "keyward/admin/genesys";
  return secretNamePrefix !== "" && preferred.startsWith(secretNamePrefix) ? "keyward-admin/genesys" : preferred;
}

/** Reads and validates a configuration file: JSON, or YAML for `.yaml`/`.yml`. */
export function loadStacksConfigFile(path: string): KeywardStacksConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read keyward stacks config ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, {
      hint: `point ${STACKS_CONFIG_ENV} (or cdktf.json context keyward.configFile) at an existing file`,
      cause: err,
    });
  }
  let raw: unknown;
  try {
    raw = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw new UsageError(`keyward stacks config ${path} is not valid ${/\.ya?ml$/i.test(path) ? "YAML" : "JSON"}: ${(err as Error).message.split("\n")[0]}`, { cause: err });
  }
  return parseStacksConfig(raw, path);
}

/** The `keyward` object of cdktf.json's context, as the app sees it. */
export interface KeywardContext {
  /** Configuration file, relative to the directory of cdktf.json. */
  readonly configFile?: string;
  /** Inline configuration (instead of a file). */
  readonly config?: unknown;
  /** Remote state settings (see backend.ts); environment variables win. */
  readonly state?: Record<string, unknown>;
}

export interface LoadStacksConfigOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** The `keyward` context object (e.g. `app.node.tryGetContext("keyward")`). */
  readonly context?: KeywardContext;
  /** Directory relative context paths are resolved against (where cdktf.json is). */
  readonly baseDir: string;
}

/**
 * Where the configuration comes from, first match wins:
 * 1. KEYWARD_STACKS_CONFIG: a JSON/YAML file (relative to the current directory);
 * 2. context `keyward.config`: an inline object;
 * 3. context `keyward.configFile`: a file relative to `baseDir` (the directory of cdktf.json).
 */
export function loadStacksConfig(options: LoadStacksConfigOptions): KeywardStacksConfig {
  const env = options.env ?? process.env;
  const fromEnv = env[STACKS_CONFIG_ENV];
  if (fromEnv) return loadStacksConfigFile(resolve(fromEnv));
  const context = options.context;
  if (context?.config !== undefined) return parseStacksConfig(context.config, "cdktf.json context keyward.config");
  if (context?.configFile) {
    return loadStacksConfigFile(isAbsolute(context.configFile) ? context.configFile : resolve(options.baseDir, context.configFile));
  }
  throw new UsageError("no keyward stacks configuration", {
    hint: `set ${STACKS_CONFIG_ENV} to a config file, or cdktf.json context "keyward": {"configFile": "..."}`,
  });
}

/**
 * cdktf.json's `context`, for programs started without the cdktf CLI (`npx tsx main.ts`): the CLI passes the
 * context in CDKTF_CONTEXT_JSON, a plain process does not get it. Returns undefined when there is no cdktf.json.
 */
export function readCdktfJsonContext(cdktfJsonPath: string): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(cdktfJsonPath, "utf8");
  } catch {
    return undefined;
  }
  const parsed = JSON.parse(text) as { context?: Record<string, unknown> };
  return parsed.context ?? {};
}
