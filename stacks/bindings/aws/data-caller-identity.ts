// Hand-written binding of the `aws_caller_identity` data source (hashicorp/aws 6.x): no arguments, only computed
// attributes. The scheduled-rotation stack names its own account in the scheduler role's `aws:SourceAccount`
// condition with it, without hard-coding the account.
import * as cdktf from "cdktf";
import type { Construct } from "constructs";

export interface DataAwsNoArgumentsConfig {
  readonly provider?: cdktf.TerraformProvider;
}

abstract class NoArgumentsDataSource extends cdktf.TerraformDataSource {
  protected constructor(scope: Construct, id: string, type: string, config: DataAwsNoArgumentsConfig) {
    super(scope, id, { terraformResourceType: type, terraformGeneratorMetadata: { providerName: "aws" }, provider: config.provider });
  }

  protected override synthesizeAttributes(): { [name: string]: any } {
    return {};
  }

  protected override synthesizeHclAttributes(): { [name: string]: any } {
    return {};
  }
}

/** `data "aws_caller_identity"`: the account, ARN and user id Terraform runs as. */
export class DataAwsCallerIdentity extends NoArgumentsDataSource {
  public static readonly tfResourceType = "aws_caller_identity";

  constructor(scope: Construct, id: string, config: DataAwsNoArgumentsConfig = {}) {
    super(scope, id, DataAwsCallerIdentity.tfResourceType, config);
  }

  public get accountId(): string {
    return this.getStringAttribute("account_id");
  }

  public get arn(): string {
    return this.getStringAttribute("arn");
  }
}
