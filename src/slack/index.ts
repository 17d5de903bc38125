export { createSlackClient, DEFAULT_SLACK_API_URL, SlackError } from "./client.js";
export type { SlackClient, SlackClientOptions, SlackFailureReason, SlackMessage, SlackUser } from "./client.js";
export { slackEscape } from "./escape.js";
