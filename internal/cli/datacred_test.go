package cli

import (
	"context"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

const (
	storageToken = "eyJSTORAGE.storage-payload.sig"
	vaultToken   = "eyJVAULT.vault-payload.sig"
)

// dataFake is a TLS server standing in for the Blob and Key Vault data
// planes: it checks each service gets its own token, records requests and
// answers through handle. httptest's TLS servers share one certificate, so
// the profile's CA (the ARM fake's) trusts it too.
type dataFake struct {
	srv    *httptest.Server
	mu     sync.Mutex
	got    []*http.Request
	bodies []string
	handle func(w http.ResponseWriter, r *http.Request, body string)
}

func newDataFake(t *testing.T, handle func(w http.ResponseWriter, r *http.Request, body string)) *dataFake {
	t.Helper()
	d := &dataFake{handle: handle}
	d.srv = httptest.NewUnstartedServer(http.HandlerFunc(d.serve))
	d.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	d.srv.StartTLS()
	t.Cleanup(d.srv.Close)
	return d
}

func (d *dataFake) serve(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	d.mu.Lock()
	d.got = append(d.got, r)
	d.bodies = append(d.bodies, string(b))
	d.mu.Unlock()
	want := "Bearer " + storageToken
	if strings.HasPrefix(r.URL.Path, "/vaults/") {
		want = "Bearer " + vaultToken
		if r.Header.Get("Authorization") == "" {
			// Key Vault's challenge, as PROTOCOLS.md §7.1 describes it.
			w.Header().Set("WWW-Authenticate", `Bearer authorization="https://login.microsoftonline.com/`+testTenant+`", resource="https://vault.azure.net"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
	}
	if r.Header.Get("Authorization") != want {
		w.Header().Set("x-ms-error-code", "InvalidAuthenticationInfo")
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	d.handle(w, r, string(b))
}

func (d *dataFake) requests() []*http.Request {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]*http.Request(nil), d.got...)
}

// signInData writes a profile with data tokens valid for an hour.
func (f *fakeAPI) signInData(t *testing.T, tokens map[string]storedToken) {
	t.Helper()
	f.signIn(t)
	prof, err := loadProfile()
	if err != nil {
		t.Fatal(err)
	}
	prof.DataTokens = tokens
	if err := saveProfile(prof); err != nil {
		t.Fatal(err)
	}
}

func validDataTokens() map[string]storedToken {
	return map[string]storedToken{
		storageAudience: {AccessToken: storageToken, ExpiresOn: testNow.Add(time.Hour)},
		vaultAudience:   {AccessToken: vaultToken, ExpiresOn: testNow.Add(time.Hour)},
	}
}

func TestDataToken(t *testing.T) {
	a := &app{now: func() time.Time { return testNow }}
	tests := []struct {
		name    string
		tokens  map[string]storedToken
		wantErr string
	}{
		{"valid", validDataTokens(), ""},
		{"profile from before data planes", nil, "no token for https://storage.azure.com"},
		{"other audience only", map[string]storedToken{vaultAudience: {AccessToken: vaultToken}}, "run 'lanyard login'"},
		{"expired", map[string]storedToken{storageAudience: {AccessToken: storageToken, ExpiresOn: testNow}}, "expired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cred, err := a.dataToken(&Profile{DataTokens: tt.tokens}, storageAudience)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "lanyard login") {
					t.Fatalf("err = %v, want one containing %q and the advice", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tok, err := cred.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{"https://storage.azure.com/.default"}})
			if err != nil || tok.Token != storageToken || !tok.ExpiresOn.Equal(testNow.Add(time.Hour)) {
				t.Errorf("GetToken = %+v, %v", tok, err)
			}
		})
	}
}

func TestStaticCredentialExpiresWhileRunning(t *testing.T) {
	now := testNow
	a := &app{now: func() time.Time { return now }}
	cred, err := a.dataToken(&Profile{DataTokens: validDataTokens()}, vaultAudience)
	if err != nil {
		t.Fatal(err)
	}
	now = testNow.Add(time.Hour)
	_, err = cred.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{"https://vault.azure.net/.default"}})
	if !errors.Is(err, errDataExpired) {
		t.Fatalf("err = %v, want errDataExpired", err)
	}
	if got := dataError(err).Error(); !strings.Contains(got, "lanyard login") {
		t.Errorf("dataError = %q", got)
	}
}

func TestCheckEndpoint(t *testing.T) {
	for _, tt := range []struct {
		raw string
		ok  bool
	}{
		{"https://127.0.0.1:8443/demostore/", true},
		{"https://demostore.blob.lanyard.test:8443/", true},
		{"http://127.0.0.1:8443/demostore/", false},
		{"https://user:pw@127.0.0.1/x/", false},
		{"https://127.0.0.1/x/?sig=1", false},
		{"/demostore/", false},
		{"", false},
	} {
		if _, err := checkEndpoint(tt.raw); (err == nil) != tt.ok {
			t.Errorf("checkEndpoint(%q) err = %v, want ok=%v", tt.raw, err, tt.ok)
		}
	}
}

func TestServiceMessage(t *testing.T) {
	for _, tt := range []struct{ body, want string }{
		{`{"error":{"code":"Forbidden","message":"Caller lacks\n secrets/getSecret/action"}}`, "Caller lacks secrets/getSecret/action"},
		{`<?xml version="1.0"?><Error><Code>AuthorizationPermissionMismatch</Code><Message>This request is not authorized &amp; so on.</Message></Error>`, "This request is not authorized & so on."},
		{`not a known shape`, ""},
		{`{"error":{"message":"` + strings.Repeat("x", 400) + `"}}`, strings.Repeat("x", 300) + "…"},
	} {
		if got := serviceMessage([]byte(tt.body)); got != tt.want {
			t.Errorf("serviceMessage(%.40q) = %q, want %q", tt.body, got, tt.want)
		}
	}
}

func TestLoginStoresDataTokens(t *testing.T) {
	f := newFake(t)
	serveLogin(f, t, 200, map[string]any{"access_token": testToken, "token_type": "Bearer", "expires_in": 600})
	ca := writeFile(t, "ca.crt", f.caPEM())
	pw := writeFile(t, "pw", "pw-from-file\n")
	if _, err := runCLI(t, "", "login", "--server", f.srv.URL, "--ca-file", ca, "-u", "alice@example.com", "--password-file", pw); err != nil {
		t.Fatal(err)
	}
	var scopes []string
	for _, r := range f.requests() {
		if r.Method == http.MethodPost {
			scopes = append(scopes, r.Path)
		}
	}
	if len(scopes) != 3 {
		t.Errorf("%d token requests, want 3 (management, storage, vault)", len(scopes))
	}
	prof, err := loadProfile()
	if err != nil {
		t.Fatal(err)
	}
	for _, aud := range dataAudiences {
		if tok := prof.DataTokens[aud]; tok.AccessToken != testToken || !tok.ExpiresOn.Equal(testNow.Add(600*time.Second)) {
			t.Errorf("data token %s = expires %s", aud, tok.ExpiresOn)
		}
	}
}
