package genesys

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"

	"keyward.local/standins/internal/loopback"
)

// api is the configured provider: where requests go and the bearer tokens they carry. It never logs a token, a
// secret or a response body.
type api struct {
	apiBase      string
	loginBase    string
	http         *http.Client
	userAgent    string
	clientID     string
	clientSecret string
	tokens       []string
	next         atomic.Uint64
	mu           sync.Mutex
	retryTimeout time.Duration

	homeOnce     sync.Once
	homeDivision string
	homeErr      error
}

// apiError is how a failed Platform API call reads: "API Error: <status> - <message> (<code>)", the Go SDK's
// format (the real provider's retries match on "API Error: 404").
type apiError struct {
	Status  int
	Code    string
	Message string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("API Error: %d - %s (%s)", e.Status, e.Message, e.Code)
}

func isStatus(err error, status int) bool {
	var e *apiError
	return errors.As(err, &e) && e.Status == status
}

// gatewayBase mirrors the Go SDK's gateway URL rule: <protocol>://<host>[:<port>][/<path value for kind>], the
// port left out for 80 and 443, the path value taken for the path name that equals kind (case-sensitive).
func gatewayBase(gw map[string]any, kind string) string {
	host, _ := gw["host"].(string)
	port, _ := gw["port"].(string)
	protocol, _ := gw["protocol"].(string)
	base := protocol + "://" + host
	if port != "" && port != "80" && port != "443" {
		base += ":" + port
	}
	if params, ok := gw["path_params"].(*schema.Set); ok {
		for _, raw := range params.List() {
			p := raw.(map[string]any)
			if p["path_name"] == kind {
				value, _ := p["path_value"].(string)
				if value != "" && !strings.HasPrefix(value, "/") {
					value = "/" + value
				}
				base += strings.TrimSuffix(value, "/")
			}
		}
	}
	return base
}

func newAPI(ctx context.Context, d *schema.ResourceData) (*api, error) {
	if proxies := d.Get("proxy").(*schema.Set); proxies.Len() > 0 {
		return nil, errors.New("keyward stand-in provider: the proxy block is not emulated; point the gateway at the emulator instead")
	}
	region := strings.ToLower(d.Get("aws_region").(string))
	a := &api{
		apiBase:   "https://api." + regionDomains[region],
		http:      &http.Client{Timeout: 60 * time.Second},
		userAgent: "GC Terraform Provider/" + Version + " (keyward stand-in)",
	}
	a.loginBase = strings.Replace(a.apiBase, "://api.", "://login.", 1)
	if gateways := d.Get("gateway").(*schema.Set); gateways.Len() > 0 {
		gw := gateways.List()[0].(map[string]any)
		a.apiBase = gatewayBase(gw, "api")
		a.loginBase = gatewayBase(gw, "login")
	} else if region == "" {
		return nil, errors.New("keyward stand-in provider: no aws_region (GENESYSCLOUD_REGION) and no gateway block; the stand-in needs a gateway pointing at the Genesys emulator")
	}
	if err := loopback.Check(a.apiBase, "Genesys Cloud API endpoint"); err != nil {
		return nil, err
	}
	if err := loopback.Check(a.loginBase, "Genesys Cloud login endpoint"); err != nil {
		return nil, err
	}
	timeout, err := time.ParseDuration(d.Get("custom_retry_timeout").(string))
	if err != nil {
		return nil, err
	}
	a.retryTimeout = timeout

	if token := d.Get("access_token").(string); token != "" {
		a.tokens = []string{token}
	} else {
		a.clientID = d.Get("oauthclient_id").(string)
		a.clientSecret = d.Get("oauthclient_secret").(string)
		// The real provider prefills a pool of token_pool_size SDK clients, each with its own client-credentials token.
		for i := 0; i < d.Get("token_pool_size").(int); i++ {
			token, err := a.login(ctx)
			if err != nil {
				return nil, fmt.Errorf("failed to authorize Genesys Cloud client credentials: %w", err)
			}
			a.tokens = append(a.tokens, token)
		}
	}

	// configure(): GET /api/v2/organizations/me (the provider dereferences defaultCountryCode), then
	// GET /api/v2/authorization/products.
	var org struct {
		ID                 string  `json:"id"`
		DefaultCountryCode *string `json:"defaultCountryCode"`
	}
	if err := a.call(ctx, http.MethodGet, "/api/v2/organizations/me", nil, &org); err != nil {
		return nil, err
	}
	if org.DefaultCountryCode == nil {
		return nil, errors.New("GET /api/v2/organizations/me returned no defaultCountryCode (the real provider dereferences it and would crash)")
	}
	var products struct {
		Total    *int `json:"total"`
		Entities *[]struct {
			ID *string `json:"id"`
		} `json:"entities"`
	}
	if err := a.call(ctx, http.MethodGet, "/api/v2/authorization/products", nil, &products); err != nil {
		return nil, err
	}
	if products.Total == nil || products.Entities == nil {
		return nil, errors.New("GET /api/v2/authorization/products returned no total or entities (the real provider dereferences both)")
	}
	return a, nil
}

// login: POST <login>/oauth/token, client credentials in HTTP Basic, grant type in the form body. A 400
// invalid_request "rate limit exceeded;" is retried for up to a minute, as the provider does; anything else fails.
func (a *api) login(ctx context.Context) (string, error) {
	deadline := time.Now().Add(time.Minute)
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.loginBase+"/oauth/token", strings.NewReader("grant_type=client_credentials"))
		if err != nil {
			return "", err
		}
		req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(a.clientID+":"+a.clientSecret)))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("User-Agent", a.userAgent)
		res, err := a.http.Do(req)
		if err != nil {
			return "", err
		}
		body, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
		res.Body.Close()
		if res.StatusCode == http.StatusOK {
			var token struct {
				AccessToken string `json:"access_token"`
			}
			if err := json.Unmarshal(body, &token); err != nil || token.AccessToken == "" {
				return "", errors.New("the token endpoint answered 200 without an access_token")
			}
			return token.AccessToken, nil
		}
		var authErr struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		_ = json.Unmarshal(body, &authErr)
		if res.StatusCode == http.StatusBadRequest && authErr.Error == "invalid_request" && strings.HasPrefix(authErr.Description, "rate limit exceeded;") && time.Now().Before(deadline) {
			if err := sleep(ctx, backoff(attempt)); err != nil {
				return "", err
			}
			continue
		}
		// The Go SDK's format; the description never carries the secret.
		return "", fmt.Errorf("Auth Error: %d - %s (%s)", res.StatusCode, authErr.Error, authErr.Description)
	}
}

func backoff(attempt int) time.Duration {
	d := time.Second << min(attempt, 5)
	return min(d, 30*time.Second)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (a *api) token() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.tokens[int(a.next.Add(1)-1)%len(a.tokens)]
}

// call sends one Platform API request and decodes the JSON answer into out (when not nil). Like the Go SDK's retry
// configuration (RetryWaitMin 1 s, RetryWaitMax 30 s, RetryMax 20) it retries 429 (honouring Retry-After, capped)
// and 5xx answers; a 401 logs in again once (AutomaticTokenRefresh).
func (a *api) call(ctx context.Context, method, path string, body any, out any) error {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return err
		}
	}
	refreshed := false
	for attempt := 0; ; attempt++ {
		var reader io.Reader
		if payload != nil {
			reader = bytes.NewReader(payload)
		}
		req, err := http.NewRequestWithContext(ctx, method, a.apiBase+path, reader)
		if err != nil {
			return err
		}
		token := a.token()
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Accept", "application/json")
		req.Header.Set("User-Agent", a.userAgent)
		if payload != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := a.http.Do(req)
		if err != nil {
			if attempt < 20 {
				log.Printf("[DEBUG] %s %s: transport error, retrying", method, path)
				if err := sleep(ctx, backoff(attempt)); err != nil {
					return err
				}
				continue
			}
			return err
		}
		data, _ := io.ReadAll(io.LimitReader(res.Body, 8<<20))
		res.Body.Close()
		log.Printf("[DEBUG] %s %s -> %d", method, path, res.StatusCode)
		switch {
		case res.StatusCode >= 200 && res.StatusCode < 300:
			if out != nil && len(bytes.TrimSpace(data)) > 0 {
				return json.Unmarshal(data, out)
			}
			return nil
		case res.StatusCode == http.StatusUnauthorized && !refreshed && a.clientID != "":
			refreshed = true
			fresh, err := a.login(ctx)
			if err != nil {
				return err
			}
			a.mu.Lock()
			for i := range a.tokens {
				if a.tokens[i] == token {
					a.tokens[i] = fresh
				}
			}
			a.mu.Unlock()
			continue
		case (res.StatusCode == http.StatusTooManyRequests || res.StatusCode >= 500) && attempt < 20:
			wait := backoff(attempt)
			if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err == nil && s >= 0 {
				wait = min(time.Duration(s)*time.Second, 30*time.Second)
			}
			if err := sleep(ctx, wait); err != nil {
				return err
			}
			continue
		}
		var errBody struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(data, &errBody)
		return &apiError{Status: res.StatusCode, Code: errBody.Code, Message: errBody.Message}
	}
}

// homeDivisionID: GET /api/v2/authorization/divisions/home, once per provider process (util.GetHomeDivisionID).
func (a *api) homeDivisionID(ctx context.Context) (string, error) {
	a.homeOnce.Do(func() {
		var division struct {
			ID *string `json:"id"`
		}
		if err := a.call(ctx, http.MethodGet, "/api/v2/authorization/divisions/home", nil, &division); err != nil {
			a.homeErr = fmt.Errorf("Failed to query home division: %w", err)
			return
		}
		if division.ID == nil {
			a.homeErr = errors.New("Failed to query home division: no id in the answer")
			return
		}
		a.homeDivision = *division.ID
	})
	return a.homeDivision, a.homeErr
}

func escape(id string) string { return url.PathEscape(id) }
