package aws

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-sdk/v2/diag"
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/retry"
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/validation"
)

// secretNamePattern: validSecretName / validSecretNamePrefix of internal/service/secretsmanager.
var secretNamePattern = regexp.MustCompile(`^[0-9A-Za-z/_+=.@-]+$`)

// resourceSecret: internal/service/secretsmanager/secret.go (hashicorp/terraform-provider-aws 6.x), with the
// provider-wide `region` and tags handling of 6.x.
func resourceSecret() *schema.Resource {
	return &schema.Resource{
		CreateContext: createSecret,
		ReadContext:   readSecret,
		UpdateContext: updateSecret,
		DeleteContext: deleteSecret,
		Importer:      &schema.ResourceImporter{StateContext: schema.ImportStatePassthroughContext},
		CustomizeDiff: customizeDiff,
		Schema: map[string]*schema.Schema{
			"arn":                            {Type: schema.TypeString, Computed: true, Description: "ARN."},
			"description":                    {Type: schema.TypeString, Optional: true, Description: "Description."},
			"force_overwrite_replica_secret": {Type: schema.TypeBool, Optional: true, Default: false, Description: "Overwrite a replica of the same name."},
			"kms_key_id":                     {Type: schema.TypeString, Optional: true, Description: "KMS key."},
			"name": {
				Type: schema.TypeString, Optional: true, Computed: true, ForceNew: true, ConflictsWith: []string{"name_prefix"},
				ValidateFunc: validation.All(validation.StringLenBetween(0, 512), validation.StringMatch(secretNamePattern, "")), Description: "Name.",
			},
			"name_prefix": {
				Type: schema.TypeString, Optional: true, Computed: true, ForceNew: true, ConflictsWith: []string{"name"},
				ValidateFunc: validation.All(validation.StringLenBetween(0, 512-26), validation.StringMatch(secretNamePattern, "")), Description: "Name prefix.",
			},
			"policy": {Type: schema.TypeString, Optional: true, Computed: true, ValidateFunc: validation.StringIsJSON, Description: "Resource policy JSON."},
			"recovery_window_in_days": {
				Type: schema.TypeInt, Optional: true, Default: 30,
				ValidateFunc: validation.Any(validation.IntBetween(7, 30), validation.IntInSlice([]int{0})), Description: "0 or 7-30.",
			},
			"region": regionAttribute(),
			"replica": {
				Type: schema.TypeSet, Optional: true, Computed: true, Description: "Replicas.",
				Elem: &schema.Resource{Schema: map[string]*schema.Schema{
					"kms_key_id":         {Type: schema.TypeString, Optional: true, Computed: true, Description: "Replica KMS key."},
					"last_accessed_date": {Type: schema.TypeString, Computed: true, Description: "Last access."},
					"region":             {Type: schema.TypeString, Required: true, Description: "Replica region."},
					"status":             {Type: schema.TypeString, Computed: true, Description: "Replication status."},
					"status_message":     {Type: schema.TypeString, Computed: true, Description: "Status message."},
				}},
			},
			"tags":     tagsSchema(),
			"tags_all": tagsAllSchema(),
		},
	}
}

// customizeDiff: `region` defaults to the provider's (and changes force replacement), `tags_all` is the provider's
// default_tags overlaid with the resource's `tags` (unknown while any tag value is unknown).
func customizeDiff(_ context.Context, d *schema.ResourceDiff, meta any) error {
	c := meta.(*client)
	if _, ok := d.GetOk("region"); !ok {
		if err := d.SetNew("region", c.region); err != nil {
			return err
		}
	} else if d.Id() != "" && d.HasChange("region") {
		if err := d.ForceNew("region"); err != nil {
			return err
		}
	}
	if !d.GetRawConfig().GetAttr("tags").IsWhollyKnown() {
		return d.SetNewComputed("tags_all")
	}
	all := map[string]any{}
	for k, v := range c.defaultTags {
		all[k] = v
	}
	for k, v := range d.Get("tags").(map[string]any) {
		all[k] = v
	}
	if d.HasChange("tags") || len(all) != len(d.Get("tags_all").(map[string]any)) || !sameTags(all, d.Get("tags_all").(map[string]any)) {
		return d.SetNew("tags_all", all)
	}
	return nil
}

// mergedTags: the tags a create or update sends, default_tags overlaid with the resource's own (the real
// provider's tags interceptor, getTagsIn).
func mergedTags(c *client, d *schema.ResourceData) map[string]any {
	all := map[string]any{}
	for k, v := range c.defaultTags {
		all[k] = v
	}
	for k, v := range d.Get("tags").(map[string]any) {
		all[k] = v
	}
	return all
}

func sameTags(a, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

type tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

func tagList(all map[string]any) []tag {
	keys := make([]string, 0, len(all))
	for k := range all {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := []tag{}
	for _, k := range keys {
		out = append(out, tag{Key: k, Value: all[k].(string)})
	}
	return out
}

// uniqueID: a client request token in the shape of the SDK's id.UniqueId (32-64 characters, as the API requires).
func uniqueID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "terraform-" + time.Now().UTC().Format("20060102150405") + hex.EncodeToString(b)
}

func resourceRegion(d *schema.ResourceData, c *client) string {
	if v, ok := d.GetOk("region"); ok {
		return v.(string)
	}
	return c.region
}

type describeSecretOutput struct {
	ARN         *string    `json:"ARN"`
	Name        *string    `json:"Name"`
	Description *string    `json:"Description"`
	KmsKeyID    *string    `json:"KmsKeyId"`
	DeletedDate *float64   `json:"DeletedDate"`
	Tags        []tag      `json:"Tags"`
	Replication []struct{} `json:"ReplicationStatus"`
}

// findSecret: DescribeSecret; a missing secret and one scheduled for deletion are both "not found".
func findSecret(ctx context.Context, c *client, region, id string) (*describeSecretOutput, bool, error) {
	var out describeSecretOutput
	err := c.callSM(ctx, region, "DescribeSecret", map[string]any{"SecretId": id}, &out)
	if isSMError(err, "ResourceNotFoundException") {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if out.DeletedDate != nil {
		return nil, false, nil
	}
	return &out, true, nil
}

func createSecret(ctx context.Context, d *schema.ResourceData, meta any) diag.Diagnostics {
	c := meta.(*client)
	region := resourceRegion(d, c)
	name := d.Get("name").(string)
	if name == "" {
		name = d.Get("name_prefix").(string) + uniqueID()[len("terraform-"):]
	}
	if d.Get("replica").(*schema.Set).Len() > 0 {
		return diag.Errorf("keyward stand-in provider: replica regions are not emulated")
	}
	input := map[string]any{
		"ClientRequestToken":          uniqueID(),
		"Description":                 d.Get("description").(string),
		"ForceOverwriteReplicaSecret": d.Get("force_overwrite_replica_secret").(bool),
		"Name":                        name,
	}
	if tags := tagList(mergedTags(c, d)); len(tags) > 0 {
		input["Tags"] = tags
	}
	if v, ok := d.GetOk("kms_key_id"); ok {
		input["KmsKeyId"] = v.(string)
	}
	var out struct {
		ARN string `json:"ARN"`
	}
	err := retry.RetryContext(ctx, 2*time.Minute, func() *retry.RetryError {
		err := c.callSM(ctx, region, "CreateSecret", input, &out)
		// Re-creating a secret scheduled for deletion is retried, as the real provider does.
		var e *smError
		if asSM(err, &e) && e.Type == "InvalidRequestException" && (strings.Contains(e.Message, "scheduled for deletion") || strings.Contains(e.Message, "was deleted")) {
			return retry.RetryableError(err)
		}
		if err != nil {
			return retry.NonRetryableError(err)
		}
		return nil
	})
	if err != nil {
		return diag.Errorf("creating Secrets Manager Secret (%s): %s", name, err)
	}
	d.SetId(out.ARN)
	err = retry.RetryContext(ctx, 2*time.Minute, func() *retry.RetryError {
		_, found, err := findSecret(ctx, c, region, d.Id())
		if err != nil {
			return retry.NonRetryableError(err)
		}
		if !found {
			return retry.RetryableError(fmt.Errorf("secret %s not found yet", d.Id()))
		}
		return nil
	})
	if err != nil {
		return diag.Errorf("waiting for Secrets Manager Secret (%s) create: %s", d.Id(), err)
	}
	if v, ok := d.GetOk("policy"); ok && v.(string) != "" && v.(string) != "{}" {
		if err := c.callSM(ctx, region, "PutResourcePolicy", map[string]any{"SecretId": d.Id(), "ResourcePolicy": v.(string)}, nil); err != nil {
			return diag.FromErr(err)
		}
	}
	return readSecret(ctx, d, meta)
}

func asSM(err error, target **smError) bool {
	if err == nil {
		return false
	}
	e, ok := err.(*smError)
	if ok {
		*target = e
	}
	return ok
}

var uniqueSuffix = regexp.MustCompile(`^(.*)\d{14}[0-9a-f]{16}$`)

func readSecret(ctx context.Context, d *schema.ResourceData, meta any) diag.Diagnostics {
	c := meta.(*client)
	region := resourceRegion(d, c)
	out, found, err := findSecret(ctx, c, region, d.Id())
	if err != nil {
		return diag.Errorf("reading Secrets Manager Secret (%s): %s", d.Id(), err)
	}
	if !found {
		if d.IsNewResource() {
			return diag.Errorf("reading Secrets Manager Secret (%s): not found", d.Id())
		}
		log.Printf("[WARN] Secrets Manager Secret (%s) not found, removing from state", d.Id())
		d.SetId("")
		return nil
	}
	_ = d.Set("arn", out.ARN)
	_ = d.Set("description", out.Description)
	_ = d.Set("kms_key_id", out.KmsKeyID)
	_ = d.Set("name", out.Name)
	prefix := ""
	if out.Name != nil {
		if m := uniqueSuffix.FindStringSubmatch(*out.Name); m != nil {
			prefix = m[1]
		}
	}
	_ = d.Set("name_prefix", prefix)
	_ = d.Set("replica", []any{})
	var policy struct {
		ResourcePolicy *string `json:"ResourcePolicy"`
	}
	if err := c.callSM(ctx, region, "GetResourcePolicy", map[string]any{"SecretId": d.Id()}, &policy); err != nil {
		return diag.Errorf("reading Secrets Manager Secret (%s) policy: %s", d.Id(), err)
	}
	if policy.ResourcePolicy != nil {
		_ = d.Set("policy", normalizeJSON(*policy.ResourcePolicy))
	} else {
		_ = d.Set("policy", "")
	}
	all := map[string]any{}
	for _, t := range out.Tags {
		if strings.HasPrefix(t.Key, "aws:") {
			continue
		}
		all[t.Key] = t.Value
	}
	own := map[string]any{}
	for k, v := range all {
		if dv, ok := c.defaultTags[k]; ok && dv == v {
			continue
		}
		own[k] = v
	}
	_ = d.Set("tags", own)
	_ = d.Set("tags_all", all)
	_ = d.Set("region", region)
	return nil
}

func normalizeJSON(s string) string {
	var v any
	if json.Unmarshal([]byte(s), &v) != nil {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func updateSecret(ctx context.Context, d *schema.ResourceData, meta any) diag.Diagnostics {
	c := meta.(*client)
	region := resourceRegion(d, c)
	if d.HasChange("replica") {
		return diag.Errorf("keyward stand-in provider: replica regions are not emulated")
	}
	if d.HasChanges("description", "kms_key_id") {
		input := map[string]any{"ClientRequestToken": uniqueID(), "Description": d.Get("description").(string), "SecretId": d.Id()}
		if v, ok := d.GetOk("kms_key_id"); ok {
			input["KmsKeyId"] = v.(string)
		}
		if err := c.callSM(ctx, region, "UpdateSecret", input, nil); err != nil {
			return diag.Errorf("updating Secrets Manager Secret (%s): %s", d.Id(), err)
		}
	}
	if d.HasChange("policy") {
		if v, ok := d.GetOk("policy"); ok && v.(string) != "" && v.(string) != "{}" {
			if err := c.callSM(ctx, region, "PutResourcePolicy", map[string]any{"SecretId": d.Id(), "ResourcePolicy": v.(string)}, nil); err != nil {
				return diag.FromErr(err)
			}
		} else if err := c.callSM(ctx, region, "DeleteResourcePolicy", map[string]any{"SecretId": d.Id()}, nil); err != nil {
			return diag.FromErr(err)
		}
	}
	if d.HasChanges("tags", "tags_all") {
		o, _ := d.GetChange("tags_all")
		oldTags, newTags := o.(map[string]any), mergedTags(c, d)
		var removed []string
		for k := range oldTags {
			if _, ok := newTags[k]; !ok {
				removed = append(removed, k)
			}
		}
		if len(removed) > 0 {
			sort.Strings(removed)
			if err := c.callSM(ctx, region, "UntagResource", map[string]any{"SecretId": d.Id(), "TagKeys": removed}, nil); err != nil {
				return diag.Errorf("untagging resource (%s): %s", d.Id(), err)
			}
		}
		upserts := map[string]any{}
		for k, v := range newTags {
			if oldTags[k] != v {
				upserts[k] = v
			}
		}
		if len(upserts) > 0 {
			if err := c.callSM(ctx, region, "TagResource", map[string]any{"SecretId": d.Id(), "Tags": tagList(upserts)}, nil); err != nil {
				return diag.Errorf("tagging resource (%s): %s", d.Id(), err)
			}
		}
	}
	return readSecret(ctx, d, meta)
}

func deleteSecret(ctx context.Context, d *schema.ResourceData, meta any) diag.Diagnostics {
	c := meta.(*client)
	region := resourceRegion(d, c)
	input := map[string]any{"SecretId": d.Id()}
	if v := d.Get("recovery_window_in_days").(int); v == 0 {
		input["ForceDeleteWithoutRecovery"] = true
	} else {
		input["RecoveryWindowInDays"] = v
	}
	err := c.callSM(ctx, region, "DeleteSecret", input, nil)
	if isSMError(err, "ResourceNotFoundException") {
		return nil
	}
	if err != nil {
		return diag.Errorf("deleting Secrets Manager Secret (%s): %s", d.Id(), err)
	}
	err = retry.RetryContext(ctx, 2*time.Minute, func() *retry.RetryError {
		_, found, err := findSecret(ctx, c, region, d.Id())
		if err != nil {
			return retry.NonRetryableError(err)
		}
		if found {
			return retry.RetryableError(fmt.Errorf("secret %s still exists", d.Id()))
		}
		return nil
	})
	if err != nil {
		return diag.Errorf("waiting for Secrets Manager Secret (%s) delete: %s", d.Id(), err)
	}
	return nil
}
