/** `npm run test:reliability`: the reliability suite (R1–R6), kept out of `npm test` for time. */
import base from "./jest.config.js";

export default {
  ...base,
  testMatch: ["<rootDir>/test/reliability/**/*.test.ts"],
  testPathIgnorePatterns: [],
  testTimeout: 300000,
  maxWorkers: 1,
};
