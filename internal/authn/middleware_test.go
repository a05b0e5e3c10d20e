package authn_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/authn"
	"github.com/lanyardhq/lanyard/internal/tokens"
	"github.com/lanyardhq/lanyard/internal/tokens/tokentest"
)

func TestMiddleware(t *testing.T) {
	now := time.Now()
	clock := func() time.Time { return now }
	const tenant = "8f2b2c44-1d2e-4f4e-9c3a-0a1b2c3d4e5f"
	parts := tokentest.New(t, tokentest.Config{IssuerURL: tokens.IssuerURL("https://lanyard.test", tenant), TenantID: tenant, Now: clock})
	authority := "https://lanyard.test/" + tenant
	var got authn.Caller
	h := authn.Middleware(parts.Verifier, tokens.ManagementAudiences, authority)(
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got, _ = authn.FromContext(r.Context())
			w.WriteHeader(http.StatusNoContent)
		}))
	mint := func(c tokens.Claims, life time.Duration) string {
		raw, _, err := parts.Issuer.Mint(c, life)
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	user := mint(tokens.Claims{Audience: "https://management.core.windows.net/", ObjectID: "u1", AppID: tokens.CLIClientID,
		IdentityType: "user", PreferredUsername: "alice@lanyard.local", Name: "Alice"}, time.Hour)
	app := mint(tokens.Claims{Audience: tokens.ManagementAudience, ObjectID: "a1", AuthorizedParty: "client-1", IdentityType: "app"}, time.Hour)
	expired := mint(tokens.Claims{Audience: tokens.ManagementAudience, ObjectID: "u1"}, time.Second)
	storage := mint(tokens.Claims{Audience: "https://storage.azure.com", ObjectID: "u1"}, time.Hour)
	now = now.Add(2 * time.Minute)

	tests := []struct {
		name, auth, code string
		want             authn.Caller
	}{
		{"user", "Bearer " + user, "", authn.Caller{PrincipalID: "u1", TenantID: tenant, Name: "alice@lanyard.local", ClientID: tokens.CLIClientID, IdentityType: "user", Audience: "https://management.core.windows.net/"}},
		{"app, lower-case scheme", "bearer " + app, "", authn.Caller{PrincipalID: "a1", TenantID: tenant, Name: "a1", ClientID: "client-1", IdentityType: "app", Audience: tokens.ManagementAudience}},
		{"missing", "", "AuthenticationFailed", authn.Caller{}},
		{"basic", "Basic dTpw", "AuthenticationFailed", authn.Caller{}},
		{"garbage", "Bearer abc.def.ghi", "InvalidAuthenticationToken", authn.Caller{}},
		{"expired", "Bearer " + expired, "ExpiredAuthenticationToken", authn.Caller{}},
		{"wrong audience", "Bearer " + storage, "InvalidAuthenticationTokenAudience", authn.Caller{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got = authn.Caller{}
			req := httptest.NewRequest("GET", "/subscriptions", nil)
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if tt.code == "" {
				if rec.Code != http.StatusNoContent || got != tt.want {
					t.Fatalf("status %d caller %+v, want %+v", rec.Code, got, tt.want)
				}
				return
			}
			var body struct {
				Error struct{ Code, Message string }
			}
			json.Unmarshal(rec.Body.Bytes(), &body)
			if rec.Code != 401 || body.Error.Code != tt.code || got != (authn.Caller{}) {
				t.Fatalf("status %d body %s", rec.Code, rec.Body)
			}
			wa := rec.Header().Get("WWW-Authenticate")
			if !strings.HasPrefix(wa, `Bearer authorization_uri="`+authority+`", error="invalid_token", error_description="`) {
				t.Fatalf("WWW-Authenticate %q", wa)
			}
		})
	}
}
