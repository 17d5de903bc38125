// The real providers' schemas, transcribed by hand from their source (path and tag per type below), so that
// test/terraform/schema.test.ts can hold the stand-ins to them: the stand-ins' `terraform providers schema -json`
// must equal these rows exactly (types, required/optional/computed, sensitive, block nesting, min/max items, schema
// version), and each `default`, `accepts` and `rejects` here is checked through Terraform itself (plan shows the
// default; validate accepts and rejects the values). A transcription mistake in the stand-ins fails loudly there.
//
// genesyscloud: MyPureCloud/terraform-provider-genesyscloud, tag v1.84.1 (commit f955430e6bd4c0b56708d3abc06fb25a1e9031b7):
//   the full schemas of the provider block and of the two resource types keyward declares.
// aws: hashicorp/terraform-provider-aws, 6.x. Only the attributes keyward's bindings (stacks/bindings/aws) can emit,
//   the computed ones the stacks reference, `id` and `tags_all`: the stand-in declares no more, so anything else
//   keyward might start emitting is rejected by `terraform validate` until it is transcribed here. Names, types and
//   required/optional flags were checked against the 6.25.0 schema as generated into @cdktf/provider-aws 21.22.1
//   (lib/<type>/index.d.ts); computed, sensitive, set/list, max items, defaults and validators were read from the Go
//   source of 6.x (the file per type below, as stored in the code index; not pinned to one tag, which the index
//   could not give). The stand-in is registered as 6.28.0, the first release with
//   aws_lambda_permission.invoked_via_function_url (CHANGELOG 6.28.0, #44858), which keyward's janitor stack sets.

export type Flags = "required" | "optional" | "computed" | "optional+computed";

/** One attribute: `path` is dotted through nested blocks (`roles.division_id`); `type` in Terraform's notation. */
export interface AttributeRow {
  readonly path: string;
  readonly type: string;
  readonly flags: Flags;
  readonly sensitive?: true;
  /** The value a plan shows when the configuration leaves the attribute out. */
  readonly default?: string | number | boolean;
  /** Values `terraform validate` must accept, and must reject (a validator of the real provider). */
  readonly accepts?: readonly (string | number | boolean)[];
  readonly rejects?: readonly (string | number | boolean)[];
}

/** One nested block. */
export interface BlockRow {
  readonly path: string;
  readonly nesting: "list" | "set";
  readonly min?: number;
  readonly max?: number;
}

export interface TypeTable {
  /** Source file of the type, at the provider's tag (genesyscloud) or in the 6.x tree (aws). */
  readonly source: string;
  /** SchemaVersion (the block `version` in the schema JSON). */
  readonly version: number;
  readonly attributes: readonly AttributeRow[];
  readonly blocks: readonly BlockRow[];
  /** The smallest configuration `terraform validate` accepts (for the validator checks). */
  readonly minimal?: Record<string, unknown>;
}

export interface ProviderTable {
  readonly address: string;
  readonly version: string;
  readonly repository: string;
  readonly tag: string;
  readonly provider: TypeTable;
  readonly resources: Readonly<Record<string, TypeTable>>;
  readonly dataSources: Readonly<Record<string, TypeTable>>;
}

const id: AttributeRow = { path: "id", type: "string", flags: "optional+computed" }; // plugin-sdk v2 adds it to every type
const tags: AttributeRow = { path: "tags", type: "map(string)", flags: "optional" };
const tagsAll: AttributeRow = { path: "tags_all", type: "map(string)", flags: "optional+computed" };
const region: AttributeRow = { path: "region", type: "string", flags: "optional+computed" }; // 6.x: internal/provider/sdkv2/internal/attribute/attributes.go

const GENESYS_REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "eusc-de-east-1", "dca", "US-EAST-1"];

export const GENESYSCLOUD: ProviderTable = {
  address: "registry.terraform.io/mypurecloud/genesyscloud",
  version: "1.84.1",
  repository: "MyPureCloud/terraform-provider-genesyscloud",
  tag: "v1.84.1",
  provider: {
    source: "genesyscloud/provider/provider_schema.go (constants: sdk_client_pool.go, concurrent_pagination.go; regions: provider.go getRegionMap)",
    version: 0,
    attributes: [
      { path: "access_token", type: "string", flags: "optional" },
      { path: "oauthclient_id", type: "string", flags: "optional" },
      { path: "oauthclient_secret", type: "string", flags: "optional", sensitive: true },
      { path: "aws_region", type: "string", flags: "optional", accepts: GENESYS_REGIONS, rejects: ["moon-1", "us-east"] },
      { path: "sdk_debug", type: "bool", flags: "optional" },
      { path: "sdk_debug_format", type: "string", flags: "optional", accepts: ["Text", "Json"], rejects: ["json", "XML"] },
      { path: "sdk_debug_file_path", type: "string", flags: "optional", accepts: ["debug.log"], rejects: ["", "   "] },
      { path: "sdk_client_pool_debug", type: "bool", flags: "optional" },
      { path: "token_pool_size", type: "number", flags: "optional", accepts: [1, 50], rejects: [0, 51] },
      { path: "token_acquire_timeout", type: "string", flags: "optional", accepts: ["5m", "30s"], rejects: ["five minutes"] },
      { path: "token_init_timeout", type: "string", flags: "optional", accepts: ["10m"], rejects: ["10"] },
      { path: "max_concurrent_pages", type: "number", flags: "optional", accepts: [1, 75], rejects: [0, 76] },
      { path: "custom_retry_timeout", type: "string", flags: "optional", accepts: ["0s", "5m"], rejects: ["forever"] },
      { path: "log_stack_traces", type: "bool", flags: "optional" },
      { path: "log_stack_traces_file_path", type: "string", flags: "optional", accepts: ["traces.log"], rejects: ["traces.txt", "my traces.log"] },
      { path: "gateway.port", type: "string", flags: "optional" },
      { path: "gateway.host", type: "string", flags: "optional" },
      { path: "gateway.protocol", type: "string", flags: "optional" },
      { path: "gateway.path_params.path_name", type: "string", flags: "required" },
      { path: "gateway.path_params.path_value", type: "string", flags: "required" },
      { path: "gateway.auth.username", type: "string", flags: "optional" },
      { path: "gateway.auth.password", type: "string", flags: "optional" },
      { path: "proxy.port", type: "string", flags: "optional" },
      { path: "proxy.host", type: "string", flags: "optional" },
      { path: "proxy.protocol", type: "string", flags: "optional" },
      { path: "proxy.auth.username", type: "string", flags: "optional" },
      { path: "proxy.auth.password", type: "string", flags: "optional" },
    ],
    blocks: [
      { path: "gateway", nesting: "set" },
      { path: "gateway.path_params", nesting: "set" },
      { path: "gateway.auth", nesting: "set", max: 1 },
      { path: "proxy", nesting: "set", max: 1 },
      { path: "proxy.auth", nesting: "set", max: 1 },
    ],
  },
  resources: {
    genesyscloud_oauth_client: {
      source: "genesyscloud/oauth_client/resource_genesyscloud_oauth_client_schema.go",
      version: 1,
      minimal: { name: "x", authorized_grant_type: "CLIENT-CREDENTIALS" },
      attributes: [
        id,
        { path: "name", type: "string", flags: "required" },
        { path: "description", type: "string", flags: "optional" },
        { path: "access_token_validity_seconds", type: "number", flags: "optional", default: 86400, accepts: [300, 38_880_000], rejects: [299, 60, 38_880_001] },
        { path: "registered_redirect_uris", type: "set(string)", flags: "optional" },
        {
          path: "authorized_grant_type",
          type: "string",
          flags: "required",
          accepts: ["CODE", "TOKEN", "SAML2BEARER", "SAML2-BEARER", "PASSWORD", "CLIENT-CREDENTIALS"],
          rejects: ["client-credentials", "CLIENT_CREDENTIALS", "IMPLICIT"],
        },
        { path: "scopes", type: "set(string)", flags: "optional" },
        { path: "roles.role_id", type: "string", flags: "required" },
        { path: "roles.division_id", type: "string", flags: "optional+computed" },
        { path: "state", type: "string", flags: "optional", default: "active", accepts: ["active", "inactive"], rejects: ["disabled", "Active"] },
        { path: "integration_credential_id", type: "string", flags: "computed" },
        { path: "integration_credential_name", type: "string", flags: "optional" },
        { path: "client_id", type: "string", flags: "computed" },
        { path: "client_secret", type: "string", flags: "optional+computed", sensitive: true },
        { path: "expose_client_secret", type: "bool", flags: "optional", default: false },
        { path: "directory_client_secret", type: "string", flags: "optional" },
      ],
      blocks: [{ path: "roles", nesting: "set" }],
    },
    genesyscloud_auth_role: {
      source: "genesyscloud/auth_role/resource_genesyscloud_auth_role_schema.go",
      version: 1,
      minimal: { name: "x" },
      attributes: [
        id,
        { path: "name", type: "string", flags: "required" },
        { path: "description", type: "string", flags: "optional" },
        { path: "permissions", type: "set(string)", flags: "optional" },
        { path: "default_role_id", type: "string", flags: "optional" },
        { path: "permission_policies.domain", type: "string", flags: "required" },
        { path: "permission_policies.entity_name", type: "string", flags: "required" },
        { path: "permission_policies.action_set", type: "set(string)", flags: "required" },
        { path: "permission_policies.conditions.conjunction", type: "string", flags: "required" },
        { path: "permission_policies.conditions.terms.variable_name", type: "string", flags: "required" },
        { path: "permission_policies.conditions.terms.operator", type: "string", flags: "required" },
        { path: "permission_policies.conditions.terms.operands.type", type: "string", flags: "required" },
        { path: "permission_policies.conditions.terms.operands.queue_id", type: "string", flags: "optional" },
        { path: "permission_policies.conditions.terms.operands.user_id", type: "string", flags: "optional" },
        { path: "permission_policies.conditions.terms.operands.value", type: "string", flags: "optional" },
      ],
      blocks: [
        { path: "permission_policies", nesting: "set" },
        { path: "permission_policies.conditions", nesting: "list", max: 1 },
        { path: "permission_policies.conditions.terms", nesting: "set", min: 1 },
        { path: "permission_policies.conditions.terms.operands", nesting: "set", min: 1 },
      ],
    },
  },
  dataSources: {},
};

const LAMBDA = "internal/service/lambda";

export const AWS: ProviderTable = {
  address: "registry.terraform.io/hashicorp/aws",
  version: "6.28.0",
  repository: "hashicorp/terraform-provider-aws",
  tag: "6.x (see the header)",
  provider: {
    source: "internal/provider/sdkv2/provider.go; endpoints: internal/provider/sdkv2/provider_gen.go endpointsSchema",
    version: 0,
    attributes: [
      { path: "access_key", type: "string", flags: "optional" },
      { path: "allowed_account_ids", type: "set(string)", flags: "optional" },
      { path: "default_tags.tags", type: "map(string)", flags: "optional" },
      ...["iam", "kms", "lambda", "logs", "scheduler", "secretsmanager", "sqs", "sts"].map((s): AttributeRow => ({ path: `endpoints.${s}`, type: "string", flags: "optional" })),
      { path: "forbidden_account_ids", type: "set(string)", flags: "optional" },
      { path: "max_retries", type: "number", flags: "optional" },
      { path: "profile", type: "string", flags: "optional" },
      { path: "region", type: "string", flags: "optional" },
      { path: "secret_key", type: "string", flags: "optional" },
      { path: "skip_credentials_validation", type: "bool", flags: "optional" },
      // nullable.TypeNullableBool: a string holding a boolean.
      { path: "skip_metadata_api_check", type: "string", flags: "optional", accepts: ["true", "false"], rejects: ["yes"] },
      { path: "skip_region_validation", type: "bool", flags: "optional" },
      { path: "skip_requesting_account_id", type: "bool", flags: "optional" },
      { path: "token", type: "string", flags: "optional" },
    ],
    blocks: [
      { path: "default_tags", nesting: "list", max: 1 },
      { path: "endpoints", nesting: "set" },
    ],
  },
  resources: {
    aws_secretsmanager_secret: {
      source: "internal/service/secretsmanager/secret.go",
      version: 0,
      minimal: { name: "keyward/x" },
      attributes: [
        id,
        region,
        { path: "arn", type: "string", flags: "computed" },
        { path: "description", type: "string", flags: "optional" },
        { path: "force_overwrite_replica_secret", type: "bool", flags: "optional", default: false },
        { path: "kms_key_id", type: "string", flags: "optional" },
        { path: "name", type: "string", flags: "optional+computed", accepts: ["keyward/clients/a_b", "a+b=c.d@e-f"], rejects: ["has space", "semi;colon"] },
        { path: "name_prefix", type: "string", flags: "optional+computed" },
        { path: "policy", type: "string", flags: "optional+computed", accepts: ["{}"], rejects: ["not json"] },
        { path: "recovery_window_in_days", type: "number", flags: "optional", default: 30, accepts: [0, 7, 30], rejects: [1, 6, 31] },
        { path: "replica.kms_key_id", type: "string", flags: "optional+computed" },
        { path: "replica.last_accessed_date", type: "string", flags: "computed" },
        { path: "replica.region", type: "string", flags: "required" },
        { path: "replica.status", type: "string", flags: "computed" },
        { path: "replica.status_message", type: "string", flags: "computed" },
        tags,
        tagsAll,
      ],
      // `replica` is Optional+Computed: plugin-sdk v2 reports such a block as an attribute-like block (set, min 0).
      blocks: [{ path: "replica", nesting: "set" }],
    },
    aws_secretsmanager_secret_rotation: {
      source: "internal/service/secretsmanager/secret_rotation.go (the 6.25.0 shape: rotation_rules required, one block)",
      version: 1,
      minimal: { secret_id: "arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbCdEf", rotation_rules: [{ automatically_after_days: 7 }] },
      attributes: [
        id,
        region,
        { path: "rotate_immediately", type: "bool", flags: "optional", default: true },
        { path: "rotation_enabled", type: "bool", flags: "computed" },
        { path: "rotation_lambda_arn", type: "string", flags: "optional" },
        { path: "rotation_rules.automatically_after_days", type: "number", flags: "optional", accepts: [1, 1000], rejects: [0, 1001] },
        { path: "rotation_rules.duration", type: "string", flags: "optional" },
        { path: "rotation_rules.schedule_expression", type: "string", flags: "optional" },
        { path: "secret_id", type: "string", flags: "required" },
      ],
      blocks: [{ path: "rotation_rules", nesting: "list", min: 1, max: 1 }],
    },
    aws_cloudwatch_log_group: {
      source: "internal/service/logs/group.go",
      version: 0,
      minimal: {},
      attributes: [
        id,
        region,
        { path: "arn", type: "string", flags: "computed" },
        { path: "kms_key_id", type: "string", flags: "optional" },
        { path: "log_group_class", type: "string", flags: "optional+computed", accepts: ["STANDARD", "INFREQUENT_ACCESS"], rejects: ["standard"] },
        { path: "name", type: "string", flags: "optional+computed" },
        { path: "name_prefix", type: "string", flags: "optional+computed" },
        { path: "retention_in_days", type: "number", flags: "optional", default: 0, accepts: [1, 30, 3653], rejects: [2, 10, 4000] },
        { path: "skip_destroy", type: "bool", flags: "optional", default: false },
        tags,
        tagsAll,
      ],
      blocks: [],
    },
    aws_iam_role: {
      source: "internal/service/iam/role.go (IAM is global: no region)",
      version: 0,
      minimal: { assume_role_policy: "{}" },
      attributes: [
        id,
        { path: "arn", type: "string", flags: "computed" },
        { path: "assume_role_policy", type: "string", flags: "required", rejects: ["not json"] },
        { path: "create_date", type: "string", flags: "computed" },
        { path: "description", type: "string", flags: "optional" },
        { path: "force_detach_policies", type: "bool", flags: "optional", default: false },
        { path: "max_session_duration", type: "number", flags: "optional", default: 3600, accepts: [3600, 43200], rejects: [3599, 43201] },
        { path: "name", type: "string", flags: "optional+computed" },
        { path: "name_prefix", type: "string", flags: "optional+computed" },
        { path: "path", type: "string", flags: "optional", default: "/" },
        { path: "permissions_boundary", type: "string", flags: "optional" },
        tags,
        tagsAll,
        { path: "unique_id", type: "string", flags: "computed" },
      ],
      blocks: [],
    },
    aws_iam_role_policy: {
      source: "internal/service/iam/role_policy.go",
      version: 0,
      minimal: { policy: "{}", role: "r" },
      attributes: [
        id,
        { path: "name", type: "string", flags: "optional+computed" },
        { path: "name_prefix", type: "string", flags: "optional+computed" },
        { path: "policy", type: "string", flags: "required" },
        { path: "role", type: "string", flags: "required" },
      ],
      blocks: [],
    },
    aws_lambda_event_source_mapping: {
      source: `${LAMBDA}/event_source_mapping.go`,
      version: 0,
      minimal: { function_name: "f" },
      attributes: [
        id,
        region,
        { path: "arn", type: "string", flags: "computed" },
        { path: "batch_size", type: "number", flags: "optional" },
        { path: "enabled", type: "bool", flags: "optional", default: true },
        { path: "event_source_arn", type: "string", flags: "optional" },
        { path: "function_arn", type: "string", flags: "computed" },
        { path: "function_name", type: "string", flags: "required" },
        { path: "function_response_types", type: "set(string)", flags: "optional" },
        { path: "scaling_config.maximum_concurrency", type: "number", flags: "optional", accepts: [2, 1000], rejects: [1] },
        { path: "uuid", type: "string", flags: "computed" },
      ],
      blocks: [{ path: "scaling_config", nesting: "list", max: 1 }],
    },
    aws_lambda_function: {
      source: `${LAMBDA}/function.go`,
      version: 0,
      minimal: { function_name: "f", role: "arn:aws:iam::123456789012:role/r" },
      attributes: [
        id,
        region,
        { path: "architectures", type: "list(string)", flags: "optional+computed" },
        { path: "arn", type: "string", flags: "computed" },
        { path: "dead_letter_config.target_arn", type: "string", flags: "required" },
        { path: "description", type: "string", flags: "optional" },
        { path: "environment.variables", type: "map(string)", flags: "optional" },
        { path: "ephemeral_storage.size", type: "number", flags: "optional+computed" },
        { path: "filename", type: "string", flags: "optional" },
        { path: "function_name", type: "string", flags: "required" },
        { path: "handler", type: "string", flags: "optional" },
        { path: "invoke_arn", type: "string", flags: "computed" },
        { path: "kms_key_arn", type: "string", flags: "optional" },
        { path: "last_modified", type: "string", flags: "computed" },
        { path: "layers", type: "list(string)", flags: "optional" },
        { path: "logging_config.application_log_level", type: "string", flags: "optional" },
        { path: "logging_config.log_format", type: "string", flags: "required" },
        { path: "logging_config.log_group", type: "string", flags: "optional+computed" },
        { path: "logging_config.system_log_level", type: "string", flags: "optional" },
        { path: "memory_size", type: "number", flags: "optional", default: 128, accepts: [128, 1024, 10240], rejects: [127, 10241] },
        { path: "publish", type: "bool", flags: "optional", default: false },
        { path: "qualified_arn", type: "string", flags: "computed" },
        { path: "reserved_concurrent_executions", type: "number", flags: "optional", default: -1, accepts: [-1, 0, 2], rejects: [-2] },
        { path: "role", type: "string", flags: "required" },
        { path: "runtime", type: "string", flags: "optional" },
        { path: "s3_bucket", type: "string", flags: "optional" },
        { path: "s3_key", type: "string", flags: "optional" },
        { path: "s3_object_version", type: "string", flags: "optional" },
        { path: "skip_destroy", type: "bool", flags: "optional", default: false },
        { path: "source_code_hash", type: "string", flags: "optional+computed" },
        { path: "source_code_size", type: "number", flags: "computed" },
        tags,
        tagsAll,
        { path: "timeout", type: "number", flags: "optional", default: 3, accepts: [1, 900], rejects: [0, 901] },
        { path: "tracing_config.mode", type: "string", flags: "required" },
        { path: "version", type: "string", flags: "computed" },
        { path: "vpc_config.security_group_ids", type: "set(string)", flags: "required" },
        { path: "vpc_config.subnet_ids", type: "set(string)", flags: "required" },
        { path: "vpc_config.vpc_id", type: "string", flags: "computed" },
      ],
      blocks: [
        { path: "dead_letter_config", nesting: "list", max: 1 },
        { path: "environment", nesting: "list", max: 1 },
        { path: "ephemeral_storage", nesting: "list", max: 1 },
        { path: "logging_config", nesting: "list", max: 1 },
        { path: "tracing_config", nesting: "list", max: 1 },
        { path: "vpc_config", nesting: "list", max: 1 },
      ],
    },
    aws_lambda_function_event_invoke_config: {
      source: `${LAMBDA}/function_event_invoke_config.go`,
      version: 0,
      minimal: { function_name: "f" },
      attributes: [
        id,
        region,
        { path: "destination_config.on_failure.destination", type: "string", flags: "required" },
        { path: "destination_config.on_success.destination", type: "string", flags: "required" },
        { path: "function_name", type: "string", flags: "required" },
        { path: "maximum_event_age_in_seconds", type: "number", flags: "optional", accepts: [60, 21600], rejects: [59, 21601] },
        { path: "maximum_retry_attempts", type: "number", flags: "optional", default: 2, accepts: [0, 2], rejects: [3, -1] },
        { path: "qualifier", type: "string", flags: "optional" },
      ],
      blocks: [
        { path: "destination_config", nesting: "list", max: 1 },
        { path: "destination_config.on_failure", nesting: "list", max: 1 },
        { path: "destination_config.on_success", nesting: "list", max: 1 },
      ],
    },
    aws_lambda_function_url: {
      source: `${LAMBDA}/function_url.go`,
      version: 0,
      minimal: { function_name: "f", authorization_type: "NONE" },
      attributes: [
        id,
        region,
        { path: "authorization_type", type: "string", flags: "required", accepts: ["NONE", "AWS_IAM"], rejects: ["none", "IAM"] },
        { path: "function_arn", type: "string", flags: "computed" },
        { path: "function_name", type: "string", flags: "required" },
        { path: "function_url", type: "string", flags: "computed" },
        { path: "invoke_mode", type: "string", flags: "optional", default: "BUFFERED", accepts: ["RESPONSE_STREAM"], rejects: ["STREAM"] },
        { path: "qualifier", type: "string", flags: "optional" },
        { path: "url_id", type: "string", flags: "computed" },
      ],
      blocks: [],
    },
    aws_lambda_permission: {
      source: `${LAMBDA}/permission.go`,
      version: 0,
      minimal: { action: "lambda:InvokeFunction", function_name: "f", principal: "*" },
      attributes: [
        id,
        region,
        { path: "action", type: "string", flags: "required" },
        { path: "function_name", type: "string", flags: "required" },
        { path: "function_url_auth_type", type: "string", flags: "optional", accepts: ["NONE", "AWS_IAM"], rejects: ["OPEN"] },
        { path: "invoked_via_function_url", type: "bool", flags: "optional" },
        { path: "principal", type: "string", flags: "required" },
        { path: "qualifier", type: "string", flags: "optional" },
        { path: "source_account", type: "string", flags: "optional" },
        { path: "source_arn", type: "string", flags: "optional" },
        { path: "statement_id", type: "string", flags: "optional+computed" },
        { path: "statement_id_prefix", type: "string", flags: "optional+computed" },
      ],
      blocks: [],
    },
    aws_scheduler_schedule: {
      source: "internal/service/scheduler/schedule.go",
      version: 0,
      minimal: {
        schedule_expression: "rate(1 day)",
        flexible_time_window: [{ mode: "OFF" }],
        target: [{ arn: "arn:aws:lambda:us-east-1:123456789012:function:f", role_arn: "arn:aws:iam::123456789012:role/r" }],
      },
      attributes: [
        id,
        region,
        { path: "arn", type: "string", flags: "computed" },
        { path: "description", type: "string", flags: "optional" },
        { path: "end_date", type: "string", flags: "optional", accepts: ["2030-01-01T00:00:00Z"], rejects: ["tomorrow"] },
        { path: "flexible_time_window.maximum_window_in_minutes", type: "number", flags: "optional" },
        { path: "flexible_time_window.mode", type: "string", flags: "required" },
        { path: "group_name", type: "string", flags: "optional+computed" },
        { path: "kms_key_arn", type: "string", flags: "optional" },
        { path: "name", type: "string", flags: "optional+computed" },
        { path: "name_prefix", type: "string", flags: "optional+computed" },
        { path: "schedule_expression", type: "string", flags: "required" },
        { path: "schedule_expression_timezone", type: "string", flags: "optional", default: "UTC" },
        { path: "start_date", type: "string", flags: "optional" },
        { path: "state", type: "string", flags: "optional", default: "ENABLED", accepts: ["ENABLED", "DISABLED"], rejects: ["ON"] },
        { path: "target.arn", type: "string", flags: "required" },
        { path: "target.dead_letter_config.arn", type: "string", flags: "required" },
        { path: "target.input", type: "string", flags: "optional" },
        { path: "target.retry_policy.maximum_event_age_in_seconds", type: "number", flags: "optional" },
        { path: "target.retry_policy.maximum_retry_attempts", type: "number", flags: "optional" },
        { path: "target.role_arn", type: "string", flags: "required" },
      ],
      blocks: [
        { path: "flexible_time_window", nesting: "list", min: 1, max: 1 },
        { path: "target", nesting: "list", min: 1, max: 1 },
        { path: "target.dead_letter_config", nesting: "list", max: 1 },
        { path: "target.retry_policy", nesting: "list", max: 1 },
      ],
    },
    aws_scheduler_schedule_group: {
      source: "internal/service/scheduler/schedule_group.go",
      version: 0,
      minimal: {},
      attributes: [
        id,
        region,
        { path: "arn", type: "string", flags: "computed" },
        { path: "name", type: "string", flags: "optional+computed" },
        { path: "name_prefix", type: "string", flags: "optional+computed" },
        tags,
        tagsAll,
      ],
      blocks: [],
    },
    aws_sqs_queue: {
      source: "internal/service/sqs/queue.go",
      version: 0,
      minimal: {},
      attributes: [
        id,
        region,
        { path: "arn", type: "string", flags: "computed" },
        { path: "content_based_deduplication", type: "bool", flags: "optional", default: false },
        { path: "deduplication_scope", type: "string", flags: "optional+computed", accepts: ["messageGroup", "queue"], rejects: ["group"] },
        { path: "fifo_queue", type: "bool", flags: "optional", default: false },
        { path: "fifo_throughput_limit", type: "string", flags: "optional+computed", accepts: ["perQueue", "perMessageGroupId"], rejects: ["perGroup"] },
        { path: "kms_master_key_id", type: "string", flags: "optional" },
        { path: "message_retention_seconds", type: "number", flags: "optional", default: 345600, accepts: [60, 1_209_600], rejects: [59, 1_209_601] },
        { path: "name", type: "string", flags: "optional+computed" },
        { path: "receive_wait_time_seconds", type: "number", flags: "optional", default: 0 },
        { path: "redrive_policy", type: "string", flags: "optional+computed", rejects: ["not json"] },
        { path: "sqs_managed_sse_enabled", type: "bool", flags: "optional+computed" },
        tags,
        tagsAll,
        { path: "url", type: "string", flags: "computed" },
        { path: "visibility_timeout_seconds", type: "number", flags: "optional", default: 30, accepts: [0, 43200], rejects: [43201] },
      ],
      blocks: [],
    },
  },
  dataSources: {
    aws_caller_identity: {
      source: "internal/service/sts/caller_identity_data_source.go",
      version: 0,
      attributes: [
        id,
        { path: "account_id", type: "string", flags: "computed" },
        { path: "arn", type: "string", flags: "computed" },
        { path: "user_id", type: "string", flags: "computed" },
      ],
      blocks: [],
    },
  },
};

export const TABLES = [GENESYSCLOUD, AWS] as const;
