// Hand-written binding of `aws_scheduler_schedule_group` (EventBridge Scheduler; hashicorp/aws 6.x). keyward puts
// its schedule in a group of its own, so the scheduler role's `aws:SourceArn` condition can name that group alone.
import type { Construct } from "constructs";
import { SchemaResource, type ResourceMetaArguments, type Schema } from "../base.js";

export interface SchedulerScheduleGroupConfig extends ResourceMetaArguments {
  readonly name?: string;
  readonly namePrefix?: string;
  readonly tags?: { [key: string]: string };
  readonly region?: string;
}

const schema: Schema = {
  name: { kind: "string" },
  name_prefix: { kind: "string" },
  region: { kind: "string" },
  tags: { kind: "stringMap" },
};

/** `aws_scheduler_schedule_group`. */
export class SchedulerScheduleGroup extends SchemaResource<SchedulerScheduleGroupConfig> {
  public static readonly tfResourceType = "aws_scheduler_schedule_group";

  constructor(scope: Construct, id: string, config: SchedulerScheduleGroupConfig = {}) {
    super(scope, id, { terraformResourceType: SchedulerScheduleGroup.tfResourceType, providerName: "aws", schema, config });
  }

  /** `arn:<partition>:scheduler:<region>:<account>:schedule-group/<name>`. */
  public get arn(): string {
    return this.getStringAttribute("arn");
  }

  public get name(): string {
    return this.getStringAttribute("name");
  }
}
