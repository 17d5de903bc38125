package genesys

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"time"

	"github.com/hashicorp/terraform-plugin-sdk/v2/diag"
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/retry"
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/validation"
)

// roleDivisionElem: the `roles` block of genesyscloud_oauth_client (oauthClientRoleDivResource at v1.84.1).
var roleDivisionElem = &schema.Resource{Schema: map[string]*schema.Schema{
	"role_id":     {Type: schema.TypeString, Required: true, Description: "Role of the grant."},
	"division_id": {Type: schema.TypeString, Optional: true, Computed: true, Description: "Division of the grant; unset: the home division; `*`: all."},
}}

// resourceOAuthClient: genesyscloud/oauth_client/resource_genesyscloud_oauth_client_schema.go at v1.84.1.
func resourceOAuthClient() *schema.Resource {
	return &schema.Resource{
		Description:   "Genesys Cloud OAuth client (keyward stand-in).",
		CreateContext: createOAuthClient,
		ReadContext:   readOAuthClient,
		UpdateContext: updateOAuthClient,
		DeleteContext: deleteOAuthClient,
		Importer:      &schema.ResourceImporter{StateContext: schema.ImportStatePassthroughContext},
		SchemaVersion: 1,
		Schema: map[string]*schema.Schema{
			"name":        {Type: schema.TypeString, Required: true, Description: "Client name."},
			"description": {Type: schema.TypeString, Optional: true, Description: "Client description."},
			"access_token_validity_seconds": {
				Type: schema.TypeInt, Optional: true, Default: 86400, ValidateFunc: validation.IntBetween(300, 38880000),
				Description: "Token lifetime in seconds.",
			},
			"registered_redirect_uris": {Type: schema.TypeSet, Optional: true, Elem: &schema.Schema{Type: schema.TypeString}, Description: "Redirect URIs."},
			"authorized_grant_type": {
				Type: schema.TypeString, Required: true,
				ValidateFunc: validation.StringInSlice([]string{"CODE", "TOKEN", "SAML2BEARER", "SAML2-BEARER", "PASSWORD", "CLIENT-CREDENTIALS"}, false),
				Description:  "Grant type.",
			},
			"scopes": {Type: schema.TypeSet, Optional: true, Elem: &schema.Schema{Type: schema.TypeString}, Description: "Scopes (not for client credentials)."},
			"roles":  {Type: schema.TypeSet, Optional: true, Elem: roleDivisionElem, Description: "Role grants (client credentials)."},
			"state": {
				Type: schema.TypeString, Optional: true, Default: "active", ValidateFunc: validation.StringInSlice([]string{"active", "inactive"}, false),
				Description: "active or inactive.",
			},
			"integration_credential_id":   {Type: schema.TypeString, Computed: true, Description: "Integration credential created with the client."},
			"integration_credential_name": {Type: schema.TypeString, Optional: true, Description: "Name of an integration credential to create."},
			"client_id":                   {Type: schema.TypeString, Computed: true, Description: "The client id."},
			"client_secret":               {Type: schema.TypeString, Optional: true, Computed: true, Sensitive: true, Description: "The creation-time secret, only with expose_client_secret."},
			"expose_client_secret":        {Type: schema.TypeBool, Optional: true, Default: false, Description: "Store the creation-time secret in the state."},
			"directory_client_secret":     {Type: schema.TypeString, Optional: true, Description: "Directory to write the secret to."},
		},
	}
}

type roleDivision struct {
	RoleID     *string `json:"roleId,omitempty"`
	DivisionID *string `json:"divisionId,omitempty"`
}

// oauthClientRequest: the OAuthClientRequest body the provider sends on POST and PUT (fields it always sets are
// plain, the ones it sets only when configured are pointers).
type oauthClientRequest struct {
	Name                       string          `json:"name"`
	Description                string          `json:"description"`
	AccessTokenValiditySeconds int             `json:"accessTokenValiditySeconds"`
	AuthorizedGrantType        string          `json:"authorizedGrantType"`
	State                      string          `json:"state"`
	RegisteredRedirectURI      *[]string       `json:"registeredRedirectUri,omitempty"`
	Scope                      *[]string       `json:"scope,omitempty"`
	RoleDivisions              *[]roleDivision `json:"roleDivisions,omitempty"`
}

type oauthClient struct {
	ID                         *string         `json:"id"`
	Name                       *string         `json:"name"`
	Description                *string         `json:"description"`
	AccessTokenValiditySeconds *int            `json:"accessTokenValiditySeconds"`
	AuthorizedGrantType        *string         `json:"authorizedGrantType"`
	State                      *string         `json:"state"`
	RegisteredRedirectURI      *[]string       `json:"registeredRedirectUri"`
	Scope                      *[]string       `json:"scope"`
	RoleDivisions              *[]roleDivision `json:"roleDivisions"`
	Secret                     *string         `json:"secret"`
}

func stringSet(d *schema.ResourceData, key string) *[]string {
	v, ok := d.GetOk(key)
	if !ok {
		return nil
	}
	out := []string{}
	for _, s := range v.(*schema.Set).List() {
		out = append(out, s.(string))
	}
	return &out
}

// buildRoles: a grant without a division gets the home division (GET /api/v2/authorization/divisions/home).
func buildRoles(ctx context.Context, a *api, d *schema.ResourceData) (*[]roleDivision, error) {
	v, ok := d.GetOk("roles")
	if !ok {
		return nil, nil
	}
	roles := []roleDivision{}
	for _, raw := range v.(*schema.Set).List() {
		m := raw.(map[string]any)
		roleID := m["role_id"].(string)
		divisionID, _ := m["division_id"].(string)
		if divisionID == "" {
			home, err := a.homeDivisionID(ctx)
			if err != nil {
				return nil, err
			}
			divisionID = home
		}
		roles = append(roles, roleDivision{RoleID: &roleID, DivisionID: &divisionID})
	}
	return &roles, nil
}

func clientRequest(ctx context.Context, a *api, d *schema.ResourceData) (*oauthClientRequest, error) {
	roles, err := buildRoles(ctx, a, d)
	if err != nil {
		return nil, err
	}
	return &oauthClientRequest{
		Name:                       d.Get("name").(string),
		Description:                d.Get("description").(string),
		AccessTokenValiditySeconds: d.Get("access_token_validity_seconds").(int),
		AuthorizedGrantType:        d.Get("authorized_grant_type").(string),
		State:                      d.Get("state").(string),
		RegisteredRedirectURI:      stringSet(d, "registered_redirect_uris"),
		Scope:                      stringSet(d, "scopes"),
		RoleDivisions:              roles,
	}, nil
}

func notEmulated(d *schema.ResourceData) diag.Diagnostics {
	for _, key := range []string{"integration_credential_name", "directory_client_secret"} {
		if v, ok := d.GetOk(key); ok && v.(string) != "" {
			return diag.Errorf("keyward stand-in provider: %s is not emulated (keyward's stacks refuse it by default)", key)
		}
	}
	return nil
}

func createOAuthClient(ctx context.Context, d *schema.ResourceData, meta any) diag.Diagnostics {
	a := meta.(*api)
	if diags := notEmulated(d); diags != nil {
		return diags
	}
	request, err := clientRequest(ctx, a, d)
	if err != nil {
		return diag.FromErr(err)
	}
	// Before creating, the provider asks who it is (GET /api/v2/tokens/me): a user token (org purecloud-builtin)
	// would first get the client's roles added to that user. keyward's sandbox logs in with client credentials.
	var tokenInfo struct {
		OAuthClient *struct {
			Organization *struct {
				ID *string `json:"id"`
			} `json:"organization"`
		} `json:"OAuthClient"`
	}
	if err := a.call(ctx, http.MethodGet, "/api/v2/tokens/me", nil, &tokenInfo); err != nil {
		return diag.Errorf("Error trying to retrieve the token for the OAuth client running our CX as Code provider %s", err)
	}
	if tokenInfo.OAuthClient == nil || tokenInfo.OAuthClient.Organization == nil || tokenInfo.OAuthClient.Organization.ID == nil {
		return diag.Errorf("GET /api/v2/tokens/me returned no OAuthClient.organization.id (the real provider dereferences it)")
	}
	if *tokenInfo.OAuthClient.Organization.ID == "purecloud-builtin" {
		return diag.Errorf("keyward stand-in provider: user tokens (purecloud-builtin) are not emulated; log in with client credentials")
	}

	var client oauthClient
	if err := a.call(ctx, http.MethodPost, "/api/v2/oauth/clients", request, &client); err != nil {
		return diag.Errorf("Failed to create oauth client %s error: %s", request.Name, err)
	}
	if client.ID == nil {
		return diag.Errorf("failed to retrieve client ID from createOAuthClient.")
	}
	// The creation-time secret reaches the state only with expose_client_secret; otherwise "".
	if d.Get("expose_client_secret").(bool) && client.Secret != nil {
		_ = d.Set("client_secret", *client.Secret)
	} else {
		_ = d.Set("client_secret", "")
	}
	d.SetId(*client.ID)
	log.Printf("[INFO] Created oauth client %s", *client.ID)
	return readOAuthClient(ctx, d, meta)
}

// readWithRetries: util.WithRetriesForRead. A 404 is retried until custom_retry_timeout, then the resource leaves
// the state; timeout 0 reads once.
func readWithRetries(ctx context.Context, a *api, d *schema.ResourceData, read func() error) diag.Diagnostics {
	if a.retryTimeout <= 0 {
		if err := read(); err != nil {
			if isStatus(err, http.StatusNotFound) {
				d.SetId("")
				return nil
			}
			return diag.FromErr(err)
		}
		return nil
	}
	err := retry.RetryContext(ctx, a.retryTimeout, func() *retry.RetryError {
		if err := read(); err != nil {
			if isStatus(err, http.StatusNotFound) {
				return retry.RetryableError(err)
			}
			return retry.NonRetryableError(err)
		}
		return nil
	})
	if err != nil {
		if isStatus(err, http.StatusNotFound) {
			d.SetId("")
			return nil
		}
		return diag.FromErr(err)
	}
	return nil
}

func setNillable[T any](d *schema.ResourceData, key string, v *T) {
	if v == nil {
		_ = d.Set(key, nil)
		return
	}
	_ = d.Set(key, *v)
}

func readOAuthClient(ctx context.Context, d *schema.ResourceData, meta any) diag.Diagnostics {
	a := meta.(*api)
	return readWithRetries(ctx, a, d, func() error {
		var client oauthClient
		if err := a.call(ctx, http.MethodGet, "/api/v2/oauth/clients/"+escape(d.Id()), nil, &client); err != nil {
			return fmt.Errorf("Failed to read oauth client %s | error: %w", d.Id(), err)
		}
		setNillable(d, "name", client.Name)
		setNillable(d, "description", client.Description)
		setNillable(d, "access_token_validity_seconds", client.AccessTokenValiditySeconds)
		setNillable(d, "authorized_grant_type", client.AuthorizedGrantType)
		setNillable(d, "state", client.State)
		if client.RegisteredRedirectURI != nil {
			_ = d.Set("registered_redirect_uris", *client.RegisteredRedirectURI)
		} else {
			_ = d.Set("registered_redirect_uris", nil)
		}
		if client.Scope != nil {
			_ = d.Set("scopes", *client.Scope)
		} else {
			_ = d.Set("scopes", nil)
		}
		if client.RoleDivisions != nil {
			roles := schema.NewSet(schema.HashResource(roleDivisionElem), nil)
			for _, rd := range *client.RoleDivisions {
				m := map[string]any{}
				if rd.RoleID != nil {
					m["role_id"] = *rd.RoleID
				}
				if rd.DivisionID != nil {
					m["division_id"] = *rd.DivisionID
				}
				roles.Add(m)
			}
			_ = d.Set("roles", roles)
		} else {
			_ = d.Set("roles", nil)
		}
		setNillable(d, "client_id", client.ID)
		return nil
	})
}

func putOAuthClient(ctx context.Context, a *api, d *schema.ResourceData) error {
	request, err := clientRequest(ctx, a, d)
	if err != nil {
		return err
	}
	if err := a.call(ctx, http.MethodPut, "/api/v2/oauth/clients/"+escape(d.Id()), request, nil); err != nil {
		return fmt.Errorf("Failed to update oauth client %s error: %w", d.Id(), err)
	}
	return nil
}

func updateOAuthClient(ctx context.Context, d *schema.ResourceData, meta any) diag.Diagnostics {
	if diags := notEmulated(d); diags != nil {
		return diags
	}
	if err := putOAuthClient(ctx, meta.(*api), d); err != nil {
		return diag.FromErr(err)
	}
	return readOAuthClient(ctx, d, meta)
}

// deleteOAuthClient: PUT with state inactive (only inactive clients may be deleted), DELETE, then poll GET for up
// to 30 s until 404 or state "deleted".
func deleteOAuthClient(ctx context.Context, d *schema.ResourceData, meta any) diag.Diagnostics {
	a := meta.(*api)
	_ = d.Set("state", "inactive")
	if err := putOAuthClient(ctx, a, d); err != nil {
		return diag.FromErr(err)
	}
	if err := a.call(ctx, http.MethodDelete, "/api/v2/oauth/clients/"+escape(d.Id()), nil, nil); err != nil {
		return diag.Errorf("Failed to delete oauth client %s error: %s", d.Get("name").(string), err)
	}
	err := retry.RetryContext(ctx, 30*time.Second, func() *retry.RetryError {
		var client oauthClient
		err := a.call(ctx, http.MethodGet, "/api/v2/oauth/clients/"+escape(d.Id()), nil, &client)
		if isStatus(err, http.StatusNotFound) {
			return nil
		}
		if err != nil {
			return retry.NonRetryableError(fmt.Errorf("Error deleting OAuth client %s | error: %w", d.Id(), err))
		}
		if client.State != nil && *client.State == "deleted" {
			return nil
		}
		return retry.RetryableError(errors.New("OAuth client " + d.Id() + " still exists"))
	})
	return diag.FromErr(err)
}
