/**
 * Slack's escaping rule for text it parses (mrkdwn and the `text` fallback): `&`, `<` and `>` become `&amp;`, `&lt;`
 * and `&gt;`, and nothing else. With it, no interpolated string can become a mention (`<!channel>`, `<@U…>`) or a
 * link with a label of the sender's choosing (`<https://evil.example|Click here>`).
 */
export function slackEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
