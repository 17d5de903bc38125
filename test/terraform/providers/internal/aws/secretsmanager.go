package aws

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"strings"
	"time"

	"keyward.local/standins/internal/loopback"
)

// smError is an AWS JSON-protocol error ("__type" + "message").
type smError struct {
	Status  int
	Type    string
	Message string
}

func (e *smError) Error() string {
	return fmt.Sprintf("operation error Secrets Manager: https response error StatusCode: %d, %s: %s", e.Status, e.Type, e.Message)
}

func isSMError(err error, typ string) bool {
	var e *smError
	return errors.As(err, &e) && e.Type == typ
}

// callSM sends one Secrets Manager operation (AWS JSON 1.1, `X-Amz-Target: secretsmanager.<op>`, SigV4-signed)
// to the configured endpoint and decodes the answer into out. Throttling and 5xx answers are retried
// (max_retries, default 25, with capped backoff), as the AWS SDK's standard retryer does.
func (c *client) callSM(ctx context.Context, region, operation string, input any, out any) error {
	endpoint := c.endpoint("secretsmanager", "AWS_ENDPOINT_URL_SECRETS_MANAGER", region)
	if err := loopback.Check(endpoint, "Secrets Manager endpoint"); err != nil {
		return err
	}
	payload, err := json.Marshal(input)
	if err != nil {
		return err
	}
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(endpoint, "/")+"/", bytes.NewReader(payload))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", "secretsmanager."+operation)
		req.Header.Set("User-Agent", "keyward-standin-aws/"+Version)
		sign(req, payload, c.creds, region, "secretsmanager", time.Now())
		res, err := c.http.Do(req)
		if err != nil {
			if attempt < c.maxRetries {
				if err := sleep(ctx, backoff(attempt)); err != nil {
					return err
				}
				continue
			}
			return err
		}
		data, _ := io.ReadAll(io.LimitReader(res.Body, 8<<20))
		res.Body.Close()
		log.Printf("[DEBUG] secretsmanager.%s -> %d", operation, res.StatusCode)
		if res.StatusCode == http.StatusOK {
			if out != nil {
				return json.Unmarshal(data, out)
			}
			return nil
		}
		var body struct {
			Type     string `json:"__type"`
			Message  string `json:"message"`
			MessageU string `json:"Message"`
		}
		_ = json.Unmarshal(data, &body)
		typ := body.Type
		if i := strings.LastIndex(typ, "#"); i >= 0 {
			typ = typ[i+1:]
		}
		message := body.Message
		if message == "" {
			message = body.MessageU
		}
		retryable := res.StatusCode >= 500 || typ == "ThrottlingException" || typ == "TooManyRequestsException" || res.StatusCode == http.StatusTooManyRequests
		if retryable && attempt < c.maxRetries {
			if err := sleep(ctx, backoff(attempt)); err != nil {
				return err
			}
			continue
		}
		return &smError{Status: res.StatusCode, Type: typ, Message: message}
	}
}

func backoff(attempt int) time.Duration {
	return min(50*time.Millisecond<<min(attempt, 10), 20*time.Second)
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
