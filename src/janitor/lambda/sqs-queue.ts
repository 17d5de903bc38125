import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { Enqueue } from "../receive.js";

/**
 * The SQS FIFO queue as the receiver's `enqueue`: `MessageDeduplicationId` = the delivery id (a redelivery within
 * 5 minutes is dropped by SQS), `MessageGroupId` = repository + alert number (one alert at a time, in order).
 * SQS does not say whether a send was a duplicate, so every send reports `queued`.
 */
export function sqsEnqueue(client: SQSClient, queueUrl: string): Enqueue {
  return async (item, groupId) => {
    await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(item), MessageGroupId: groupId, MessageDeduplicationId: item.deliveryId }));
    return "queued";
  };
}
