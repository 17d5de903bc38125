import type { Logger } from "../core/log.js";
import { ApiClient } from "./api-client.js";
import { OAuthClientsApi } from "./oauth-clients.js";
import { RateGate } from "./rate-gate.js";
import type { RetryPolicy } from "./retry.js";
import { requireCredentials, type GenesysSettings } from "./settings.js";
import { TokenClient } from "./token-client.js";
import { Transport, type FetchLike } from "./transport.js";

export interface GenesysClientOptions {
  retryPolicy?: RetryPolicy;
  /** Per attempt, in ms (15 s by default). */
  timeoutMs?: number;
  logger?: Logger;
  fetch?: FetchLike;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Epoch ms. */
  now?: () => number;
  /** Share one gate between every client of a fleet run that uses the same admin credentials. */
  gate?: RateGate;
  /** Epoch ms after which no request starts (the run's overall deadline). */
  deadline?: number;
}

export interface GenesysClient {
  settings: GenesysSettings;
  tokens: TokenClient;
  oauthClients: OAuthClientsApi;
  /** Authenticated Platform API calls with the admin token (roles, and whatever has no typed wrapper yet). */
  api: ApiClient;
  gate: RateGate;
}

/**
 * The Genesys Cloud client every feature uses: one transport (timeouts, retries, rate gate), one token cache for
 * the admin credentials, and the OAuth clients API on top. Throws a UsageError when no admin credentials are set.
 */
export function createGenesysClient(settings: GenesysSettings, options: GenesysClientOptions = {}): GenesysClient {
  const credentials = requireCredentials(settings);
  const sleep = options.sleep;
  const now = options.now;
  const gate = options.gate ?? new RateGate({ ...(now !== undefined ? { now } : {}), ...(sleep !== undefined ? { sleep } : {}) });
  const transport = new Transport({
    gate,
    ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
    ...(sleep !== undefined ? { sleep } : {}),
    ...(options.random !== undefined ? { random: options.random } : {}),
    ...(now !== undefined ? { now } : {}),
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
    ...(options.retryPolicy !== undefined ? { retryPolicy: options.retryPolicy } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.deadline !== undefined ? { deadline: options.deadline } : {}),
  });
  const tokens = new TokenClient({
    loginBaseUrl: settings.endpoints.loginBaseUrl,
    credentials,
    transport,
    ...(now !== undefined ? { now } : {}),
  });
  const api = new ApiClient(transport, tokens, settings.endpoints.apiBaseUrl);
  const oauthClients = new OAuthClientsApi(api);
  return { settings, tokens, oauthClients, api, gate };
}
