// Package aws is keyward's stand-in for the hashicorp/aws Terraform provider, registered as 6.28.0: the first release
// with `aws_lambda_permission.invoked_via_function_url`, which the janitor stack sets (CHANGELOG 6.28.0, #44858), so
// the lowest release keyward's stacks can run on. It is not a reimplementation of that provider: it declares
// only the provider arguments and resource types keyward's stacks use, each attribute transcribed with the real
// provider's type and flags (table and sources in test/terraform/real-schema.ts), so that `terraform validate` judges
// keyward's synthesized stacks as the real provider would. `aws_secretsmanager_secret` also behaves: it creates,
// reads, updates, imports and deletes secret containers through the Secrets Manager API (SigV4, the provider block's
// `endpoints` and `skip_*` arguments) against the sandbox's emulator. Every other type is schema-only: planning
// works, applying it is refused with a line that says so. Requests go to loopback endpoints only.
package aws

import (
	"context"
	"errors"
	"net/http"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-sdk/v2/diag"
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/validation"

	"keyward.local/standins/internal/loopback"
)

// Version the stand-in is registered as in the filesystem mirror (keyward's stacks require ">= 6.28.0, < 7.0.0").
const Version = "6.28.0"

// endpointServices: the `endpoints` block arguments the stand-in declares (the real block has one per service).
var endpointServices = []string{"iam", "kms", "lambda", "logs", "scheduler", "secretsmanager", "sqs", "sts"}

type client struct {
	region      string
	creds       credentials
	endpoints   map[string]string
	defaultTags map[string]string
	maxRetries  int
	http        *http.Client
}

// endpoint: the provider block's `endpoints { <service> = ... }`, else AWS_ENDPOINT_URL_<SERVICE>, else
// AWS_ENDPOINT_URL, else the public regional endpoint (which the loopback rule then refuses).
func (c *client) endpoint(service, envName, region string) string {
	if v := c.endpoints[service]; v != "" {
		return v
	}
	if v := os.Getenv(envName); v != "" {
		return v
	}
	if v := os.Getenv("AWS_ENDPOINT_URL"); v != "" {
		return v
	}
	return "https://" + service + "." + region + ".amazonaws.com"
}

func validNullableBool(v any, k string) ([]string, []error) {
	s, _ := v.(string)
	switch s {
	case "", "true", "false", "1", "0":
		return nil, nil
	}
	return nil, []error{errors.New(k + ": expected true or false")}
}

// providerSchema: the arguments keyward uses or the sandbox needs, from internal/provider/sdkv2/provider.go and
// provider_gen.go (endpoints) of hashicorp/terraform-provider-aws 6.x.
func providerSchema() map[string]*schema.Schema {
	endpoints := map[string]*schema.Schema{}
	for _, service := range endpointServices {
		endpoints[service] = &schema.Schema{Type: schema.TypeString, Optional: true, Description: "Override the " + service + " endpoint URL."}
	}
	return map[string]*schema.Schema{
		"access_key":          {Type: schema.TypeString, Optional: true, Description: "Access key id."},
		"allowed_account_ids": {Type: schema.TypeSet, Optional: true, Elem: &schema.Schema{Type: schema.TypeString}, ConflictsWith: []string{"forbidden_account_ids"}, Description: "Accounts the provider may manage."},
		"default_tags": {
			Type: schema.TypeList, Optional: true, MaxItems: 1, Description: "Tags for every taggable resource.",
			Elem: &schema.Resource{Schema: map[string]*schema.Schema{
				"tags": {Type: schema.TypeMap, Optional: true, Elem: &schema.Schema{Type: schema.TypeString}, Description: "The tags."},
			}},
		},
		"endpoints":                   {Type: schema.TypeSet, Optional: true, Elem: &schema.Resource{Schema: endpoints}, Description: "Service endpoint overrides."},
		"forbidden_account_ids":       {Type: schema.TypeSet, Optional: true, Elem: &schema.Schema{Type: schema.TypeString}, ConflictsWith: []string{"allowed_account_ids"}, Description: "Accounts the provider must not manage."},
		"max_retries":                 {Type: schema.TypeInt, Optional: true, Description: "Retries per request (default 25)."},
		"profile":                     {Type: schema.TypeString, Optional: true, Description: "Shared config profile."},
		"region":                      {Type: schema.TypeString, Optional: true, Description: "Region."},
		"secret_key":                  {Type: schema.TypeString, Optional: true, Description: "Secret access key."},
		"skip_credentials_validation": {Type: schema.TypeBool, Optional: true, Description: "Skip sts:GetCallerIdentity."},
		"skip_metadata_api_check":     {Type: schema.TypeString, Optional: true, ValidateFunc: validNullableBool, Description: "Skip the instance metadata API."},
		"skip_region_validation":      {Type: schema.TypeBool, Optional: true, Description: "Skip the region name check."},
		"skip_requesting_account_id":  {Type: schema.TypeBool, Optional: true, Description: "Skip looking up the account id."},
		"token":                       {Type: schema.TypeString, Optional: true, Description: "Session token."},
	}
}

// Provider is the aws stand-in.
func Provider() *schema.Provider {
	return &schema.Provider{
		Schema:               providerSchema(),
		ResourcesMap:         resources(),
		DataSourcesMap:       dataSources(),
		ConfigureContextFunc: configure,
	}
}

var regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d{1,2}$`)

func firstEnv(names ...string) string {
	for _, name := range names {
		if v := os.Getenv(name); v != "" {
			return v
		}
	}
	return ""
}

func configure(_ context.Context, d *schema.ResourceData) (any, diag.Diagnostics) {
	c := &client{endpoints: map[string]string{}, defaultTags: map[string]string{}, maxRetries: 25, http: &http.Client{Timeout: 60 * time.Second}}
	if v, ok := d.GetOk("max_retries"); ok {
		c.maxRetries = v.(int)
	}
	c.region = d.Get("region").(string)
	if c.region == "" {
		c.region = firstEnv("AWS_REGION", "AWS_DEFAULT_REGION")
	}
	if c.region == "" {
		return nil, diag.Errorf(`The "region" attribute or the "AWS_REGION" or "AWS_DEFAULT_REGION" environment variables must be set.`)
	}
	if !d.Get("skip_region_validation").(bool) && !regionPattern.MatchString(c.region) {
		return nil, diag.Errorf("invalid AWS Region: %s", c.region)
	}
	if d.Get("profile").(string) != "" {
		return nil, diag.Errorf("keyward stand-in provider: shared config profiles are not emulated; give access_key/secret_key or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY")
	}
	c.creds = credentials{AccessKeyID: d.Get("access_key").(string), SecretAccessKey: d.Get("secret_key").(string), SessionToken: d.Get("token").(string)}
	if c.creds.AccessKeyID == "" {
		c.creds = credentials{AccessKeyID: os.Getenv("AWS_ACCESS_KEY_ID"), SecretAccessKey: os.Getenv("AWS_SECRET_ACCESS_KEY"), SessionToken: os.Getenv("AWS_SESSION_TOKEN")}
	}
	if c.creds.AccessKeyID == "" || c.creds.SecretAccessKey == "" {
		return nil, diag.Errorf("No valid credential sources found: the keyward stand-in reads access_key/secret_key or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY")
	}
	for _, raw := range d.Get("endpoints").(*schema.Set).List() {
		for service, value := range raw.(map[string]any) {
			if s, _ := value.(string); s != "" {
				if err := loopback.Check(s, service+" endpoint"); err != nil {
					return nil, diag.FromErr(err)
				}
				c.endpoints[service] = s
			}
		}
	}
	// The real provider validates the credentials with sts:GetCallerIdentity and looks the account id up unless told
	// not to; the sandbox has no STS, exactly like every other AWS-compatible emulator.
	if !d.Get("skip_credentials_validation").(bool) || !d.Get("skip_requesting_account_id").(bool) {
		return nil, diag.Errorf("keyward stand-in provider: validating credentials and looking up the account id need STS, which the sandbox does not emulate; set skip_credentials_validation = true and skip_requesting_account_id = true (the real provider needs the same against any AWS emulator)")
	}
	if d.Get("allowed_account_ids").(*schema.Set).Len() > 0 || d.Get("forbidden_account_ids").(*schema.Set).Len() > 0 {
		return nil, diag.Errorf("keyward stand-in provider: allowed_account_ids/forbidden_account_ids need the account id, which is not looked up here")
	}
	for _, ev := range os.Environ() {
		if name, value, ok := strings.Cut(ev, "="); ok && strings.HasPrefix(name, "TF_AWS_DEFAULT_TAGS_") {
			c.defaultTags[strings.TrimPrefix(name, "TF_AWS_DEFAULT_TAGS_")] = value
		}
	}
	if blocks := d.Get("default_tags").([]any); len(blocks) > 0 && blocks[0] != nil {
		for k, v := range blocks[0].(map[string]any)["tags"].(map[string]any) {
			c.defaultTags[k] = v.(string)
		}
	}
	return c, nil
}

// regionAttribute: the top-level `region` every regional resource has in provider 6.x
// (internal/provider/sdkv2/internal/attribute/attributes.go).
func regionAttribute() *schema.Schema {
	return &schema.Schema{Type: schema.TypeString, Optional: true, Computed: true, Description: "Region of the resource (default: the provider's)."}
}

func tagsSchema() *schema.Schema {
	return &schema.Schema{Type: schema.TypeMap, Optional: true, Elem: &schema.Schema{Type: schema.TypeString}, Description: "Resource tags."}
}

func tagsAllSchema() *schema.Schema {
	return &schema.Schema{Type: schema.TypeMap, Optional: true, Computed: true, Elem: &schema.Schema{Type: schema.TypeString}, Description: "Resource tags with the provider's default_tags."}
}

var _ = validation.StringIsJSON
