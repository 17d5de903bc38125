// Types of scripts/terraform-standins.mjs (plain ESM, run by `npm run terraform:rc` and imported by the tests and the demo).
export declare const MODULE_DIR: string;
export declare const CACHE_ROOT: string;
export declare const STANDINS: ReadonlyArray<{ namespace: string; type: string; version: string; pkg: string }>;
export declare function sourceKey(): string;
export type StandinsResult = { rc: string; mirror: string; built: boolean; seconds: number; reason?: undefined } | { reason: string; rc?: undefined };
export declare function ensureStandins(log?: (line: string) => void): StandinsResult;
export type TerraformBinary = { path: string; name: "terraform" | "opentofu"; version: string; built: boolean; reason?: undefined } | { reason: string; path?: undefined };
export declare function findTerraform(log?: (line: string) => void): TerraformBinary;
