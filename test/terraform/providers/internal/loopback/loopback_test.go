package loopback

import "testing"

func TestCheck(t *testing.T) {
	ok := []string{"http://127.0.0.1:8080", "http://127.9.9.9", "https://localhost:1/x", "http://[::1]:9000", "http://api.localhost"}
	bad := []string{"https://api.mypurecloud.com", "http://10.0.0.1", "https://secretsmanager.us-east-1.amazonaws.com", "ftp://127.0.0.1", "127.0.0.1:80", "http://127.0.0.1.example.com", "http://localhost.evil.com"}
	for _, u := range ok {
		if err := Check(u, "endpoint"); err != nil {
			t.Errorf("%s refused: %v", u, err)
		}
	}
	for _, u := range bad {
		if err := Check(u, "endpoint"); err == nil {
			t.Errorf("%s accepted", u)
		}
	}
}
