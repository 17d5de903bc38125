// Explicit Terraform backends for keyward's stacks. cdktf's default is a LocalBackend with an ABSOLUTE path of
// the synthesizing machine baked into the configuration; keyward never uses it:
//
// - with a state bucket configured: S3 with `encrypt = true`, one key per stack, locking through a DynamoDB
//   table or S3's native lock file (`use_lockfile`, Terraform >= 1.10);
// - without one: a local backend with a RELATIVE path (`terraform.<stack>.tfstate` inside the stack's working
//   directory, `cdktf.out/stacks/<stack>/`), for local experiments only. The state holds no client secret
//   (that is keyward's point) but it is still infrastructure state: use S3 for anything shared.
import { DataTerraformRemoteStateLocal, LocalBackend, S3Backend, TerraformStack, type S3BackendConfig, type TerraformRemoteState } from "cdktf";
import type { Construct } from "constructs";
import { UsageError } from "../src/core/errors.js";

/** Environment variables for the state backend; each wins over the matching cdktf.json `keyward.state` field. */
export const STATE_ENV = {
  bucket: "KEYWARD_STATE_BUCKET",
  region: "KEYWARD_STATE_REGION",
  lockTable: "KEYWARD_STATE_LOCK_TABLE",
  keyPrefix: "KEYWARD_STATE_KEY_PREFIX",
  useLockfile: "KEYWARD_STATE_USE_LOCKFILE",
  kmsKeyId: "KEYWARD_STATE_KMS_KEY_ID",
} as const;

export interface StateBackendSettings {
  /** S3 bucket; unset: local backend with a relative path. */
  readonly bucket?: string;
  /** Bucket region; default: the stacks' AWS region. */
  readonly region?: string;
  /** DynamoDB lock table (legacy locking). */
  readonly lockTable?: string;
  /** Key prefix; each stack's state is `<keyPrefix>/<stack>.tfstate`. Default `keyward`. */
  readonly keyPrefix: string;
  /** S3-native locking (`use_lockfile`, Terraform >= 1.10). Default true when no lock table is given. */
  readonly useLockfile?: boolean;
  /** KMS key for the state objects (else SSE-S3). */
  readonly kmsKeyId?: string;
}

function parseBoolean(value: unknown, what: string): boolean | undefined {
  if (value === undefined || value === "") return undefined;
  if (value === true || value === "true" || value === "1") return true;
  if (value === false || value === "false" || value === "0") return false;
  throw new UsageError(`${what} must be true or false, got ${JSON.stringify(value)}`);
}

function stringSetting(value: unknown, what: string): string | undefined {
  if (value === undefined || value === "") return undefined;
  if (typeof value !== "string") throw new UsageError(`${what} must be a string`);
  return value;
}

/** Backend settings from the environment (KEYWARD_STATE_*) and cdktf.json context `keyward.state`, env first. */
export function stateBackendSettings(env: NodeJS.ProcessEnv = process.env, context: Record<string, unknown> = {}): StateBackendSettings {
  const pick = (field: keyof typeof STATE_ENV) => env[STATE_ENV[field]] || context[field];
  const what = (field: keyof typeof STATE_ENV) => `${STATE_ENV[field]} / context keyward.state.${field}`;
  const settings: StateBackendSettings = {
    bucket: stringSetting(pick("bucket"), what("bucket")),
    region: stringSetting(pick("region"), what("region")),
    lockTable: stringSetting(pick("lockTable"), what("lockTable")),
    keyPrefix: (stringSetting(pick("keyPrefix"), what("keyPrefix")) ?? "keyward").replace(/\/+$/, ""),
    useLockfile: parseBoolean(pick("useLockfile"), what("useLockfile")),
    kmsKeyId: stringSetting(pick("kmsKeyId"), what("kmsKeyId")),
  };
  if (!settings.bucket && (settings.lockTable || settings.kmsKeyId)) {
    throw new UsageError(`${STATE_ENV.lockTable} / ${STATE_ENV.kmsKeyId} need a state bucket`, {
      hint: `set ${STATE_ENV.bucket} (or context keyward.state.bucket)`,
    });
  }
  return settings;
}

/** S3 backend that can also emit `use_lockfile` (not in cdktf 0.21's S3BackendConfig). */
export class KeywardS3Backend extends S3Backend {
  constructor(
    scope: Construct,
    props: S3BackendConfig,
    private readonly useLockfile: boolean,
  ) {
    super(scope, props);
  }

  protected override synthesizeAttributes(): { [name: string]: any } {
    return { ...super.synthesizeAttributes(), ...(this.useLockfile ? { use_lockfile: true } : {}) };
  }

  protected override synthesizeHclAttributes(): { [name: string]: any } {
    return { ...super.synthesizeHclAttributes(), ...(this.useLockfile ? { use_lockfile: true } : {}) };
  }
}

/** The state file name of a stack in local mode, relative to the stack's working directory. */
export function localStatePath(stackName: string): string {
  return `terraform.${stackName}.tfstate`;
}

/**
 * Local backend with a relative path. Cross-stack references read the other stack's state from the sibling
 * working directory (`../<stack>/terraform.<stack>.tfstate`), which holds for any output directory.
 */
export class RelativeLocalBackend extends LocalBackend {
  constructor(scope: Construct) {
    super(scope, { path: localStatePath(TerraformStack.of(scope).node.id) });
  }

  public override getRemoteStateDataSource(scope: Construct, name: string, fromStack: string): TerraformRemoteState {
    return new DataTerraformRemoteStateLocal(scope, name, {
      path: `../${fromStack}/${localStatePath(fromStack)}`,
      workspace: "${terraform.workspace}",
    });
  }
}

/** Puts the configured backend on `stack`: S3 (encrypted) when a bucket is set, else a relative local file. */
export function configureBackend(stack: TerraformStack, settings: StateBackendSettings, defaultRegion: string): S3Backend | LocalBackend {
  if (!settings.bucket) return new RelativeLocalBackend(stack);
  const useLockfile = settings.lockTable ? (settings.useLockfile ?? false) : (settings.useLockfile ?? true);
  return new KeywardS3Backend(
    stack,
    {
      bucket: settings.bucket,
      key: `${settings.keyPrefix}/${stack.node.id}.tfstate`,
      region: settings.region ?? defaultRegion,
      encrypt: true,
      kmsKeyId: settings.kmsKeyId,
      dynamodbTable: settings.lockTable,
    },
    useLockfile,
  );
}
