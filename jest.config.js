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
  // Sized for a loaded machine (two suites at once on 2 cores): no test asserts speed, so a generous bound only
  // changes how long a hung test takes to fail. Tests that start whole programs set their own, larger ones.
  testTimeout: 120_000,
  maxWorkers: 2,
};
