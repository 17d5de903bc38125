import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { IamRole } from "../bindings/aws/iam-role.js";
import { IamRolePolicy } from "../bindings/aws/iam-role-policy.js";
import { policyDocument, type IamPolicyStatement } from "../bindings/aws/iam-policy.js";
import { SchedulerScheduleGroup } from "../bindings/aws/scheduler-schedule-group.js";
import { SchedulerSchedule, type SchedulerScheduleTargetRetryPolicy } from "../bindings/aws/scheduler-schedule.js";
import type { ManagedClient } from "./rotated-oauth-client.js";

/** Default schedule: once a day. */
export const DEFAULT_ROTATION_SCHEDULE = "rate(1 day)";

/**
 * The rotation manifest that `keyward rotate --manifest` and the rotation Lambda accept, in its object form:
 * `{"clients":[{"clientId":"…","secretId":"…"}]}`. `secretId` is the secret's ARN (or name). Terraform references
 * in `targets` stay `${…}` interpolations inside the JSON string and are filled in at apply time.
 */
export function rotationManifest(targets: readonly ManagedClient[]): string {
  return JSON.stringify({
    clients: targets.map((t) => ({ clientId: t.clientId, secretId: t.secretArn })),
  });
}

export interface RotationScheduleOptions {
  /** Names the schedule and its role. */
  readonly name: string;
  /** ARN of the Lambda function to invoke (unqualified). */
  readonly functionArn: string;
  /** Payload given to the function: normally {@link rotationManifest}. */
  readonly input: string;
  /** Default {@link DEFAULT_ROTATION_SCHEDULE}. */
  readonly scheduleExpression?: string;
  /** Default UTC. */
  readonly scheduleExpressionTimezone?: string;
  /** Default: 2 retries within one hour (a failed rotation must not hammer the Genesys API). */
  readonly retryPolicy?: SchedulerScheduleTargetRetryPolicy;
  readonly description?: string;
  readonly enabled?: boolean;
  /**
   * Confused-deputy guard on the role's trust policy: only on behalf of this account (`aws:SourceAccount`, e.g.
   * an `aws_caller_identity`'s account id) and of the construct's own schedule group (`aws:SourceArn`, the
   * group's ARN: Scheduler sets the schedule group's ARN as the source) may Scheduler assume the role.
   */
  readonly sourceAccount: string;
  readonly tags?: { [key: string]: string };
  readonly provider?: TerraformProvider;
}

/**
 * An EventBridge Scheduler schedule that invokes one Lambda function, and the role it assumes: trusted by
 * `scheduler.amazonaws.com` only, for this account and the schedule's own group (`<name>`) only, allowed `lambda:InvokeFunction` on that function's ARN only.
 */
export class RotationSchedule extends Construct {
  public readonly schedule: SchedulerSchedule;
  public readonly group: SchedulerScheduleGroup;
  public readonly role: IamRole;
  public readonly policy: IamRolePolicy;
  public readonly policyStatements: readonly IamPolicyStatement[];
  public readonly scheduleArn: string;

  constructor(scope: Construct, id: string, options: RotationScheduleOptions) {
    super(scope, id);
    const provider = options.provider;

    this.group = new SchedulerScheduleGroup(this, "group", { name: options.name, tags: options.tags, provider });
    this.role = new IamRole(this, "role", {
      name: `${options.name}-scheduler`,
      description: "keyward: lets EventBridge Scheduler invoke the rotation function, nothing else",
      assumeRolePolicy: policyDocument([
        {
          sid: "SchedulerAssumeRole",
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["scheduler.amazonaws.com"] }],
          conditions: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: [options.sourceAccount] },
            { test: "ArnEquals", variable: "aws:SourceArn", values: [this.group.arn] },
          ],
        },
      ]),
      tags: options.tags,
      provider,
    });

    this.policyStatements = [{ sid: "InvokeRotationFunction", actions: ["lambda:InvokeFunction"], resources: [options.functionArn] }];
    this.policy = new IamRolePolicy(this, "policy", {
      name: "keyward-invoke-rotation",
      role: this.role.name,
      policy: policyDocument(this.policyStatements),
      provider,
    });

    this.schedule = new SchedulerSchedule(this, "schedule", {
      name: options.name,
      description: options.description ?? "keyward: scheduled rotation of Genesys Cloud OAuth client secrets",
      groupName: this.group.name,
      scheduleExpression: options.scheduleExpression ?? DEFAULT_ROTATION_SCHEDULE,
      scheduleExpressionTimezone: options.scheduleExpressionTimezone,
      state: options.enabled === false ? "DISABLED" : "ENABLED",
      flexibleTimeWindow: { mode: "OFF" },
      target: {
        arn: options.functionArn,
        roleArn: this.role.arn,
        input: options.input,
        retryPolicy: options.retryPolicy ?? { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
      },
      provider,
    });
    this.scheduleArn = this.schedule.arn;
  }
}
