// terraform-provider-aws: keyward's test-only stand-in for hashicorp/aws 6.28.0 (see internal/aws). Built by
// scripts/terraform-standins.mjs into a filesystem mirror; never shipped.
package main

import (
	"github.com/hashicorp/terraform-plugin-sdk/v2/plugin"

	"keyward.local/standins/internal/aws"
)

func main() {
	plugin.Serve(&plugin.ServeOpts{ProviderFunc: aws.Provider})
}
