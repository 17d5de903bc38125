// Hand-written binding of the `aws` provider block (hashicorp/aws 6.x, `internal/provider/sdkv2/provider.go`). Only
// non-credential arguments are bound: the provider takes credentials from the deploying process (environment,
// profile, instance role).
import type { Construct } from "constructs";
import { SchemaProvider, type Schema } from "../base.js";

export const AWS_PROVIDER_SOURCE = "hashicorp/aws";
/**
 * 6.x (per-resource `region`), from 6.28.0: the first release with `aws_lambda_permission.invoked_via_function_url`
 * (CHANGELOG 6.28.0, #44858), which the janitor stack sets; an older 6.x rejects that stack at `terraform validate`.
 */
export const AWS_PROVIDER_VERSION_CONSTRAINT = ">= 6.28.0, < 7.0.0";

export interface AwsProviderDefaultTags {
  readonly tags?: { [key: string]: string };
}

/** `endpoints { <service> = "<url>" }`: per-service endpoint overrides (e.g. a local emulator). */
export interface AwsProviderEndpoints {
  readonly secretsmanager?: string;
  readonly sts?: string;
  readonly iam?: string;
  readonly kms?: string;
  readonly lambda?: string;
  readonly logs?: string;
  readonly scheduler?: string;
  readonly sqs?: string;
}

export interface AwsProviderConfig {
  /** AWS region the resources are managed in. */
  readonly region?: string;
  /** Refuse to run against any other account (a cheap guard against deploying with the wrong credentials). */
  readonly allowedAccountIds?: string[];
  readonly forbiddenAccountIds?: string[];
  /** Tags applied to every taggable resource of this provider. */
  readonly defaultTags?: AwsProviderDefaultTags[];
  readonly maxRetries?: number;
  readonly endpoints?: AwsProviderEndpoints[];
  /** For AWS-compatible APIs without STS (emulators): skip the sts:GetCallerIdentity credential check. */
  readonly skipCredentialsValidation?: boolean;
  /** Likewise: do not look the account id up (STS, IAM or instance metadata). */
  readonly skipRequestingAccountId?: boolean;
  /** `"true"`/`"false"` (a nullable bool in the provider): skip the EC2 instance metadata API. */
  readonly skipMetadataApiCheck?: string;
  readonly alias?: string;
}

const schema: Schema = {
  allowed_account_ids: { kind: "stringSet" },
  default_tags: {
    kind: "block",
    collection: "list",
    storageClassType: "AwsProviderDefaultTagsList",
    attributes: { tags: { kind: "stringMap" } },
  },
  endpoints: {
    kind: "block",
    collection: "set",
    storageClassType: "AwsProviderEndpointsList",
    attributes: {
      iam: { kind: "string" },
      kms: { kind: "string" },
      lambda: { kind: "string" },
      logs: { kind: "string" },
      scheduler: { kind: "string" },
      secretsmanager: { kind: "string" },
      sqs: { kind: "string" },
      sts: { kind: "string" },
    },
  },
  forbidden_account_ids: { kind: "stringSet" },
  max_retries: { kind: "number" },
  region: { kind: "string" },
  skip_credentials_validation: { kind: "boolean" },
  skip_metadata_api_check: { kind: "string" },
  skip_requesting_account_id: { kind: "boolean" },
};

/** The `aws` provider, source `hashicorp/aws`, version {@link AWS_PROVIDER_VERSION_CONSTRAINT}. */
export class AwsProvider extends SchemaProvider<AwsProviderConfig> {
  public static readonly tfResourceType = "aws";

  constructor(scope: Construct, id: string, config: AwsProviderConfig = {}) {
    super(scope, id, {
      terraformResourceType: AwsProvider.tfResourceType,
      source: AWS_PROVIDER_SOURCE,
      versionConstraint: AWS_PROVIDER_VERSION_CONSTRAINT,
      schema,
      config,
    });
  }

  public get regionInput(): string | undefined {
    return this.config.region;
  }
}
