/** Loopback hosts: traffic to them never leaves this machine. `hostname` as `new URL(...).hostname` gives it. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  if (h === "localhost" || h.endsWith(".localhost") || h === "::1") return true;
  return /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * Whether a final URL would send credentials in clear over a network: plain http to a host that is not loopback.
 * Checked on the URL keyward will really use (scheme normalised by the URL parser), never on the raw setting.
 */
export function isInsecureRemote(url: URL): boolean {
  return url.protocol === "http:" && !isLoopbackHost(url.hostname);
}
