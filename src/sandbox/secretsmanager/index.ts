export { startSecretsManagerEmulator } from "./emulator.js";
export { FaultSettingsError } from "./fault-plan.js";
export { SecretsManagerError } from "./errors.js";
export { DEFAULT_KMS_KEY } from "./permissions.js";
export type {
  ControlResponse,
  RotationEvent,
  RotationFunction,
  RotationRules,
  RotationRunState,
  SecretsManagerPermissions,
  SecretsManagerSettings,
  SecretState,
  SecretVersionState,
  SecretsManagerControl,
  SecretsManagerEmulator,
  SecretsManagerEmulatorOptions,
  SecretsManagerFaults,
  SecretsManagerState,
  SecretsManagerTag,
} from "./types.js";
