export { createSlackClient, DEFAULT_SLACK_API_URL, SLACK_RETRY_POLICY, SlackError } from "./client.js";
export type { SlackClient, SlackClientOptions, SlackMessage } from "./client.js";
