// Package loopback holds the one rule every keyward stand-in provider enforces before it sends a request: the
// endpoint must be on this machine. The stand-ins exist to apply keyward's stacks against the sandbox's emulators;
// pointed at a real Genesys Cloud org or a real AWS account they would be the wrong tool (and would send the
// deployer's credentials to code that was never meant to handle them).
package loopback

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// IsLoopbackHost reports whether host (as url.URL.Hostname() gives it) never leaves this machine:
// 127.0.0.0/8, ::1, localhost and *.localhost.
func IsLoopbackHost(host string) bool {
	h := strings.ToLower(strings.Trim(host, "[]"))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// Check returns an error naming what is refused when rawURL is not an http(s) URL on a loopback host.
func Check(rawURL, what string) error {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("keyward stand-in provider: %s %q is not an http(s) URL", what, rawURL)
	}
	if !IsLoopbackHost(u.Hostname()) {
		return fmt.Errorf("keyward stand-in provider: refusing %s %s: the stand-in only talks to emulators on this machine (127.0.0.0/8, ::1, localhost); use the real provider for anything else", what, u.Host)
	}
	return nil
}
