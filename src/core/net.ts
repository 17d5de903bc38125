import { isIP } from "node:net";

/**
 * Loopback hosts: traffic to them never leaves this machine (127.0.0.0/8, ::1 in either spelling, localhost and
 * *.localhost). `hostname` as `new URL(...).hostname` gives it; brackets around an IPv6 address are accepted.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  if (isIP(host) === 6) return host === "::1" || host === "0:0:0:0:0:0:0:1";
  return false;
}

/**
 * Whether a final URL would send credentials in clear over a network: plain http to a host that is not loopback.
 * Checked on the URL keyward will really use (scheme normalised by the URL parser), never on the raw setting.
 */
export function isInsecureRemote(url: URL): boolean {
  return url.protocol === "http:" && !isLoopbackHost(url.hostname);
}
