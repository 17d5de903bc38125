import { randomUUID } from "node:crypto";
import { SecretsManagerClient, type SecretsManagerClientConfig } from "@aws-sdk/client-secrets-manager";
import { signSigV4 } from "../../../src/sandbox/common/sigv4.js";
import type { SecretsManagerEmulator } from "../../../src/sandbox/secretsmanager/index.js";

// The SDK warns once per process that node 20 support ends in 2027; it is noise in test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** What a test needs of an emulator to reach it: its URL, region and the keys it accepts. */
export type EmulatorEndpoint = Pick<SecretsManagerEmulator, "url" | "region" | "credentials">;

/** An SDK client aimed at the emulator with the emulator's own keys, one attempt unless `overrides` says otherwise. */
export function sdkClient(emulator: EmulatorEndpoint, overrides: SecretsManagerClientConfig = {}): SecretsManagerClient {
  return new SecretsManagerClient({ endpoint: emulator.url, region: emulator.region, credentials: emulator.credentials, maxAttempts: 1, ...overrides });
}

/** A fresh ClientRequestToken (a UUID: 36 characters, inside AWS's 32–64). */
export const token = () => randomUUID();

/** A unique secret name per test, so tests sharing one emulator don't collide. */
let counter = 0;
export const uniqueName = (prefix = "keyward/test") => `${prefix}-${++counter}-${randomUUID().slice(0, 8)}`;

/** A clock the test moves by hand. */
export class ManualClock {
  now = Date.parse("2030-01-15T12:00:00.000Z");
  readonly read = () => this.now;
  advanceDays(days: number): void {
    this.now += days * 86_400_000;
  }
}

/** Awaits a rejection and returns the error, failing the test when the promise resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & { $fault?: string; $metadata: { httpStatusCode?: number; attempts?: number } }> {
  try {
    await promise;
  } catch (err) {
    return err as Error & { $fault?: string; $metadata: { httpStatusCode?: number; attempts?: number } };
  }
  throw new Error("expected the call to fail, but it succeeded");
}

/**
 * A raw AWS JSON 1.1 call, for what the SDK can't be made to send, SigV4-signed with the emulator's keys.
 * `headers` are applied after signing (so they may replace the signature, e.g. `authorization: ""`).
 */
export async function rawCall(
  emulator: EmulatorEndpoint,
  target: string | undefined,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: { __type?: string; message?: string } & Record<string, unknown> }> {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const signed = signSigV4(
    {
      method: "POST",
      url: "/",
      headers: { host: new URL(emulator.url).host, "content-type": "application/x-amz-json-1.1", ...(target ? { "x-amz-target": target } : {}) },
      body: text,
    },
    { credentials: emulator.credentials, service: "secretsmanager", region: emulator.region },
  );
  delete signed.host;
  const res = await fetch(emulator.url, { method: "POST", headers: { ...signed, ...headers }, body: text });
  const answer = await res.text();
  return { status: res.status, body: answer ? JSON.parse(answer) : {} };
}
