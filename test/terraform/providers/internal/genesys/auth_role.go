package genesys

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"time"

	"github.com/hashicorp/terraform-plugin-sdk/v2/diag"
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/retry"
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/validation"
)

// Nested blocks of genesyscloud_auth_role (genesyscloud/auth_role/resource_genesyscloud_auth_role_schema.go at v1.84.1).
var (
	roleOperandElem = &schema.Resource{Schema: map[string]*schema.Schema{
		"type":     {Type: schema.TypeString, Required: true, ValidateFunc: validation.StringInSlice([]string{"USER", "QUEUE", "SCALAR", "VARIABLE"}, false), Description: "USER, QUEUE, SCALAR or VARIABLE."},
		"queue_id": {Type: schema.TypeString, Optional: true, Description: "Queue of a QUEUE operand."},
		"user_id":  {Type: schema.TypeString, Optional: true, Description: "User of a USER operand."},
		"value":    {Type: schema.TypeString, Optional: true, Description: "Value of a SCALAR or VARIABLE operand."},
	}}
	roleTermElem = &schema.Resource{Schema: map[string]*schema.Schema{
		"variable_name": {Type: schema.TypeString, Required: true, Description: "Variable compared."},
		"operator":      {Type: schema.TypeString, Required: true, ValidateFunc: validation.StringInSlice([]string{"EQ", "IN", "GE", "GT", "LE", "LT"}, false), Description: "Comparison."},
		"operands":      {Type: schema.TypeSet, Required: true, Elem: roleOperandElem, Description: "Operands."},
	}}
	rolePolicyElem = &schema.Resource{Schema: map[string]*schema.Schema{
		"domain":      {Type: schema.TypeString, Required: true, Description: "Permission domain."},
		"entity_name": {Type: schema.TypeString, Required: true, Description: "Entity, or `*`."},
		"action_set":  {Type: schema.TypeSet, Required: true, MinItems: 1, Elem: &schema.Schema{Type: schema.TypeString}, Description: "Actions, or `*`."},
		"conditions": {
			Type: schema.TypeList, Optional: true, MaxItems: 1, Description: "Conditions.",
			Elem: &schema.Resource{Schema: map[string]*schema.Schema{
				"conjunction": {Type: schema.TypeString, Required: true, ValidateFunc: validation.StringInSlice([]string{"AND", "OR"}, false), Description: "AND or OR."},
				"terms":       {Type: schema.TypeSet, Required: true, Elem: roleTermElem, Description: "Terms."},
			}},
		},
	}}
)

func resourceAuthRole() *schema.Resource {
	return &schema.Resource{
		Description:   "Genesys Cloud authorization role (keyward stand-in).",
		CreateContext: createAuthRole,
		ReadContext:   readAuthRole,
		UpdateContext: updateAuthRole,
		DeleteContext: deleteAuthRole,
		Importer:      &schema.ResourceImporter{StateContext: schema.ImportStatePassthroughContext},
		SchemaVersion: 1,
		Schema: map[string]*schema.Schema{
			"name":                {Type: schema.TypeString, Required: true, Description: "Role name."},
			"description":         {Type: schema.TypeString, Optional: true, Description: "Role description."},
			"permissions":         {Type: schema.TypeSet, Optional: true, Elem: &schema.Schema{Type: schema.TypeString}, Description: "General permissions."},
			"permission_policies": {Type: schema.TypeSet, Optional: true, Elem: rolePolicyElem, Description: "Permission policies."},
			"default_role_id":     {Type: schema.TypeString, Optional: true, ForceNew: true, Description: "Manage an existing default role."},
		},
	}
}

type conditionValue struct {
	Type *string `json:"type,omitempty"`
	User *struct {
		ID *string `json:"id,omitempty"`
	} `json:"user,omitempty"`
	Queue *struct {
		ID *string `json:"id,omitempty"`
	} `json:"queue,omitempty"`
	Value *string `json:"value,omitempty"`
}

type conditionNode struct {
	VariableName *string           `json:"variableName,omitempty"`
	Conjunction  *string           `json:"conjunction,omitempty"`
	Operator     *string           `json:"operator,omitempty"`
	Operands     *[]conditionValue `json:"operands,omitempty"`
	Terms        *[]conditionNode  `json:"terms,omitempty"`
}

type permissionPolicy struct {
	Domain                *string        `json:"domain,omitempty"`
	EntityName            *string        `json:"entityName,omitempty"`
	ActionSet             *[]string      `json:"actionSet,omitempty"`
	ResourceConditionNode *conditionNode `json:"resourceConditionNode,omitempty"`
}

type roleBody struct {
	Name               string              `json:"name"`
	Description        string              `json:"description"`
	Permissions        *[]string           `json:"permissions,omitempty"`
	PermissionPolicies *[]permissionPolicy `json:"permissionPolicies"`
}

type role struct {
	ID                 *string             `json:"id"`
	Name               *string             `json:"name"`
	Description        *string             `json:"description"`
	DefaultRoleID      *string             `json:"defaultRoleId"`
	Permissions        *[]string           `json:"permissions"`
	PermissionPolicies *[]permissionPolicy `json:"permissionPolicies"`
}

func str(s string) *string { return &s }

func setStrings(v any) *[]string {
	out := []string{}
	for _, s := range v.(*schema.Set).List() {
		out = append(out, s.(string))
	}
	return &out
}

func buildPolicies(d *schema.ResourceData) *[]permissionPolicy {
	policies := []permissionPolicy{}
	if v, ok := d.GetOk("permission_policies"); ok {
		for _, raw := range v.(*schema.Set).List() {
			m := raw.(map[string]any)
			p := permissionPolicy{Domain: str(m["domain"].(string)), EntityName: str(m["entity_name"].(string)), ActionSet: setStrings(m["action_set"])}
			if conditions, ok := m["conditions"].([]any); ok && len(conditions) > 0 && conditions[0] != nil {
				c := conditions[0].(map[string]any)
				terms := []conditionNode{}
				for _, rawTerm := range c["terms"].(*schema.Set).List() {
					t := rawTerm.(map[string]any)
					operands := []conditionValue{}
					for _, rawOperand := range t["operands"].(*schema.Set).List() {
						o := rawOperand.(map[string]any)
						value := conditionValue{Type: str(o["type"].(string))}
						switch o["type"] {
						case "USER":
							value.User = &struct {
								ID *string `json:"id,omitempty"`
							}{ID: str(o["user_id"].(string))}
						case "QUEUE":
							value.Queue = &struct {
								ID *string `json:"id,omitempty"`
							}{ID: str(o["queue_id"].(string))}
						default:
							value.Value = str(o["value"].(string))
						}
						operands = append(operands, value)
					}
					terms = append(terms, conditionNode{VariableName: str(t["variable_name"].(string)), Operator: str(t["operator"].(string)), Operands: &operands})
				}
				p.ResourceConditionNode = &conditionNode{Conjunction: str(c["conjunction"].(string)), Terms: &terms}
			}
			policies = append(policies, p)
		}
	}
	return &policies
}

func buildRole(d *schema.ResourceData) roleBody {
	body := roleBody{Name: d.Get("name").(string), Description: d.Get("description").(string), PermissionPolicies: buildPolicies(d)}
	if v, ok := d.GetOk("permissions"); ok {
		body.Permissions = setStrings(v)
	}
	return body
}

// validatePolicies: before create and update the provider checks each policy's domain/entity/actions against
// GET /api/v2/authorization/permissions?queryType=domain&query=<domain>; a miss is only logged.
func validatePolicies(ctx context.Context, a *api, policies *[]permissionPolicy) {
	for _, p := range *policies {
		query := url.Values{"pageSize": {"100"}, "pageNumber": {"1"}, "queryType": {"domain"}, "query": {*p.Domain}}
		var listing struct {
			Entities []struct {
				PermissionMap map[string][]struct {
					Action string `json:"action"`
				} `json:"permissionMap"`
			} `json:"entities"`
		}
		if err := a.call(ctx, http.MethodGet, "/api/v2/authorization/permissions?"+query.Encode(), nil, &listing); err != nil {
			log.Printf("[WARN] Permission policy may be missing or not assigned: error requesting org permissions: %s", err)
			continue
		}
		if len(listing.Entities) == 0 {
			log.Printf("[WARN] Permission policy may be missing or not assigned: domain %s not found", *p.Domain)
		}
	}
}

func createAuthRole(ctx context.Context, d *schema.ResourceData, meta any) diag.Diagnostics {
	a := meta.(*api)
	if v := d.Get("default_role_id").(string); v != "" {
		return diag.Errorf("keyward stand-in provider: default_role_id (managing a default role) is not emulated")
	}
	body := buildRole(d)
	validatePolicies(ctx, a, body.PermissionPolicies)
	var created role
	if err := a.call(ctx, http.MethodPost, "/api/v2/authorization/roles", body, &created); err != nil {
		return diag.Errorf("Failed to create role %s error: %s", body.Name, err)
	}
	if created.ID == nil {
		return diag.Errorf("Failed to create role %s: no id in the answer", body.Name)
	}
	d.SetId(*created.ID)
	return readAuthRole(ctx, d, meta)
}

func flattenPolicies(policies []permissionPolicy, configured []any) *schema.Set {
	set := schema.NewSet(schema.HashResource(rolePolicyElem), nil)
	for _, p := range policies {
		m := map[string]any{}
		if p.Domain != nil {
			m["domain"] = *p.Domain
		}
		if p.EntityName != nil {
			m["entity_name"] = *p.EntityName
		}
		if p.ActionSet != nil {
			items := []any{}
			for _, action := range *p.ActionSet {
				items = append(items, action)
			}
			m["action_set"] = schema.NewSet(schema.HashString, items)
		}
		if c := p.ResourceConditionNode; c != nil {
			terms := schema.NewSet(schema.HashResource(roleTermElem), nil)
			for _, t := range derefTerms(c.Terms) {
				operands := schema.NewSet(schema.HashResource(roleOperandElem), nil)
				for _, o := range derefOperands(t.Operands) {
					om := map[string]any{"type": deref(o.Type)}
					switch deref(o.Type) {
					case "USER":
						if o.User != nil {
							om["user_id"] = deref(o.User.ID)
						}
					case "QUEUE":
						if o.Queue != nil {
							om["queue_id"] = deref(o.Queue.ID)
						}
					default:
						om["value"] = deref(o.Value)
					}
					operands.Add(om)
				}
				terms.Add(map[string]any{"variable_name": deref(t.VariableName), "operator": deref(t.Operator), "operands": operands})
			}
			m["conditions"] = []any{map[string]any{"conjunction": deref(c.Conjunction), "terms": terms}}
		}
		// A configured `*` action set stays `*` when the API expands it (the provider's wildcard suppression).
		for _, rawConfigured := range configured {
			cm := rawConfigured.(map[string]any)
			if cm["domain"] == m["domain"] && cm["entity_name"] == m["entity_name"] {
				if actions, ok := cm["action_set"].(*schema.Set); ok && actions.Contains("*") {
					m["action_set"] = schema.NewSet(schema.HashString, []any{"*"})
				}
			}
		}
		set.Add(m)
	}
	return set
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func derefTerms(t *[]conditionNode) []conditionNode {
	if t == nil {
		return nil
	}
	return *t
}

func derefOperands(o *[]conditionValue) []conditionValue {
	if o == nil {
		return nil
	}
	return *o
}

func readAuthRole(ctx context.Context, d *schema.ResourceData, meta any) diag.Diagnostics {
	a := meta.(*api)
	var configured []any
	if v, ok := d.GetOk("permission_policies"); ok {
		configured = v.(*schema.Set).List()
	}
	return readWithRetries(ctx, a, d, func() error {
		var r role
		if err := a.call(ctx, http.MethodGet, "/api/v2/authorization/roles/"+escape(d.Id())+"?userCount=false", nil, &r); err != nil {
			return fmt.Errorf("Failed to read role %s | error: %w", d.Id(), err)
		}
		if r.Name == nil {
			return errors.New("the role has no name")
		}
		_ = d.Set("name", *r.Name)
		setNillable(d, "description", r.Description)
		setNillable(d, "default_role_id", r.DefaultRoleID)
		if r.Permissions != nil {
			_ = d.Set("permissions", *r.Permissions)
		} else {
			_ = d.Set("permissions", nil)
		}
		if r.PermissionPolicies != nil {
			_ = d.Set("permission_policies", flattenPolicies(*r.PermissionPolicies, configured))
		} else {
			_ = d.Set("permission_policies", nil)
		}
		return nil
	})
}

func updateAuthRole(ctx context.Context, d *schema.ResourceData, meta any) diag.Diagnostics {
	a := meta.(*api)
	body := buildRole(d)
	validatePolicies(ctx, a, body.PermissionPolicies)
	if err := a.call(ctx, http.MethodPut, "/api/v2/authorization/roles/"+escape(d.Id()), body, nil); err != nil {
		return diag.Errorf("Failed to update role %s %s error: %s", d.Id(), body.Name, err)
	}
	return readAuthRole(ctx, d, meta)
}

// deleteAuthRole: DELETE, then poll GET for up to 60 s until 404.
func deleteAuthRole(ctx context.Context, d *schema.ResourceData, meta any) diag.Diagnostics {
	a := meta.(*api)
	if err := a.call(ctx, http.MethodDelete, "/api/v2/authorization/roles/"+escape(d.Id()), nil, nil); err != nil {
		return diag.Errorf("Failed to delete auth role %s %s error: %s", d.Id(), d.Get("name").(string), err)
	}
	err := retry.RetryContext(ctx, 60*time.Second, func() *retry.RetryError {
		err := a.call(ctx, http.MethodGet, "/api/v2/authorization/roles/"+escape(d.Id())+"?userCount=false", nil, nil)
		if isStatus(err, http.StatusNotFound) {
			return nil
		}
		if err != nil {
			return retry.NonRetryableError(fmt.Errorf("Error deleting role %s | error: %w", d.Id(), err))
		}
		return retry.RetryableError(errors.New("Role " + d.Id() + " still exists"))
	})
	return diag.FromErr(err)
}
