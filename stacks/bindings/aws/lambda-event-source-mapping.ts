// Hand-written binding of `aws_lambda_event_source_mapping` (hashicorp/aws 6.x), the SQS subset.
import type { Construct } from "constructs";
import { SchemaResource, type ResourceMetaArguments, type Schema } from "../base.js";

export interface LambdaEventSourceMappingScalingConfig {
  /** 2..1000. */
  readonly maximumConcurrency?: number;
}

export interface LambdaEventSourceMappingConfig extends ResourceMetaArguments {
  readonly eventSourceArn: string;
  readonly functionName: string;
  readonly batchSize?: number;
  readonly enabled?: boolean;
  /** `["ReportBatchItemFailures"]`. */
  readonly functionResponseTypes?: string[];
  readonly scalingConfig?: LambdaEventSourceMappingScalingConfig;
  readonly region?: string;
}

const schema: Schema = {
  batch_size: { kind: "number" },
  enabled: { kind: "boolean" },
  event_source_arn: { kind: "string" },
  function_name: { kind: "string" },
  function_response_types: { kind: "stringSet" },
  region: { kind: "string" },
  scaling_config: {
    kind: "block",
    collection: "list",
    maxOne: true,
    storageClassType: "LambdaEventSourceMappingScalingConfigList",
    attributes: { maximum_concurrency: { kind: "number" } },
  },
};

/** `aws_lambda_event_source_mapping`. */
export class LambdaEventSourceMapping extends SchemaResource<LambdaEventSourceMappingConfig> {
  public static readonly tfResourceType = "aws_lambda_event_source_mapping";

  constructor(scope: Construct, id: string, config: LambdaEventSourceMappingConfig) {
    super(scope, id, { terraformResourceType: LambdaEventSourceMapping.tfResourceType, providerName: "aws", schema, config });
  }

  public get uuid(): string {
    return this.getStringAttribute("uuid");
  }
}
