package credential_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/lanyardhq/lanyard/credential"
)

// TestWorkloadIdentityCredential checks the wire request against a
// recording token endpoint (Lanyard's token service needs an external
// OIDC issuer for federation): the file's content is the client assertion,
// and the file is read again for every request, so rotation is picked up.
func TestWorkloadIdentityCredential(t *testing.T) {
	cleanEnv(t)
	var got atomic.Value
	var n atomic.Int64
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/tenant-1/oauth2/v2.0/token" {
			http.Error(w, `{"error":"invalid_request"}`, http.StatusBadRequest)
			return
		}
		r.ParseForm()
		got.Store(r.PostForm)
		fmt.Fprintf(w, `{"token_type":"Bearer","expires_in":3599,"access_token":"wl-%d"}`, n.Add(1))
	}))
	defer srv.Close()
	file := filepath.Join(t.TempDir(), "token")
	os.WriteFile(file, []byte("assertion-1"), 0o600)
	t.Setenv("AZURE_AUTHORITY_HOST", srv.URL)
	t.Setenv("AZURE_TENANT_ID", "tenant-1")
	t.Setenv("AZURE_CLIENT_ID", "client-1")
	t.Setenv("AZURE_FEDERATED_TOKEN_FILE", file)
	cred, err := credential.NewWorkloadIdentityCredential(&credential.Options{Transport: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	for i, aud := range []string{"api://one", "api://two"} {
		os.WriteFile(file, []byte(fmt.Sprintf("assertion-%d", i+1)), 0o600)
		tok, err := cred.GetToken(t.Context(), scope(aud))
		if err != nil {
			t.Fatalf("GetToken: %v", err)
		}
		form := got.Load().(url.Values)
		want := map[string]string{
			"grant_type": "client_credentials", "client_id": "client-1", "scope": aud + "/.default",
			"client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
			"client_assertion":      fmt.Sprintf("assertion-%d", i+1),
		}
		for k, v := range want {
			if len(form[k]) != 1 || form[k][0] != v {
				t.Fatalf("form %s = %v, want %q", k, form[k], v)
			}
		}
		if _, ok := form["client_secret"]; ok || !strings.HasPrefix(tok.Token, "wl-") {
			t.Fatalf("form %v, token %q", form, tok.Token)
		}
	}

	t.Run("missing variables: unavailable", func(t *testing.T) {
		for _, k := range []string{"AZURE_FEDERATED_TOKEN_FILE", "AZURE_CLIENT_ID", "AZURE_TENANT_ID"} {
			t.Run(k, func(t *testing.T) {
				t.Setenv(k, "")
				if _, err := credential.NewWorkloadIdentityCredential(nil); !credential.IsUnavailable(err) || !strings.Contains(err.Error(), k) {
					t.Fatalf("err = %v", err)
				}
			})
		}
	})
	t.Run("plain http authority refused", func(t *testing.T) {
		t.Setenv("AZURE_AUTHORITY_HOST", strings.Replace(srv.URL, "https", "http", 1))
		if _, err := credential.NewWorkloadIdentityCredential(nil); err == nil || !strings.Contains(err.Error(), "https") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("tenant that is not a path segment refused", func(t *testing.T) {
		t.Setenv("AZURE_TENANT_ID", "../evil")
		if _, err := credential.NewWorkloadIdentityCredential(nil); err == nil {
			t.Fatal("accepted")
		}
	})
}
