// terraform-provider-genesyscloud: keyward's test-only stand-in for MyPureCloud/genesyscloud 1.84.1 (see
// internal/genesys). Built by scripts/terraform-standins.mjs into a filesystem mirror; never shipped.
package main

import (
	"github.com/hashicorp/terraform-plugin-sdk/v2/plugin"

	"keyward.local/standins/internal/genesys"
)

func main() {
	plugin.Serve(&plugin.ServeOpts{ProviderFunc: genesys.Provider})
}
