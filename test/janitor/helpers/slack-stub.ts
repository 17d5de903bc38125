export * from "../../../src/sandbox/stubs/slack.js";
