import type { ErrorBody } from "../../genesys/types.js";

type Detail = NonNullable<ErrorBody["details"]>[number];

/** A Platform API failure; the emulator renders it as an {@link ErrorBody} carrying the request's correlation id. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly messageParams: Record<string, string> = {},
    readonly details: Detail[] = [],
    /** Extra response headers, e.g. `Retry-After`. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }

  toBody(contextId: string): ErrorBody {
    return {
      message: this.message,
      code: this.code,
      status: this.status,
      messageParams: this.messageParams,
      contextId,
      details: this.details,
      errors: [],
    };
  }
}

export const BAD_REQUEST_MESSAGE = "The request could not be understood by the server due to malformed syntax.";
export const MAX_REQUEST_BYTES = 512_000;

export const apiErrors = {
  authenticationRequired: () => new ApiError(401, "authentication.required", "No authentication bearer token specified in authorization header."),
  badCredentials: () => new ApiError(401, "bad.credentials", "Invalid login credentials."),
  credentialsExpired: () => new ApiError(401, "credentials.expired", "The supplied credentials are expired and cannot be used."),
  missingAnyPermissions: (permissions: string[]) =>
    new ApiError(
      403,
      "missing.any.permissions",
      `Unable to perform the requested action. You must have at least one of the following permissions assigned: ${permissions.join(", ")}`,
      { permissions: permissions.join(", ") },
    ),
  notFound: () => new ApiError(404, "not.found", "The requested resource was not found."),
  badRequest: (message: string = BAD_REQUEST_MESSAGE, details: Detail[] = []) => new ApiError(400, "bad.request", message, {}, details),
  missingField: (field: string) =>
    new ApiError(400, "bad.request", `${BAD_REQUEST_MESSAGE} Field [${field}] is required.`, { field }, [{ errorCode: "required", fieldName: field }]),
  invalidValue: (value: unknown, field: string, allowed: string) => {
    const shown = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
    return new ApiError(400, "invalid.value", `Value [${shown}] is not valid for field type [${field}]. Allowable values are: ${allowed}`, { value: shown, field, allowed }, [
      { errorCode: "invalid.value", fieldName: field },
    ]);
  },
  roleAssignmentNotAllowed: (roleIds: string[], status: 400 | 403) =>
    new ApiError(
      status,
      status === 403 ? "role.assignment.not.allowed" : "bad.request",
      `Unable to assign role(s) [${roleIds.join(", ")}]: the caller can only grant roles it holds itself.`,
      { roleIds: roleIds.join(", ") },
      [{ errorCode: "role.assignment.not.allowed", fieldName: "roleDivisions.roleId" }],
    ),
  cannotDeleteClient: () => new ApiError(400, "cannot.delete.client", "Clients must be marked as inactive to be eligible for deletion."),
  tooLarge: () => new ApiError(413, "request.entity.too.large", `The request is over the size limit. Maximum bytes: ${MAX_REQUEST_BYTES}`, { maxBytes: String(MAX_REQUEST_BYTES) }),
  unsupportedMediaType: (contentType: string) =>
    new ApiError(
      415,
      "unsupported.media.type",
      `Unsupported Media Type - Unsupported or incorrect media type, such as an incorrect Content-Type value in the header: ${contentType}`,
    ),
  tooManyRequests: (retryAfterSeconds: number) =>
    new ApiError(429, "too.many.requests", `Rate limit exceeded the maximum. Retry the request in [${retryAfterSeconds}] seconds`, {}, [], {
      "Retry-After": String(retryAfterSeconds),
    }),
};

const INJECTED: Record<number, [code: string, message: string]> = {
  400: ["bad.request", BAD_REQUEST_MESSAGE],
  401: ["bad.credentials", "Invalid login credentials."],
  403: ["not.authorized", "You are not authorized to perform the requested action."],
  404: ["not.found", "The requested resource was not found."],
  408: ["request.timeout", "The request timed out."],
  409: ["conflict", "The request conflicts with the current state of the resource."],
  413: ["request.entity.too.large", `The request is over the size limit. Maximum bytes: ${MAX_REQUEST_BYTES}`],
  500: ["internal.server.error", "The server encountered an unexpected condition which prevented it from fulfilling the request."],
  502: ["bad.gateway", "The server received an invalid response from an upstream server."],
  503: ["service.unavailable", "Service Unavailable - The server is currently unavailable (because it is overloaded or down for maintenance)."],
  504: ["request.timeout", "The request timed out."],
};

/** The error an injected fault of `status` answers with on `/api/v2` routes (429 carries `Retry-After`, 1 s by default). */
export function injectedApiError(status: number, retryAfterSeconds = 1): ApiError {
  if (status === 429) return apiErrors.tooManyRequests(retryAfterSeconds);
  const [code, message] = INJECTED[status] ?? ["error", `Injected error ${status}.`];
  return new ApiError(status, code, message);
}
