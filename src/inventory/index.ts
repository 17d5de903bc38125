/** `keyward status`'s inventory: list, look up, inspect and judge the managed secrets. */
export { ageInDays, formatDays, judgeSecret, lastRotation, statusExitCode } from "./decide.js";
export type { ClientState, DocumentStatus, Judgement, RotationDateSource, RotationDates, SecretFacts, SecretVerdict } from "./decide.js";
export { inspectSecret, listManagedSecrets, lookUpClients, takeInventory } from "./collect.js";
export type { ClientInfo, InventoryDeps, InventoryEntry, InventoryOptions } from "./collect.js";
export { formatStatus, statusReport } from "./report.js";
export type { StatusReport, StatusReportSecret } from "./report.js";
