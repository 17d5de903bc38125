// Hand-written binding of `aws_lambda_function` (hashicorp/aws 6.x, `website/docs/r/lambda_function.html.markdown`):
// the zip-package subset keyward uses (no container image / EFS / SnapStart arguments).
import type { Construct } from "constructs";
import { SchemaResource, type ResourceMetaArguments, type Schema } from "../base.js";

export interface LambdaFunctionEnvironment {
  /** Plain configuration only: names and ARNs, never secret values (they are visible to anyone who can read the function). */
  readonly variables?: { [key: string]: string };
}

export interface LambdaFunctionDeadLetterConfig {
  readonly targetArn: string;
}

export interface LambdaFunctionEphemeralStorage {
  readonly size: number;
}

export interface LambdaFunctionLoggingConfig {
  /** `Text` or `JSON`. */
  readonly logFormat: string;
  readonly logGroup?: string;
  readonly applicationLogLevel?: string;
  readonly systemLogLevel?: string;
}

export interface LambdaFunctionTracingConfig {
  /** `PassThrough` or `Active`. */
  readonly mode: string;
}

export interface LambdaFunctionVpcConfig {
  readonly securityGroupIds: string[];
  readonly subnetIds: string[];
}

export interface LambdaFunctionConfig extends ResourceMetaArguments {
  readonly functionName: string;
  /** ARN of the execution role. */
  readonly role: string;
  readonly handler?: string;
  /** e.g. `nodejs22.x`. */
  readonly runtime?: string;
  /** `x86_64` (default) or `arm64`. */
  readonly architectures?: string[];
  /** Local path of the zip package, relative to the stack's working directory. */
  readonly filename?: string;
  readonly s3Bucket?: string;
  readonly s3Key?: string;
  readonly s3ObjectVersion?: string;
  /** Base64 SHA-256 of the package file, normally `filebase64sha256(filename)`; triggers updates. */
  readonly sourceCodeHash?: string;
  readonly description?: string;
  readonly memorySize?: number;
  /** Seconds; provider default 3. */
  readonly timeout?: number;
  readonly reservedConcurrentExecutions?: number;
  readonly publish?: boolean;
  readonly layers?: string[];
  readonly kmsKeyArn?: string;
  readonly skipDestroy?: boolean;
  readonly environment?: LambdaFunctionEnvironment;
  readonly deadLetterConfig?: LambdaFunctionDeadLetterConfig;
  readonly ephemeralStorage?: LambdaFunctionEphemeralStorage;
  readonly loggingConfig?: LambdaFunctionLoggingConfig;
  readonly tracingConfig?: LambdaFunctionTracingConfig;
  readonly vpcConfig?: LambdaFunctionVpcConfig;
  readonly tags?: { [key: string]: string };
  readonly region?: string;
}

const single = (storageClassType: string, attributes: Schema) => ({ kind: "block", collection: "list", maxOne: true, storageClassType, attributes }) as const;

const schema: Schema = {
  architectures: { kind: "stringList" },
  dead_letter_config: single("LambdaFunctionDeadLetterConfigList", { target_arn: { kind: "string" } }),
  description: { kind: "string" },
  environment: single("LambdaFunctionEnvironmentList", { variables: { kind: "stringMap" } }),
  ephemeral_storage: single("LambdaFunctionEphemeralStorageList", { size: { kind: "number" } }),
  filename: { kind: "string" },
  function_name: { kind: "string" },
  handler: { kind: "string" },
  kms_key_arn: { kind: "string" },
  layers: { kind: "stringList" },
  logging_config: single("LambdaFunctionLoggingConfigList", {
    application_log_level: { kind: "string" },
    log_format: { kind: "string" },
    log_group: { kind: "string" },
    system_log_level: { kind: "string" },
  }),
  memory_size: { kind: "number" },
  publish: { kind: "boolean" },
  region: { kind: "string" },
  reserved_concurrent_executions: { kind: "number" },
  role: { kind: "string" },
  runtime: { kind: "string" },
  s3_bucket: { kind: "string" },
  s3_key: { kind: "string" },
  s3_object_version: { kind: "string" },
  skip_destroy: { kind: "boolean" },
  source_code_hash: { kind: "string" },
  tags: { kind: "stringMap" },
  timeout: { kind: "number" },
  tracing_config: single("LambdaFunctionTracingConfigList", { mode: { kind: "string" } }),
  vpc_config: single("LambdaFunctionVpcConfigList", {
    security_group_ids: { kind: "stringSet" },
    subnet_ids: { kind: "stringSet" },
  }),
};

/** `aws_lambda_function`. */
export class LambdaFunction extends SchemaResource<LambdaFunctionConfig> {
  public static readonly tfResourceType = "aws_lambda_function";

  constructor(scope: Construct, id: string, config: LambdaFunctionConfig) {
    super(scope, id, {
      terraformResourceType: LambdaFunction.tfResourceType,
      providerName: "aws",
      schema,
      config,
    });
  }

  /** Unqualified function ARN (what EventBridge Scheduler targets and IAM grants name). */
  public get arn(): string {
    return this.getStringAttribute("arn");
  }

  public get id(): string {
    return this.getStringAttribute("id");
  }

  public get functionName(): string {
    return this.getStringAttribute("function_name");
  }

  public get invokeArn(): string {
    return this.getStringAttribute("invoke_arn");
  }

  public get qualifiedArn(): string {
    return this.getStringAttribute("qualified_arn");
  }

  public get version(): string {
    return this.getStringAttribute("version");
  }

  public get lastModified(): string {
    return this.getStringAttribute("last_modified");
  }

  public get codeSha256(): string {
    return this.getStringAttribute("code_sha256");
  }

  public get sourceCodeSize(): number {
    return this.getNumberAttribute("source_code_size");
  }

  public get functionNameInput(): string {
    return this.config.functionName;
  }

  public get environmentInput(): LambdaFunctionEnvironment | undefined {
    return this.config.environment;
  }
}
