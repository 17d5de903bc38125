/**
 * `npm run test:examples`: what users copy, checked with the tools they would use — every example workflow (and the
 * README's) through actionlint built from its Go module (a loud skip without Go), and keyward installed from a
 * pinned git commit into an empty project. Kept out of `npm test` for time; CI runs it after the reliability suite.
 */
import base from "./jest.config.js";

export default {
  ...base,
  testMatch: ["<rootDir>/test/examples-tier/**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/"],
  testTimeout: 600000,
  maxWorkers: 1,
};
