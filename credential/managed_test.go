package credential_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/lanyardhq/lanyard/credential"
)

// TestManagedIdentityAppService gets tokens from the real Lanyard agent
// through a session opened as `lanyard run --app` does: the app's
// system-assigned identity, a user-assigned one by client ID, and the
// default chain picking managed identity with nothing else configured.
func TestManagedIdentityAppService(t *testing.T) {
	cleanEnv(t)
	s := startServer(t)
	s.run(t, "group", "create", "-n", "mi")
	shared := s.run(t, "identity", "create", "-g", "mi", "-n", "shared")
	other := s.run(t, "identity", "create", "-g", "mi", "-n", "other")
	s.run(t, "app", "create", "-g", "mi", "-n", "web")
	ident := s.run(t, "app", "identity", "assign", "-g", "mi", "-n", "web", "--system-assigned", "--identities", "shared")
	s.session(t, "web")
	sysOID, sharedOID := str(ident, "principalId"), str(shared, "properties", "principalId")
	if sysOID == "" || sharedOID == "" {
		t.Fatalf("identities: %v %v", ident, shared)
	}
	ctx := t.Context()

	cases := []struct {
		name, clientID, aud, oid string
	}{
		{"system-assigned", "", "api://cred-system", sysOID},
		{"user-assigned by client ID", str(shared, "properties", "clientId"), "api://cred-client", sharedOID},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cred, err := credential.NewManagedIdentityCredential(&credential.Options{ManagedIdentityClientID: tc.clientID})
			if err != nil {
				t.Fatal(err)
			}
			if cred.Protocol() != "App Service" {
				t.Fatalf("protocol %q", cred.Protocol())
			}
			tok, err := cred.GetToken(ctx, scope(tc.aud))
			if err != nil {
				t.Fatalf("GetToken: %v", err)
			}
			c := claims(t, tok.Token)
			if c["aud"] != tc.aud || c["oid"] != tc.oid {
				t.Fatalf("token aud=%v oid=%v, want %s %s", c["aud"], c["oid"], tc.aud, tc.oid)
			}
			if exp := int64(c["exp"].(float64)); tok.ExpiresOn.Unix() != exp {
				t.Fatalf("ExpiresOn %v, token exp %d", tok.ExpiresOn, exp)
			}
		})
	}

	t.Run("identity not attached: real failure", func(t *testing.T) {
		cred, err := credential.NewManagedIdentityCredential(&credential.Options{ManagedIdentityClientID: str(other, "properties", "clientId")})
		if err != nil {
			t.Fatal(err)
		}
		tok, err := cred.GetToken(ctx, scope("api://cred-other"))
		var ae *credential.AuthenticationError
		if !errors.As(err, &ae) || ae.StatusCode < 400 || tok.Token != "" {
			t.Fatalf("GetToken = %q, %v; want an AuthenticationError", tok.Token, err)
		}
		if credential.IsUnavailable(err) {
			t.Fatal("a refused identity must not count as unavailable")
		}
	})

	t.Run("default chain selects managed identity", func(t *testing.T) {
		d, err := credential.NewDefaultCredential(nil)
		if err != nil {
			t.Fatal(err)
		}
		if d.Selected() != "" {
			t.Fatalf("selected %q before any token", d.Selected())
		}
		tok, err := d.GetToken(ctx, scope("api://cred-dac"))
		if err != nil {
			t.Fatalf("GetToken: %v", err)
		}
		if c := claims(t, tok.Token); c["oid"] != sysOID {
			t.Fatalf("oid %v, want the system-assigned %s", c["oid"], sysOID)
		}
		if d.Selected() != credential.SourceManagedIdentity {
			t.Fatalf("Selected() = %q", d.Selected())
		}
	})

	t.Run("a wrong identity header stops the chain", func(t *testing.T) {
		t.Setenv("IDENTITY_HEADER", "not-the-header")
		d, err := credential.NewDefaultCredential(nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = d.GetToken(ctx, scope("api://cred-bad-header"))
		var ce *credential.ChainError
		if !errors.As(err, &ce) || !ce.Stopped || credential.IsUnavailable(err) {
			t.Fatalf("err = %v; want a stopped chain", err)
		}
		if strings.Contains(err.Error(), credential.SourceAzureCLI) || strings.Contains(err.Error(), "not-the-header") {
			t.Fatalf("the chain went past managed identity or echoed the header:\n%v", err)
		}
		if d.Selected() != "" {
			t.Fatalf("Selected() = %q after a failure", d.Selected())
		}
	})
}
