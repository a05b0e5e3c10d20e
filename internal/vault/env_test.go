package vault

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"

	"github.com/lanyardhq/lanyard/internal/dataplane"
	"github.com/lanyardhq/lanyard/internal/dataplane/dataplanetest"
	"github.com/lanyardhq/lanyard/internal/rbac"
	"github.com/lanyardhq/lanyard/internal/store"
	"github.com/lanyardhq/lanyard/internal/tokens"
	"github.com/lanyardhq/lanyard/internal/tokens/tokentest"
)

const (
	testTenant = "8f2b2c44-1d2e-4f4e-9c3a-0a1b2c3d4e5f"
	testSub    = "0b1f6471-1bf0-4dda-aec3-cb9272f09590"
	testVault  = "myvault"
	vaultAud   = "https://vault.azure.net"
	vaultScope = vaultAud + "/.default"
	authority  = "https://login.lanyard.test/" + testTenant
)

const vaultID = "/subscriptions/" + testSub + "/resourceGroups/rg1/providers/Microsoft.KeyVault/vaults/" + testVault

// env is the real SQLite store, signing keys, issuer, verifier (tokentest),
// RBAC index and guard, and the Handler behind a TLS server serving path-style
// "/vaults/{vault}/...".
type env struct {
	t      testing.TB
	srv    *httptest.Server
	dbPath string
	st     store.Store
	index  *rbac.Index
	tokens *tokentest.Parts
	h      *Handler
}

func newEnv(t testing.TB) *env {
	t.Helper()
	e := &env{t: t, dbPath: filepath.Join(t.TempDir(), "lanyard.db")}
	mux := http.NewServeMux()
	e.srv = httptest.NewUnstartedServer(mux)
	e.srv.StartTLS()
	t.Cleanup(e.srv.Close)
	e.start()
	mux.HandleFunc("/vaults/{vault}/{rest...}", func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("vault")
		e.h.Serve(w, r, dataplane.Address{Name: name, Path: "/" + r.PathValue("rest"),
			BaseURL: e.srv.URL + "/vaults/" + name, Audiences: []string{vaultAud}, Resource: vaultAud})
	})
	return e
}

// start opens the store with the token parts (the issuer is the started
// TLS server's URL), creates the vault with its subscription and group,
// and builds the Handler.
func (e *env) start() {
	p := tokentest.New(e.t, tokentest.Config{IssuerURL: tokens.IssuerURL(e.srv.URL, testTenant), TenantID: testTenant, Path: e.dbPath})
	e.st, e.tokens = p.Store, p
	var guard *dataplane.Guard
	e.index, guard = dataplanetest.Seed(e.t, p, store.Resource{ID: vaultID, Type: vaultType, SubscriptionID: testSub,
		ResourceGroup: "rg1", Name: testVault})
	var err error
	e.h, err = New(Config{Store: e.st, Sealer: p.Sealer, Guard: guard, AuthorityURL: authority, Now: time.Now})
	if err != nil {
		e.t.Fatal(err)
	}
}

var assignments int

// grant creates principal oid (if new) and assigns it the built-in role at
// scope.
func (e *env) grant(oid, role, scope string) {
	e.t.Helper()
	ctx := context.Background()
	if _, err := e.st.GetPrincipal(ctx, oid); err != nil {
		if err := e.st.CreatePrincipal(ctx, store.Principal{ID: oid, Kind: store.KindServicePrincipal, DisplayName: oid}); err != nil {
			e.t.Fatal(err)
		}
	}
	d, ok := rbac.BuiltinByName(role)
	if !ok {
		e.t.Fatalf("no role %q", role)
	}
	assignments++
	name := fmt.Sprintf("a0000000-0000-4000-8000-%012d", assignments)
	if err := e.st.CreateAssignment(ctx, store.RoleAssignment{Name: name,
		PrincipalID: oid, PrincipalType: "ServicePrincipal", RoleDefinitionID: d.ID, Scope: scope}); err != nil {
		e.t.Fatal(err)
	}
	if err := e.index.Sync(ctx); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) token(oid, aud string) string {
	e.t.Helper()
	return e.tokens.AppToken(e.t, oid, aud)
}

// minting is a credential that mints a real token for the scope the SDK
// asks for, as Entra would (aud = scope without "/.default"), and records
// what it was asked.
type minting struct {
	e   *env
	oid string
	aud string // if set, the audience regardless of the scope

	mu      sync.Mutex
	scopes  []string
	tenants []string
}

func (m *minting) GetToken(_ context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	m.mu.Lock()
	m.scopes = append(m.scopes, o.Scopes...)
	m.tenants = append(m.tenants, o.TenantID)
	m.mu.Unlock()
	if len(o.Scopes) != 1 || !strings.HasSuffix(o.Scopes[0], "/.default") {
		return azcore.AccessToken{}, fmt.Errorf("unexpected scopes %q", o.Scopes)
	}
	aud := m.aud
	if aud == "" {
		aud = strings.TrimSuffix(o.Scopes[0], "/.default")
	}
	raw, exp, err := m.e.tokens.Issuer.Mint(tokens.Claims{Audience: aud, ObjectID: m.oid, Subject: m.oid,
		IdentityType: tokens.IdentityApp}, time.Hour)
	return azcore.AccessToken{Token: raw, ExpiresOn: exp}, err
}

func (m *minting) asked() (scopes, tenants []string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.scopes), slices.Clone(m.tenants)
}

// client is the unmodified azsecrets client for the path-style vault URL.
func (e *env) client(cred azcore.TokenCredential) *azsecrets.Client {
	e.t.Helper()
	c, err := azsecrets.NewClient(e.srv.URL+"/vaults/"+testVault, cred, &azsecrets.ClientOptions{
		DisableChallengeResourceVerification: true,
		ClientOptions:                        azcore.ClientOptions{Transport: e.srv.Client(), Retry: policy.RetryOptions{MaxRetries: -1}},
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}
