package genesys

import "testing"

func TestProviderSchemaIsValid(t *testing.T) {
	if err := Provider().InternalValidate(); err != nil {
		t.Fatal(err)
	}
}

func TestGatewayBaseFollowsTheGoSDK(t *testing.T) {
	gw := map[string]any{"host": "127.0.0.1", "port": "8080", "protocol": "http"}
	if got := gatewayBase(gw, "api"); got != "http://127.0.0.1:8080" {
		t.Fatalf("got %s", got)
	}
	gw["port"] = "443"
	if got := gatewayBase(gw, "login"); got != "http://127.0.0.1" {
		t.Fatalf("port 443 should be dropped, got %s", got)
	}
}
