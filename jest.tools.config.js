/**
 * `npm run test:tools`: tests that run third-party tools keyward does not ship — gitleaks and TruffleHog (built by
 * scripts/go-tools.mjs into the cache, KEYWARD_CACHE_DIR) and Hyperscan (the `hyperscan` package from PyPI, in a
 * virtualenv in the same cache). A tool that is not there is skipped with a line saying how to get it. Kept out of
 * `npm test`: nothing in it is needed to build or run keyward.
 */
import base from "./jest.config.js";

export default {
  ...base,
  testMatch: ["<rootDir>/test/tools/**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/"],
  testTimeout: 600000,
  maxWorkers: 1,
};
