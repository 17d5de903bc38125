/**
 * `npm run test:terraform`: real Terraform (or OpenTofu) applies keyward's stacks through the stand-in providers
 * (test/terraform/providers, built once into the cache by scripts/terraform-standins.mjs) against a sandbox each
 * test file starts. Needs Go (to build the stand-ins) and Terraform >= 1.4 on PATH or Go to build OpenTofu; kept out
 * of `npm test`, which needs neither.
 */
import base from "./jest.config.js";

export default {
  ...base,
  testMatch: ["<rootDir>/test/terraform/**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/"],
  // The first run builds the stand-ins (about a minute of CPU); every Terraform command waits on a busy machine.
  testTimeout: 600000,
  maxWorkers: 1,
};
