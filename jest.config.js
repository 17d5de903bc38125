/** Jest runs the TypeScript sources as native ESM (ts-jest, transpile only; `npm run typecheck` checks types). */
export default {
  testEnvironment: "node",
  extensionsToTreatAsEsm: [".ts"],
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  transform: {
    "^.+\\.ts$": ["ts-jest", { useESM: true, diagnostics: false }],
  },
  testMatch: ["<rootDir>/test/**/*.test.ts"],
  // The reliability suite, the examples tier and the third-party tools tier have their own commands
  // (npm run test:reliability, test:examples, test:tools; jest.reliability/examples/tools.config.js).
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/reliability/", "<rootDir>/test/examples-tier/", "<rootDir>/test/tools/"],
  globalSetup: "<rootDir>/test/global-setup.mjs",
  reporters: ["default", "<rootDir>/test/summary-reporter.mjs"],
  testTimeout: 30000,
  maxWorkers: 2,
};
