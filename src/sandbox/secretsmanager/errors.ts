/**
 * An error the emulator answers with, rendered as the AWS JSON 1.1 body `{"__type": type, "message": message}`.
 *
 * How `@aws-sdk/client-secrets-manager` 3.x sees each type (models/errors.js, @smithy service-error-classification):
 * - modelled, `$fault: "client"`, not retried: ResourceNotFoundException, ResourceExistsException,
 *   InvalidRequestException, InvalidParameterException, InvalidNextTokenException (all 400);
 * - modelled, `$fault: "server"`, retried (status 500 is transient): InternalServiceError (500);
 * - unmodelled, so a `SecretsManagerServiceException` whose `name` is the type and whose `$fault` follows the status:
 *   ServiceUnavailable (503, server, retried as transient), ThrottlingException (400, client, retried as throttling),
 *   UnknownOperationException, SerializationException, MissingAuthenticationTokenException, and the SigV4
 *   refusals IncompleteSignatureException, InvalidSignatureException, UnrecognizedClientException
 *   (`../common/sigv4.ts`; all 400, client, not retried).
 */
export class SecretsManagerError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = "SecretsManagerError";
  }

  toBody(): { __type: string; message: string } {
    return { __type: this.type, message: this.message };
  }
}

export const SECRET_NOT_FOUND = "Secrets Manager can't find the specified secret.";

export const resourceNotFound = (message = SECRET_NOT_FOUND) => new SecretsManagerError("ResourceNotFoundException", message);
export const resourceExists = (message: string) => new SecretsManagerError("ResourceExistsException", message);
export const invalidParameter = (message: string) => new SecretsManagerError("InvalidParameterException", message);
export const invalidRequest = (message: string) => new SecretsManagerError("InvalidRequestException", message);
export const invalidNextToken = () => new SecretsManagerError("InvalidNextTokenException", "The NextToken value is invalid.");
export const markedForDeletion = () => invalidRequest("You can't perform this operation on the secret because it was marked for deletion.");
export const unknownOperation = (operation: string) =>
  new SecretsManagerError("UnknownOperationException", `Operation ${JSON.stringify(operation)} is not supported by the Secrets Manager emulator.`);
export const serialization = (message: string) => new SecretsManagerError("SerializationException", message);
export const missingAuthentication = () => new SecretsManagerError("MissingAuthenticationTokenException", "Request is missing Authentication Token");
export const unsupportedMediaType = (contentType: string | undefined) =>
  new SecretsManagerError("UnsupportedMediaTypeException", `Content-Type must be application/x-amz-json-1.1, got ${JSON.stringify(contentType ?? "")}.`, 415);
export const internalServiceError = (status = 500) => new SecretsManagerError("InternalServiceError", "An error occurred on the server side.", status);
export const serviceUnavailable = () => new SecretsManagerError("ServiceUnavailable", "Service is unavailable. Try again later.", 503);
export const throttling = (status = 400) => new SecretsManagerError("ThrottlingException", "Rate exceeded", status);

/** The error body for a FaultInjector `errorStatus` (and `errorType` / `errorMessage`, when the rule names them). */
export function errorForStatus(status: number, type?: string, message?: string): SecretsManagerError {
  if (type) return new SecretsManagerError(type, message ?? `Injected ${type}.`, status);
  if (status === 503) return serviceUnavailable();
  if (status === 429) return throttling(429);
  if (status >= 500) return internalServiceError(status);
  if (status === 403) return new SecretsManagerError("AccessDeniedException", "Injected access denial.", 403);
  return new SecretsManagerError("InvalidRequestException", "Injected client error.", status);
}
