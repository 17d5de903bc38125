package aws

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-sdk/v2/diag"
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/validation"
)

// Schema-only types: the attributes keyward's bindings can emit (plus the computed ones the stacks reference and
// tags_all), each with the real provider's type and flags, so `terraform validate` judges the janitor and
// scheduled-rotation stacks as hashicorp/aws would. Sources per type: test/terraform/real-schema.ts.

func schemaOnly(typeName string, attributes map[string]*schema.Schema) *schema.Resource {
	refuse := func(ctx context.Context, d *schema.ResourceData, meta any) diag.Diagnostics {
		return diag.Errorf("keyward stand-in provider: %s is declared for `terraform validate` only; apply it with the real hashicorp/aws provider", typeName)
	}
	return &schema.Resource{CreateContext: refuse, ReadContext: refuse, UpdateContext: refuse, DeleteContext: refuse, Schema: attributes}
}

func str() *schema.Schema {
	return &schema.Schema{Type: schema.TypeString, Optional: true, Description: "-"}
}
func comp() *schema.Schema {
	return &schema.Schema{Type: schema.TypeString, Computed: true, Description: "-"}
}
func req() *schema.Schema {
	return &schema.Schema{Type: schema.TypeString, Required: true, Description: "-"}
}
func reqNew() *schema.Schema {
	return &schema.Schema{Type: schema.TypeString, Required: true, ForceNew: true, Description: "-"}
}
func optNew() *schema.Schema {
	return &schema.Schema{Type: schema.TypeString, Optional: true, ForceNew: true, Description: "-"}
}
func nameOf(conflict string) *schema.Schema {
	return &schema.Schema{Type: schema.TypeString, Optional: true, Computed: true, ForceNew: true, ConflictsWith: []string{conflict}, Description: "-"}
}
func boolDefault(v bool) *schema.Schema {
	return &schema.Schema{Type: schema.TypeBool, Optional: true, Default: v, Description: "-"}
}
func intOpt(validate schema.SchemaValidateFunc) *schema.Schema {
	return &schema.Schema{Type: schema.TypeInt, Optional: true, ValidateFunc: validate, Description: "-"}
}
func intDefault(v int, validate schema.SchemaValidateFunc) *schema.Schema {
	return &schema.Schema{Type: schema.TypeInt, Optional: true, Default: v, ValidateFunc: validate, Description: "-"}
}
func single(optional, computed bool, attrs map[string]*schema.Schema) *schema.Schema {
	return &schema.Schema{Type: schema.TypeList, Optional: optional, Required: !optional, Computed: computed, MaxItems: 1, Elem: &schema.Resource{Schema: attrs}, Description: "-"}
}
func stringSet(required bool) *schema.Schema {
	return &schema.Schema{Type: schema.TypeSet, Optional: !required, Required: required, Elem: &schema.Schema{Type: schema.TypeString}, Description: "-"}
}
func jsonString(required bool) *schema.Schema {
	return &schema.Schema{Type: schema.TypeString, Optional: !required, Required: required, ValidateFunc: validation.StringIsJSON, Description: "-"}
}

var logRetentionDays = []int{0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

func resources() map[string]*schema.Resource {
	return map[string]*schema.Resource{
		"aws_secretsmanager_secret": resourceSecret(),

		// internal/service/secretsmanager/secret_rotation.go (6.25.0 shape: rotation_rules required, max one).
		"aws_secretsmanager_secret_rotation": schemaOnlyVersion(1, "aws_secretsmanager_secret_rotation", map[string]*schema.Schema{
			"region":              regionAttribute(),
			"rotate_immediately":  boolDefault(true),
			"rotation_enabled":    {Type: schema.TypeBool, Computed: true, Description: "-"},
			"rotation_lambda_arn": str(),
			"rotation_rules": single(false, false, map[string]*schema.Schema{
				"automatically_after_days": {Type: schema.TypeInt, Optional: true, ConflictsWith: []string{"rotation_rules.0.schedule_expression"}, ExactlyOneOf: []string{"rotation_rules.0.automatically_after_days", "rotation_rules.0.schedule_expression"}, ValidateFunc: validation.IntBetween(1, 1000), Description: "-"},
				"duration":                 str(),
				"schedule_expression":      {Type: schema.TypeString, Optional: true, ConflictsWith: []string{"rotation_rules.0.automatically_after_days"}, ExactlyOneOf: []string{"rotation_rules.0.automatically_after_days", "rotation_rules.0.schedule_expression"}, Description: "-"},
			}),
			"secret_id": reqNew(),
		}),

		// internal/service/logs/group.go.
		"aws_cloudwatch_log_group": schemaOnly("aws_cloudwatch_log_group", map[string]*schema.Schema{
			"arn":               comp(),
			"kms_key_id":        str(),
			"log_group_class":   {Type: schema.TypeString, Optional: true, Computed: true, ForceNew: true, ValidateFunc: validation.StringInSlice([]string{"STANDARD", "INFREQUENT_ACCESS", "DELIVERY"}, false), Description: "-"},
			"name":              nameOf("name_prefix"),
			"name_prefix":       nameOf("name"),
			"region":            regionAttribute(),
			"retention_in_days": intDefault(0, validation.IntInSlice(logRetentionDays)),
			"skip_destroy":      boolDefault(false),
			"tags":              tagsSchema(),
			"tags_all":          tagsAllSchema(),
		}),

		// internal/service/iam/role.go (IAM is global: no region).
		"aws_iam_role": schemaOnly("aws_iam_role", map[string]*schema.Schema{
			"arn":                   comp(),
			"assume_role_policy":    jsonString(true),
			"create_date":           comp(),
			"description":           {Type: schema.TypeString, Optional: true, ValidateFunc: validation.StringLenBetween(0, 1000), Description: "-"},
			"force_detach_policies": boolDefault(false),
			"max_session_duration":  intDefault(3600, validation.IntBetween(3600, 43200)),
			"name":                  nameOf("name_prefix"),
			"name_prefix":           nameOf("name"),
			"path":                  {Type: schema.TypeString, Optional: true, Default: "/", ForceNew: true, ValidateFunc: validation.StringLenBetween(0, 512), Description: "-"},
			"permissions_boundary":  str(),
			"tags":                  tagsSchema(),
			"tags_all":              tagsAllSchema(),
			"unique_id":             comp(),
		}),

		// internal/service/iam/role_policy.go.
		"aws_iam_role_policy": schemaOnly("aws_iam_role_policy", map[string]*schema.Schema{
			"name":        nameOf("name_prefix"),
			"name_prefix": nameOf("name"),
			"policy":      jsonString(true),
			"role":        reqNew(),
		}),

		// internal/service/lambda/event_source_mapping.go.
		"aws_lambda_event_source_mapping": schemaOnly("aws_lambda_event_source_mapping", map[string]*schema.Schema{
			"arn":                     comp(),
			"batch_size":              intOpt(nil),
			"enabled":                 boolDefault(true),
			"event_source_arn":        optNew(),
			"function_arn":            comp(),
			"function_name":           req(),
			"function_response_types": {Type: schema.TypeSet, Optional: true, Elem: &schema.Schema{Type: schema.TypeString, ValidateFunc: validation.StringInSlice([]string{"ReportBatchItemFailures"}, false)}, Description: "-"},
			"region":                  regionAttribute(),
			"scaling_config":          single(true, false, map[string]*schema.Schema{"maximum_concurrency": intOpt(validation.IntAtLeast(2))}),
			"uuid":                    comp(),
		}),

		// internal/service/lambda/function.go.
		"aws_lambda_function": schemaOnly("aws_lambda_function", map[string]*schema.Schema{
			"architectures":      {Type: schema.TypeList, Optional: true, Computed: true, MaxItems: 1, Elem: &schema.Schema{Type: schema.TypeString, ValidateFunc: validation.StringInSlice([]string{"x86_64", "arm64"}, false)}, Description: "-"},
			"arn":                comp(),
			"dead_letter_config": single(true, false, map[string]*schema.Schema{"target_arn": req()}),
			"description":        str(),
			"environment":        single(true, false, map[string]*schema.Schema{"variables": {Type: schema.TypeMap, Optional: true, Elem: &schema.Schema{Type: schema.TypeString}, Description: "-"}}),
			"ephemeral_storage":  single(true, true, map[string]*schema.Schema{"size": {Type: schema.TypeInt, Optional: true, Computed: true, ValidateFunc: validation.IntBetween(512, 10240), Description: "-"}}),
			"filename":           str(),
			"function_name":      reqNew(),
			"handler":            {Type: schema.TypeString, Optional: true, ValidateFunc: validation.StringLenBetween(1, 128), Description: "-"},
			"invoke_arn":         comp(),
			"kms_key_arn":        str(),
			"last_modified":      comp(),
			"layers":             {Type: schema.TypeList, Optional: true, MaxItems: 5, Elem: &schema.Schema{Type: schema.TypeString}, Description: "-"},
			"logging_config": single(true, true, map[string]*schema.Schema{
				"application_log_level": {Type: schema.TypeString, Optional: true, Default: "", ValidateFunc: validation.StringInSlice([]string{"", "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"}, false), Description: "-"},
				"log_format":            {Type: schema.TypeString, Required: true, ValidateFunc: validation.StringInSlice([]string{"JSON", "Text"}, false), Description: "-"},
				"log_group":             {Type: schema.TypeString, Optional: true, Computed: true, Description: "-"},
				"system_log_level":      {Type: schema.TypeString, Optional: true, Default: "", ValidateFunc: validation.StringInSlice([]string{"", "DEBUG", "INFO", "WARN"}, false), Description: "-"},
			}),
			"memory_size":                    intDefault(128, validation.IntBetween(128, 10240)),
			"publish":                        boolDefault(false),
			"qualified_arn":                  comp(),
			"region":                         regionAttribute(),
			"reserved_concurrent_executions": intDefault(-1, validation.IntAtLeast(-1)),
			"role":                           req(),
			"runtime":                        str(),
			"s3_bucket":                      str(),
			"s3_key":                         str(),
			"s3_object_version":              str(),
			"skip_destroy":                   boolDefault(false),
			"source_code_hash":               {Type: schema.TypeString, Optional: true, Computed: true, Description: "-"},
			"source_code_size":               {Type: schema.TypeInt, Computed: true, Description: "-"},
			"tags":                           tagsSchema(),
			"tags_all":                       tagsAllSchema(),
			"timeout":                        intDefault(3, validation.IntBetween(1, 900)),
			"tracing_config":                 single(true, true, map[string]*schema.Schema{"mode": {Type: schema.TypeString, Required: true, ValidateFunc: validation.StringInSlice([]string{"PassThrough", "Active"}, false), Description: "-"}}),
			"version":                        comp(),
			"vpc_config":                     single(true, false, map[string]*schema.Schema{"security_group_ids": stringSet(true), "subnet_ids": stringSet(true), "vpc_id": comp()}),
		}),

		// internal/service/lambda/function_event_invoke_config.go.
		"aws_lambda_function_event_invoke_config": schemaOnly("aws_lambda_function_event_invoke_config", map[string]*schema.Schema{
			"destination_config": single(true, false, map[string]*schema.Schema{
				"on_failure": single(true, false, map[string]*schema.Schema{"destination": req()}),
				"on_success": single(true, false, map[string]*schema.Schema{"destination": req()}),
			}),
			"function_name":                {Type: schema.TypeString, Required: true, ForceNew: true, ValidateFunc: validation.NoZeroValues, Description: "-"},
			"maximum_event_age_in_seconds": intOpt(validation.IntBetween(60, 21600)),
			"maximum_retry_attempts":       intDefault(2, validation.IntBetween(0, 2)),
			"qualifier":                    {Type: schema.TypeString, Optional: true, ForceNew: true, ValidateFunc: validation.NoZeroValues, Description: "-"},
			"region":                       regionAttribute(),
		}),

		// internal/service/lambda/function_url.go.
		"aws_lambda_function_url": schemaOnly("aws_lambda_function_url", map[string]*schema.Schema{
			"authorization_type": {Type: schema.TypeString, Required: true, ValidateFunc: validation.StringInSlice([]string{"AWS_IAM", "NONE"}, false), Description: "-"},
			"function_arn":       comp(),
			"function_name":      reqNew(),
			"function_url":       comp(),
			"invoke_mode":        {Type: schema.TypeString, Optional: true, Default: "BUFFERED", ValidateFunc: validation.StringInSlice([]string{"BUFFERED", "RESPONSE_STREAM"}, false), Description: "-"},
			"qualifier":          optNew(),
			"region":             regionAttribute(),
			"url_id":             comp(),
		}),

		// internal/service/lambda/permission.go.
		"aws_lambda_permission": schemaOnly("aws_lambda_permission", map[string]*schema.Schema{
			"action":                   reqNew(),
			"function_name":            reqNew(),
			"function_url_auth_type":   {Type: schema.TypeString, Optional: true, ForceNew: true, ValidateFunc: validation.StringInSlice([]string{"AWS_IAM", "NONE"}, false), Description: "-"},
			"invoked_via_function_url": {Type: schema.TypeBool, Optional: true, ForceNew: true, Description: "-"},
			"principal":                reqNew(),
			"qualifier":                optNew(),
			"region":                   regionAttribute(),
			"source_account":           optNew(),
			"source_arn":               optNew(),
			"statement_id":             {Type: schema.TypeString, Optional: true, Computed: true, ForceNew: true, ConflictsWith: []string{"statement_id_prefix"}, Description: "-"},
			"statement_id_prefix":      {Type: schema.TypeString, Optional: true, Computed: true, ForceNew: true, ConflictsWith: []string{"statement_id"}, Description: "-"},
		}),

		// internal/service/scheduler/schedule.go.
		"aws_scheduler_schedule": schemaOnly("aws_scheduler_schedule", map[string]*schema.Schema{
			"arn":         comp(),
			"description": {Type: schema.TypeString, Optional: true, ValidateFunc: validation.StringLenBetween(0, 512), Description: "-"},
			"end_date":    {Type: schema.TypeString, Optional: true, ValidateFunc: validation.IsRFC3339Time, Description: "-"},
			"flexible_time_window": single(false, false, map[string]*schema.Schema{
				"maximum_window_in_minutes": intOpt(validation.IntBetween(1, 1440)),
				"mode":                      {Type: schema.TypeString, Required: true, ValidateFunc: validation.StringInSlice([]string{"OFF", "FLEXIBLE"}, false), Description: "-"},
			}),
			"group_name":                   {Type: schema.TypeString, Optional: true, Computed: true, ForceNew: true, ValidateFunc: validation.StringLenBetween(1, 64), Description: "-"},
			"kms_key_arn":                  str(),
			"name":                         nameOf("name_prefix"),
			"name_prefix":                  nameOf("name"),
			"region":                       regionAttribute(),
			"schedule_expression":          {Type: schema.TypeString, Required: true, ValidateFunc: validation.StringLenBetween(1, 256), Description: "-"},
			"schedule_expression_timezone": {Type: schema.TypeString, Optional: true, Default: "UTC", ValidateFunc: validation.StringLenBetween(1, 50), Description: "-"},
			"start_date":                   {Type: schema.TypeString, Optional: true, ValidateFunc: validation.IsRFC3339Time, Description: "-"},
			"state":                        {Type: schema.TypeString, Optional: true, Default: "ENABLED", ValidateFunc: validation.StringInSlice([]string{"ENABLED", "DISABLED"}, false), Description: "-"},
			"target": single(false, false, map[string]*schema.Schema{
				"arn":                req(),
				"dead_letter_config": single(true, false, map[string]*schema.Schema{"arn": req()}),
				"input":              str(),
				"retry_policy": single(true, false, map[string]*schema.Schema{
					"maximum_event_age_in_seconds": intDefault(86400, validation.IntBetween(60, 86400)),
					"maximum_retry_attempts":       intDefault(185, validation.IntBetween(0, 185)),
				}),
				"role_arn": req(),
			}),
		}),

		// internal/service/scheduler/schedule_group.go.
		"aws_scheduler_schedule_group": schemaOnly("aws_scheduler_schedule_group", map[string]*schema.Schema{
			"arn":         comp(),
			"name":        nameOf("name_prefix"),
			"name_prefix": nameOf("name"),
			"region":      regionAttribute(),
			"tags":        tagsSchema(),
			"tags_all":    tagsAllSchema(),
		}),

		// internal/service/sqs/queue.go.
		"aws_sqs_queue": schemaOnly("aws_sqs_queue", map[string]*schema.Schema{
			"arn":                         comp(),
			"content_based_deduplication": boolDefault(false),
			"deduplication_scope":         {Type: schema.TypeString, Optional: true, Computed: true, ValidateFunc: validation.StringInSlice([]string{"messageGroup", "queue"}, false), Description: "-"},
			"fifo_queue":                  {Type: schema.TypeBool, Optional: true, Default: false, ForceNew: true, Description: "-"},
			"fifo_throughput_limit":       {Type: schema.TypeString, Optional: true, Computed: true, ValidateFunc: validation.StringInSlice([]string{"perQueue", "perMessageGroupId"}, false), Description: "-"},
			"kms_master_key_id":           {Type: schema.TypeString, Optional: true, ConflictsWith: []string{"sqs_managed_sse_enabled"}, Description: "-"},
			"message_retention_seconds":   intDefault(345600, validation.IntBetween(60, 1209600)),
			"name":                        {Type: schema.TypeString, Optional: true, Computed: true, ForceNew: true, Description: "-"},
			"receive_wait_time_seconds":   intDefault(0, nil),
			"redrive_policy":              {Type: schema.TypeString, Optional: true, Computed: true, ValidateFunc: validation.StringIsJSON, Description: "-"},
			"region":                      regionAttribute(),
			"sqs_managed_sse_enabled":     {Type: schema.TypeBool, Optional: true, Computed: true, ConflictsWith: []string{"kms_master_key_id"}, Description: "-"},
			"tags":                        tagsSchema(),
			"tags_all":                    tagsAllSchema(),
			"url":                         comp(),
			"visibility_timeout_seconds":  intDefault(30, validation.IntBetween(0, 43200)),
		}),
	}
}

func schemaOnlyVersion(version int, typeName string, attributes map[string]*schema.Schema) *schema.Resource {
	r := schemaOnly(typeName, attributes)
	r.SchemaVersion = version
	return r
}

// internal/service/sts/caller_identity_data_source.go.
func dataSources() map[string]*schema.Resource {
	return map[string]*schema.Resource{
		"aws_caller_identity": {
			ReadContext: func(ctx context.Context, d *schema.ResourceData, meta any) diag.Diagnostics {
				return diag.Errorf("keyward stand-in provider: aws_caller_identity needs STS, which the sandbox does not emulate")
			},
			Schema: map[string]*schema.Schema{"account_id": comp(), "arn": comp(), "user_id": comp()},
		},
	}
}

var _ = json.Valid
