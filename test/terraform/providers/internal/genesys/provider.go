// Package genesys is keyward's stand-in for the genesyscloud Terraform provider (MyPureCloud/terraform-provider-
// genesyscloud v1.84.1). Its schema is transcribed attribute for attribute from that release (types, flags,
// defaults, validators, set vs list, SchemaVersion; see test/terraform/real-schema.ts for the table and the source
// paths), and its resources call the Platform API the way the real provider does (same requests, same order, same
// read-back), so `terraform plan/apply/import/destroy` of keyward's stacks against the sandbox's Genesys emulator
// behaves as it would against Genesys Cloud. The code is keyward's own; only the schema is transcribed.
//
// Every request goes to loopback only: the provider refuses to configure when the gateway (or the region's API
// host) is not on this machine.
package genesys

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/go-cty/cty"
	"github.com/hashicorp/terraform-plugin-sdk/v2/diag"
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/validation"
)

// Version is the release of the real provider whose schema and behaviour this stand-in reproduces.
const Version = "1.84.1"

// regionDomains is the provider's region -> domain map (provider.go getRegionMap at v1.84.1).
var regionDomains = map[string]string{
	"dca":            "inindca.com",
	"tca":            "inintca.com",
	"us-east-1":      "mypurecloud.com",
	"us-east-2":      "use2.us-gov-pure.cloud",
	"us-west-2":      "usw2.pure.cloud",
	"eu-west-1":      "mypurecloud.ie",
	"eu-west-2":      "euw2.pure.cloud",
	"ap-southeast-2": "mypurecloud.com.au",
	"ap-northeast-1": "mypurecloud.jp",
	"eu-central-1":   "mypurecloud.de",
	"ca-central-1":   "cac1.pure.cloud",
	"ap-northeast-2": "apne2.pure.cloud",
	"ap-south-1":     "aps1.pure.cloud",
	"sa-east-1":      "sae1.pure.cloud",
	"ap-northeast-3": "apne3.pure.cloud",
	"eu-central-2":   "euc2.pure.cloud",
	"me-central-1":   "mec1.pure.cloud",
	"mx-central-1":   "mxc1.pure.cloud",
	"ap-southeast-1": "apse1.pure.cloud",
	"eusc-de-east-1": "edee1.eusc-pure.cloud",
}

func regionNames() []string {
	names := make([]string, 0, len(regionDomains))
	for name := range regionDomains {
		names = append(names, name)
	}
	return names
}

func durationString(i any, k string) ([]string, []error) {
	v, ok := i.(string)
	if !ok {
		return nil, []error{fmt.Errorf("expected type of %s to be string", k)}
	}
	if _, err := time.ParseDuration(v); err != nil {
		return nil, []error{fmt.Errorf("expected %s to be a valid duration string: %v", k, err)}
	}
	return nil, nil
}

func logFilePath(value any, _ cty.Path) diag.Diagnostics {
	v, ok := value.(string)
	if !ok {
		return diag.Errorf("expected a string, got %T", value)
	}
	if v == "" || strings.ContainsAny(v, " \t\n\r") {
		return diag.Errorf("the log file path must not be empty or contain whitespace")
	}
	if !strings.HasSuffix(v, ".log") {
		return diag.Errorf("%s must end with .log", v)
	}
	return nil
}

func optString(env, desc string) *schema.Schema {
	return &schema.Schema{Type: schema.TypeString, Optional: true, DefaultFunc: schema.EnvDefaultFunc(env, nil), Description: desc}
}

func authBlock(prefix string) *schema.Schema {
	return &schema.Schema{
		Type:     schema.TypeSet,
		Optional: true,
		MaxItems: 1,
		Elem: &schema.Resource{Schema: map[string]*schema.Schema{
			"username": optString(prefix+"_AUTH_USERNAME", "User name ("+prefix+"_AUTH_USERNAME)."),
			"password": optString(prefix+"_AUTH_PASSWORD", "Password ("+prefix+"_AUTH_PASSWORD)."),
		}},
	}
}

// providerSchema: genesyscloud/provider/provider_schema.go at v1.84.1.
func providerSchema() map[string]*schema.Schema {
	return map[string]*schema.Schema{
		"access_token":       optString("GENESYSCLOUD_ACCESS_TOKEN", "Bearer token to use instead of the client-credentials login (GENESYSCLOUD_ACCESS_TOKEN)."),
		"oauthclient_id":     optString("GENESYSCLOUD_OAUTHCLIENT_ID", "OAuth client id Terraform logs in with (GENESYSCLOUD_OAUTHCLIENT_ID)."),
		"oauthclient_secret": {Type: schema.TypeString, Optional: true, Sensitive: true, DefaultFunc: schema.EnvDefaultFunc("GENESYSCLOUD_OAUTHCLIENT_SECRET", nil), Description: "Its secret (GENESYSCLOUD_OAUTHCLIENT_SECRET)."},
		"aws_region": {
			Type: schema.TypeString, Optional: true, DefaultFunc: schema.EnvDefaultFunc("GENESYSCLOUD_REGION", nil),
			ValidateFunc: validation.StringInSlice(regionNames(), true), Description: "Region of the org, e.g. us-east-1 (GENESYSCLOUD_REGION).",
		},
		"sdk_debug": {Type: schema.TypeBool, Optional: true, DefaultFunc: schema.EnvDefaultFunc("GENESYSCLOUD_SDK_DEBUG", false), Description: "SDK request tracing (the stand-in never writes it)."},
		"sdk_debug_format": {
			Type: schema.TypeString, Optional: true, DefaultFunc: schema.EnvDefaultFunc("GENESYSCLOUD_SDK_DEBUG_FORMAT", "Text"),
			ValidateFunc: validation.StringInSlice([]string{"Text", "Json"}, false), Description: "Text or Json.",
		},
		"sdk_debug_file_path": {
			Type: schema.TypeString, Optional: true, DefaultFunc: schema.EnvDefaultFunc("GENESYSCLOUD_SDK_DEBUG_FILE_PATH", "sdk_debug.log"),
			ValidateFunc: validation.StringDoesNotMatch(regexp.MustCompile(`^(|\s+)$`), "Invalid File path "), Description: "Trace file.",
		},
		"sdk_client_pool_debug": {Type: schema.TypeBool, Optional: true, DefaultFunc: schema.EnvDefaultFunc("GENESYSCLOUD_SDK_CLIENT_POOL_DEBUG", false), Description: "Token pool tracing."},
		"token_pool_size": {
			Type: schema.TypeInt, Optional: true, DefaultFunc: schema.EnvDefaultFunc("GENESYSCLOUD_TOKEN_POOL_SIZE", 10),
			ValidateFunc: validation.IntBetween(1, 50), Description: "Tokens minted at start-up, each a POST /oauth/token (1-50).",
		},
		"token_acquire_timeout": {Type: schema.TypeString, Optional: true, DefaultFunc: schema.EnvDefaultFunc("GENESYSCLOUD_TOKEN_ACQUIRE_TIMEOUT", (5 * time.Minute).String()), ValidateFunc: durationString, Description: "Pool acquire timeout."},
		"token_init_timeout":    {Type: schema.TypeString, Optional: true, DefaultFunc: schema.EnvDefaultFunc("GENESYSCLOUD_TOKEN_INIT_TIMEOUT", (10 * time.Minute).String()), ValidateFunc: durationString, Description: "Pool start-up timeout."},
		"max_concurrent_pages": {
			Type: schema.TypeInt, Optional: true, DefaultFunc: schema.EnvDefaultFunc("GENESYSCLOUD_MAX_CONCURRENT_PAGES", 1),
			ValidateFunc: validation.IntBetween(1, 75), Description: "Pages fetched in parallel when listing.",
		},
		"custom_retry_timeout": {
			Type: schema.TypeString, Optional: true, DefaultFunc: schema.EnvDefaultFunc("GENESYSCLOUD_CUSTOM_RETRY_TIMEOUT", "5m"),
			ValidateFunc: durationString, Description: "How long a read retries a 404 before the resource leaves the state.",
		},
		"log_stack_traces": {Type: schema.TypeBool, Optional: true, DefaultFunc: schema.EnvDefaultFunc("GENESYSCLOUD_LOG_STACK_TRACES", false), Description: "Log panics instead of crashing."},
		"log_stack_traces_file_path": {
			Type: schema.TypeString, Optional: true, DefaultFunc: schema.EnvDefaultFunc("GENESYSCLOUD_LOG_STACK_TRACES_FILE_PATH", "genesyscloud_stack_traces.log"),
			ValidateDiagFunc: logFilePath, Description: "Stack trace log (must end in .log).",
		},
		"gateway": {
			Type:     schema.TypeSet,
			Optional: true,
			Elem: &schema.Resource{Schema: map[string]*schema.Schema{
				"port":     optString("GENESYSCLOUD_GATEWAY_PORT", "Gateway port (GENESYSCLOUD_GATEWAY_PORT)."),
				"host":     optString("GENESYSCLOUD_GATEWAY_HOST", "Gateway host (GENESYSCLOUD_GATEWAY_HOST)."),
				"protocol": optString("GENESYSCLOUD_GATEWAY_PROTOCOL", "Gateway protocol (GENESYSCLOUD_GATEWAY_PROTOCOL)."),
				"path_params": {
					Type:     schema.TypeSet,
					Optional: true,
					Elem: &schema.Resource{Schema: map[string]*schema.Schema{
						"path_name":  {Type: schema.TypeString, Required: true, DefaultFunc: schema.EnvDefaultFunc("GENESYSCLOUD_GATEWAY_PATH_NAME", nil), Description: "login or api."},
						"path_value": {Type: schema.TypeString, Required: true, DefaultFunc: schema.EnvDefaultFunc("GENESYSCLOUD_GATEWAY_PATH_VALUE", nil), Description: "Path prefix."},
					}},
				},
				"auth": authBlock("GENESYSCLOUD_GATEWAY"),
			}},
		},
		"proxy": {
			Type:     schema.TypeSet,
			Optional: true,
			MaxItems: 1,
			Elem: &schema.Resource{Schema: map[string]*schema.Schema{
				"port":     optString("GENESYSCLOUD_PROXY_PORT", "Proxy port."),
				"host":     optString("GENESYSCLOUD_PROXY_HOST", "Proxy host."),
				"protocol": optString("GENESYSCLOUD_PROXY_PROTOCOL", "Proxy protocol."),
				"auth":     authBlock("GENESYSCLOUD_PROXY"),
			}},
		},
	}
}

// Provider is the genesyscloud stand-in.
func Provider() *schema.Provider {
	schema.DescriptionKind = schema.StringMarkdown
	return &schema.Provider{
		Schema: providerSchema(),
		ResourcesMap: map[string]*schema.Resource{
			"genesyscloud_oauth_client": resourceOAuthClient(),
			"genesyscloud_auth_role":    resourceAuthRole(),
		},
		ConfigureContextFunc: configure,
	}
}

func configure(ctx context.Context, d *schema.ResourceData) (any, diag.Diagnostics) {
	api, err := newAPI(ctx, d)
	if err != nil {
		return nil, diag.FromErr(err)
	}
	return api, nil
}
