// Hand-written binding of `aws_lambda_function_event_invoke_config` (hashicorp/aws 6.x): what Lambda does with a
// failed asynchronous invocation (EventBridge Scheduler invokes asynchronously). Without it Lambda retries twice.
import type { Construct } from "constructs";
import { SchemaResource, type ResourceMetaArguments, type Schema } from "../base.js";

export interface LambdaFunctionEventInvokeConfigDestination {
  readonly destination: string;
}

export interface LambdaFunctionEventInvokeConfigDestinationConfig {
  readonly onFailure?: LambdaFunctionEventInvokeConfigDestination;
  readonly onSuccess?: LambdaFunctionEventInvokeConfigDestination;
}

export interface LambdaFunctionEventInvokeConfigConfig extends ResourceMetaArguments {
  /** Name or ARN of the function. */
  readonly functionName: string;
  readonly qualifier?: string;
  /** 0-2; Lambda's default is 2. */
  readonly maximumRetryAttempts?: number;
  /** 60-21600 seconds. */
  readonly maximumEventAgeInSeconds?: number;
  readonly destinationConfig?: LambdaFunctionEventInvokeConfigDestinationConfig;
  readonly region?: string;
}

const destination = (storageClassType: string) => ({ kind: "block", collection: "list", maxOne: true, storageClassType, attributes: { destination: { kind: "string" } } }) as const;

const schema: Schema = {
  destination_config: {
    kind: "block",
    collection: "list",
    maxOne: true,
    storageClassType: "LambdaFunctionEventInvokeConfigDestinationConfigList",
    attributes: {
      on_failure: destination("LambdaFunctionEventInvokeConfigDestinationConfigOnFailureList"),
      on_success: destination("LambdaFunctionEventInvokeConfigDestinationConfigOnSuccessList"),
    },
  },
  function_name: { kind: "string" },
  maximum_event_age_in_seconds: { kind: "number" },
  maximum_retry_attempts: { kind: "number" },
  qualifier: { kind: "string" },
  region: { kind: "string" },
};

/** `aws_lambda_function_event_invoke_config`. */
export class LambdaFunctionEventInvokeConfig extends SchemaResource<LambdaFunctionEventInvokeConfigConfig> {
  public static readonly tfResourceType = "aws_lambda_function_event_invoke_config";

  constructor(scope: Construct, id: string, config: LambdaFunctionEventInvokeConfigConfig) {
    super(scope, id, {
      terraformResourceType: LambdaFunctionEventInvokeConfig.tfResourceType,
      providerName: "aws",
      schema,
      config,
    });
  }

  public get id(): string {
    return this.getStringAttribute("id");
  }
}
