/** An SQS error as AWS JSON 1.0 renders it: `{"__type": "com.amazonaws.sqs#<Name>", "message"}`, HTTP 400 unless noted. */
export class SqsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
    /** The legacy query error code SQS sends in `x-amzn-query-error` (`<code>;Sender`). */
    readonly queryCode?: string,
  ) {
    super(message);
  }
  toBody(): { __type: string; message: string } {
    return { __type: `com.amazonaws.sqs#${this.type}`, message: this.message };
  }
}

export const sqsErrors = {
  queueDoesNotExist: () => new SqsError("QueueDoesNotExist", "The specified queue does not exist.", 400, "AWS.SimpleQueueService.NonExistentQueue"),
  invalidParameter: (message: string) => new SqsError("InvalidParameterValue", message, 400, "InvalidParameterValue"),
  missingParameter: (name: string) => new SqsError("MissingParameter", `The request must contain the parameter ${name}.`, 400, "MissingParameter"),
  receiptHandleIsInvalid: () => new SqsError("ReceiptHandleIsInvalid", "The input receipt handle is invalid.", 400, "ReceiptHandleIsInvalid"),
  messageNotInflight: () => new SqsError("MessageNotInflight", "The message referred to isn't in flight.", 400, "AWS.SimpleQueueService.MessageNotInflight"),
  invalidAttributeName: (name: string) => new SqsError("InvalidAttributeName", `Unknown Attribute ${name}.`, 400, "InvalidAttributeName"),
  invalidMessageContents: (message: string) => new SqsError("InvalidMessageContents", message, 400, "InvalidMessageContents"),
  unknownOperation: (target: string) => new SqsError("UnknownOperationException", `Unknown operation ${target || "(none)"}.`, 400),
  unsupportedMediaType: () => new SqsError("UnsupportedMediaTypeException", "Content-Type must be application/x-amz-json-1.0.", 415),
  missingAuthentication: () => new SqsError("MissingAuthenticationTokenException", "Missing Authentication Token", 400),
  serialization: () => new SqsError("SerializationException", "The request body is not a JSON object.", 400),
};
