package credential_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/credential"
)

// TestTokenResponses feeds the response shapes managed-identity and token
// endpoints send (PROTOCOLS §1.6) through an App Service endpoint: the
// expiry forms MSAL accepts, and the malformed bodies and error statuses a
// broken or hostile endpoint could send, none of which may yield a token.
func TestTokenResponses(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	cases := []struct {
		name    string
		status  int
		body    string
		wantExp time.Time
		wantErr string
	}{
		{"expires_on string", 200, `{"access_token":"t","expires_on":"1800003600","token_type":"Bearer"}`, time.Unix(1_800_003_600, 0), ""},
		{"expires_on number", 200, `{"access_token":"t","expires_on":1800003600}`, time.Unix(1_800_003_600, 0), ""},
		{"expires_on RFC 3339", 200, `{"access_token":"t","expires_on":"2027-01-15T08:00:00Z"}`, time.Date(2027, 1, 15, 8, 0, 0, 0, time.UTC), ""},
		{"expires_in only", 200, `{"access_token":"t","expires_in":"3600"}`, now.Add(time.Hour), ""},
		{"expires_on wins over expires_in", 200, `{"access_token":"t","expires_on":"1800000900","expires_in":3600}`, time.Unix(1_800_000_900, 0), ""},
		{"202 accepted", 202, `{"access_token":"t","expires_in":3600}`, now.Add(time.Hour), ""},
		{"no expiry", 200, `{"access_token":"t"}`, time.Time{}, "neither expires_on nor expires_in"},
		{"old App Service date", 200, `{"access_token":"t","expires_on":"09/14/2017 00:00:00 PM +00:00"}`, time.Time{}, "malformed"},
		{"fractional expires_in", 200, `{"access_token":"t","expires_in":3600.5}`, time.Time{}, "malformed"},
		{"no access_token", 200, `{"expires_in":3600}`, time.Time{}, "no access_token"},
		{"error with 200", 200, `{"error":"invalid_grant","error_description":"nope","access_token":"t","expires_in":1}`, time.Time{}, "invalid_grant: nope"},
		{"not Bearer", 200, `{"access_token":"t","expires_in":3600,"token_type":"pop"}`, time.Time{}, "not Bearer"},
		{"not JSON", 200, `<html>`, time.Time{}, "not JSON"},
		{"400 OAuth error", 400, `{"error":"invalid_resource","error_description":"AADSTS500011: no such resource"}`, time.Time{}, "AADSTS500011"},
		{"500 text", 500, strings.Repeat("x", 5000), time.Time{}, "HTTP 500"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cleanEnv(t)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			t.Setenv("IDENTITY_ENDPOINT", srv.URL)
			t.Setenv("IDENTITY_HEADER", "h")
			cred, err := credential.NewManagedIdentityCredential(&credential.Options{Now: func() time.Time { return now }})
			if err != nil {
				t.Fatal(err)
			}
			tok, err := cred.GetToken(t.Context(), scope("api://r"))
			if tc.wantErr != "" {
				var ae *credential.AuthenticationError
				if !errors.As(err, &ae) || !strings.Contains(err.Error(), tc.wantErr) || tok.Token != "" {
					t.Fatalf("GetToken = %q, %v; want an AuthenticationError with %q", tok.Token, err, tc.wantErr)
				}
				if len(err.Error()) > 600 {
					t.Fatalf("error echoes the whole body (%d bytes)", len(err.Error()))
				}
				return
			}
			if err != nil || tok.Token != "t" || !tok.ExpiresOn.Equal(tc.wantExp) {
				t.Fatalf("GetToken = %q %v, %v; want expiry %v", tok.Token, tok.ExpiresOn, err, tc.wantExp)
			}
		})
	}
}
