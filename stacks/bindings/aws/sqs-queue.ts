// Hand-written binding of `aws_sqs_queue` (hashicorp/aws 6.x).
import type { Construct } from "constructs";
import { SchemaResource, type ResourceMetaArguments, type Schema } from "../base.js";

export interface SqsQueueConfig extends ResourceMetaArguments {
  readonly name?: string;
  readonly fifoQueue?: boolean;
  readonly contentBasedDeduplication?: boolean;
  /** `messageGroup` or `queue`. */
  readonly deduplicationScope?: string;
  /** `perQueue` or `perMessageGroupId`. */
  readonly fifoThroughputLimit?: string;
  readonly visibilityTimeoutSeconds?: number;
  readonly messageRetentionSeconds?: number;
  readonly receiveWaitTimeSeconds?: number;
  /** JSON `{"deadLetterTargetArn","maxReceiveCount"}`. */
  readonly redrivePolicy?: string;
  readonly sqsManagedSseEnabled?: boolean;
  readonly kmsMasterKeyId?: string;
  readonly tags?: { [key: string]: string };
  readonly region?: string;
}

const schema: Schema = {
  content_based_deduplication: { kind: "boolean" },
  deduplication_scope: { kind: "string" },
  fifo_queue: { kind: "boolean" },
  fifo_throughput_limit: { kind: "string" },
  kms_master_key_id: { kind: "string" },
  message_retention_seconds: { kind: "number" },
  name: { kind: "string" },
  receive_wait_time_seconds: { kind: "number" },
  redrive_policy: { kind: "string" },
  region: { kind: "string" },
  sqs_managed_sse_enabled: { kind: "boolean" },
  tags: { kind: "stringMap" },
  visibility_timeout_seconds: { kind: "number" },
};

/** `aws_sqs_queue`. */
export class SqsQueue extends SchemaResource<SqsQueueConfig> {
  public static readonly tfResourceType = "aws_sqs_queue";

  constructor(scope: Construct, id: string, config: SqsQueueConfig = {}) {
    super(scope, id, { terraformResourceType: SqsQueue.tfResourceType, providerName: "aws", schema, config });
  }

  public get arn(): string {
    return this.getStringAttribute("arn");
  }

  /** The queue URL. */
  public get url(): string {
    return this.getStringAttribute("url");
  }
}
