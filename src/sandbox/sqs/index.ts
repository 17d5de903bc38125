export { startSqsEmulator } from "./emulator.js";
export type { SqsEmulator, SqsEmulatorOptions } from "./emulator.js";
export { DEDUPE_WINDOW_MS } from "./queue-store.js";
export type { QueueOptions, QueueState } from "./queue-store.js";
export { SqsError } from "./errors.js";
