export * from "../../../src/sandbox/stubs/github.js";
