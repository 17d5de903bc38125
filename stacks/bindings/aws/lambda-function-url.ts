// Hand-written binding of `aws_lambda_function_url` (hashicorp/aws 6.x).
import type { Construct } from "constructs";
import { SchemaResource, type ResourceMetaArguments, type Schema } from "../base.js";

export interface LambdaFunctionUrlConfig extends ResourceMetaArguments {
  readonly functionName: string;
  /** `AWS_IAM` or `NONE`. */
  readonly authorizationType: string;
  /** `BUFFERED` (default) or `RESPONSE_STREAM`. */
  readonly invokeMode?: string;
  readonly qualifier?: string;
  readonly region?: string;
}

const schema: Schema = {
  authorization_type: { kind: "string" },
  function_name: { kind: "string" },
  invoke_mode: { kind: "string" },
  qualifier: { kind: "string" },
  region: { kind: "string" },
};

/** `aws_lambda_function_url`. */
export class LambdaFunctionUrl extends SchemaResource<LambdaFunctionUrlConfig> {
  public static readonly tfResourceType = "aws_lambda_function_url";

  constructor(scope: Construct, id: string, config: LambdaFunctionUrlConfig) {
    super(scope, id, { terraformResourceType: LambdaFunctionUrl.tfResourceType, providerName: "aws", schema, config });
  }

  /** `https://<url-id>.lambda-url.<region>.on.aws/` (with the trailing slash). */
  public get functionUrl(): string {
    return this.getStringAttribute("function_url");
  }
}
