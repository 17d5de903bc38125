import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { FaultInjector } from "../common/faults.js";
import { BodyTooLargeError, readBody, sendJson, sleep, startHttpServer } from "../common/http.js";
import { randomSigV4Credentials, verifySigV4 } from "../common/sigv4.js";
import { handleControlRequest } from "./control-api.js";
import { errorForStatus, internalServiceError, SecretsManagerError, serialization, unknownOperation, unsupportedMediaType } from "./errors.js";
import { FaultPlan } from "./fault-plan.js";
import { FaultSettingsError } from "./fault-plan.js";
import { InputReader } from "./input-reader.js";
import { operations, type OperationContext } from "./operations.js";
import { PermissionPlan } from "./permissions.js";
import { RotationRunner } from "./rotation-runner.js";
import { SecretStore } from "./secret-store.js";
import type { SecretsManagerControl, SecretsManagerEmulator, SecretsManagerEmulatorOptions, SecretsManagerSettings, SecretsManagerState } from "./types.js";

const DEFAULT_SETTINGS: SecretsManagerSettings = { createSecretRetry: "idempotent" };

const CONTENT_TYPE = "application/x-amz-json-1.1";
const TARGET_PREFIX = "secretsmanager.";
/** SecretString is at most 64 KiB; leave room for base64 and the other members. */
const BODY_LIMIT = 256 * 1024;

/**
 * Starts an AWS Secrets Manager emulator on loopback speaking AWS JSON 1.1 (`POST /`, `X-Amz-Target:
 * secretsmanager.<Op>`), good enough for `@aws-sdk/client-secrets-manager` pointed at `url`.
 *
 * Request checks, in order: `POST /` (else 404 UnknownOperationException); a `secretsmanager.` target naming an
 * implemented operation (else 400 UnknownOperationException); content type `application/x-amz-json-1.1` (else 415
 * UnsupportedMediaTypeException); a valid SigV4 signature made with `credentials` (`../common/sigv4.ts`: 400
 * MissingAuthenticationTokenException when unsigned, IncompleteSignatureException for a malformed Authorization
 * header, UnrecognizedClientException for another access key id, InvalidSignatureException for a wrong secret
 * key, a changed body or header, another region or a stale date, as AWS JSON 1.1 services answer); then faults;
 * then a JSON object body (else 400 SerializationException); then the caller's permissions (`PermissionPlan`: an
 * explicit deny, a KMS key it may not use); then the operation. A `dropAnswer` fault lets the operation run and
 * destroys the connection instead of answering. `RotateSecret` runs the secret's rotation function (registered per
 * Lambda ARN) after answering (`RotationRunner`).
 */
export async function startSecretsManagerEmulator(options: SecretsManagerEmulatorOptions = {}): Promise<SecretsManagerEmulator> {
  const region = options.region ?? "us-east-1";
  const accountId = options.accountId ?? "000000000000";
  const credentials = options.credentials ?? randomSigV4Credentials();
  const clock = options.clock ?? Date.now;
  let settings: SecretsManagerSettings = { ...DEFAULT_SETTINGS };
  const store = new SecretStore({ region, accountId, clock, settings: () => settings });
  const plan = new FaultPlan();
  const permissions = new PermissionPlan();
  const rotations = new RotationRunner(store, clock);
  for (const [arn, fn] of Object.entries(options.rotationFunctions ?? {})) rotations.register(arn, fn);
  const context: OperationContext = {
    requireRotationFunction: (arn) => rotations.require(arn),
    startRotation: (run) => rotations.start(run),
  };
  const injector = new FaultInjector();
  const requests = new Map<string, number>();

  const control: SecretsManagerControl = {
    faults: injector,
    setFaults: (f) => plan.set(f),
    clearFaults: () => {
      plan.clear();
      injector.clear();
    },
    setPermissions: (p) => permissions.set(p),
    clearPermissions: () => permissions.clear(),
    setSettings: (changes) => {
      settings = parseSettings({ ...settings, ...changes });
    },
    setRotationFunction: (arn, fn) => rotations.register(arn, fn),
    rotationsIdle: () => rotations.idle(),
    state: (): SecretsManagerState => ({
      region,
      accountId,
      secrets: store.snapshot(),
      requests: Object.fromEntries(requests),
      faults: {
        settings: plan.current(),
        rules: injector.list(),
        injected: { ...injector.counters, ...plan.counters, ...permissions.counters, latency: plan.counters.latency + injector.counters.latency },
      },
      permissions: permissions.current(),
      settings: { ...settings },
      rotations: rotations.list(),
    }),
    peek: (secretId, stage) => store.peek(secretId, stage),
    reset: () => {
      store.clear();
      plan.clear();
      plan.resetCounters();
      injector.clear();
      for (const key of Object.keys(injector.counters) as Array<keyof typeof injector.counters>) injector.counters[key] = 0;
      permissions.clear();
      permissions.counters.denied = 0;
      permissions.counters.kmsDenied = 0;
      settings = { ...DEFAULT_SETTINGS };
      rotations.clear();
      requests.clear();
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers = { "content-type": CONTENT_TYPE, "x-amzn-requestid": randomUUID() };
    const fail = (err: SecretsManagerError) => sendJson(res, err.status, err.toBody(), headers);
    try {
      const path = (req.url ?? "/").split("?")[0];
      if (req.method !== "POST" || path !== "/") {
        return fail(new SecretsManagerError("UnknownOperationException", `The emulator only answers POST /, not ${req.method} ${path}.`, 404));
      }
      const target = headerValue(req, "x-amz-target");
      if (!target?.startsWith(TARGET_PREFIX)) return fail(unknownOperation(target ?? ""));
      const name = target.slice(TARGET_PREFIX.length);
      requests.set(name, (requests.get(name) ?? 0) + 1);
      const operation = Object.hasOwn(operations, name) ? operations[name] : undefined;
      if (!operation) return fail(unknownOperation(name));
      const contentType = headerValue(req, "content-type");
      if (contentType?.split(";")[0]?.trim().toLowerCase() !== CONTENT_TYPE) return fail(unsupportedMediaType(contentType));
      const text = await readBody(req, BODY_LIMIT);
      const signature = verifySigV4(
        { method: req.method ?? "POST", url: req.url ?? "/", headers: req.headers, body: text },
        { credentials: [credentials], service: "secretsmanager", region },
      );
      if (!signature.ok) return fail(new SecretsManagerError(signature.type, signature.message, signature.status));

      const decision = plan.next(name);
      if (decision.latencyMs) await sleep(decision.latencyMs);
      if (decision.error) return fail(decision.error);
      const outcome = await injector.apply(name, req, res);
      if (outcome.kind === "handled") return;
      if (outcome.kind === "error") return fail(errorForStatus(outcome.status, outcome.type, outcome.message));

      let body: unknown;
      try {
        body = text.trim() ? JSON.parse(text) : {};
      } catch {
        return fail(serialization("The request body is not valid JSON."));
      }
      const input = new InputReader(body);
      const fields = (body ?? {}) as Record<string, unknown>;
      const secretId = typeof fields.SecretId === "string" ? fields.SecretId : typeof fields.Name === "string" ? fields.Name : undefined;
      permissions.check(name, secretId === undefined ? undefined : store.lookup(secretId), {
        secretId,
        ...(typeof fields.KmsKeyId === "string" ? { kmsKeyId: fields.KmsKeyId } : {}),
        hasValue: fields.SecretString !== undefined || fields.SecretBinary !== undefined,
      });
      const output = operation(store, input, context);
      if (decision.dropAnswer) {
        // The change is made; the answer never arrives.
        req.socket.destroy();
        return;
      }
      sendJson(res, 200, output, headers);
    } catch (err) {
      if (err instanceof SecretsManagerError) return fail(err);
      if (err instanceof BodyTooLargeError) return fail(new SecretsManagerError("RequestEntityTooLargeException", err.message, 413));
      return fail(internalServiceError());
    }
  }

  const server = await startHttpServer(handle, { port: options.port ?? 0, host: options.host ?? "127.0.0.1" });
  return {
    url: server.url,
    port: server.port,
    region,
    credentials: { ...credentials },
    control,
    handleControl: (method, path, body) => handleControlRequest(control, method, path, body),
    close: () => server.close(),
  };
}

function parseSettings(value: unknown): SecretsManagerSettings {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new FaultSettingsError("settings must be an object");
  const v = value as Record<string, unknown>;
  const unknown = Object.keys(v).filter((k) => !(k in DEFAULT_SETTINGS));
  if (unknown.length) throw new FaultSettingsError(`unknown setting(s): ${unknown.join(", ")}`);
  if (v.createSecretRetry !== "idempotent" && v.createSecretRetry !== "resource-exists")
    throw new FaultSettingsError('createSecretRetry must be "idempotent" or "resource-exists"');
  return { createSecretRetry: v.createSecretRetry };
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
