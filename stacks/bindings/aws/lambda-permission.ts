// Hand-written binding of `aws_lambda_permission` (hashicorp/aws 6.x).
import type { Construct } from "constructs";
import { SchemaResource, type ResourceMetaArguments, type Schema } from "../base.js";

export interface LambdaPermissionConfig extends ResourceMetaArguments {
  readonly action: string;
  readonly functionName: string;
  readonly principal: string;
  readonly statementId?: string;
  readonly sourceArn?: string;
  readonly sourceAccount?: string;
  /** `AWS_IAM` or `NONE`; only with `lambda:InvokeFunctionUrl`. */
  readonly functionUrlAuthType?: string;
  /** Limits a `lambda:InvokeFunction` grant to calls that come through the function URL. */
  readonly invokedViaFunctionUrl?: boolean;
  readonly qualifier?: string;
  readonly region?: string;
}

const schema: Schema = {
  action: { kind: "string" },
  function_name: { kind: "string" },
  function_url_auth_type: { kind: "string" },
  invoked_via_function_url: { kind: "boolean" },
  principal: { kind: "string" },
  qualifier: { kind: "string" },
  region: { kind: "string" },
  source_account: { kind: "string" },
  source_arn: { kind: "string" },
  statement_id: { kind: "string" },
};

/** `aws_lambda_permission`. */
export class LambdaPermission extends SchemaResource<LambdaPermissionConfig> {
  public static readonly tfResourceType = "aws_lambda_permission";

  constructor(scope: Construct, id: string, config: LambdaPermissionConfig) {
    super(scope, id, { terraformResourceType: LambdaPermission.tfResourceType, providerName: "aws", schema, config });
  }
}
