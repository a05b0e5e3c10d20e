package blob

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/lanyardhq/lanyard/internal/blobstore"
	"github.com/lanyardhq/lanyard/internal/dataplane"
	"github.com/lanyardhq/lanyard/internal/dataplane/dataplanetest"
	"github.com/lanyardhq/lanyard/internal/rbac"
	"github.com/lanyardhq/lanyard/internal/signing"
	"github.com/lanyardhq/lanyard/internal/store"
	"github.com/lanyardhq/lanyard/internal/tokens"
	"github.com/lanyardhq/lanyard/internal/tokens/tokentest"
)

const (
	testTenant  = "8f2b2c44-1d2e-4f4e-9c3a-0a1b2c3d4e5f"
	testSub     = "0b1f6471-1bf0-4dda-aec3-cb9272f09590"
	testAccount = "acct1"
	storageAud  = "https://storage.azure.com"
)

const accountID = "/subscriptions/" + testSub + "/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/" + testAccount

// env is a minimal server: the real SQLite store, signing keys, issuer and
// verifier (tokentest), RBAC index and guard, the real blob engine, and the Handler
// serving path-style "/{account}/...".
type env struct {
	t      testing.TB
	srv    *httptest.Server
	st     store.Store
	index  *rbac.Index
	tokens *tokentest.Parts
	blobs  *blobstore.Store
}

func newEnv(t testing.TB) *env {
	t.Helper()
	e := &env{t: t}
	// No ServeMux: it would clean "a/../b" into another blob's path
	// before the Handler could refuse it.
	var serve http.HandlerFunc
	e.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { serve(w, r) }))
	e.srv.StartTLS()
	t.Cleanup(e.srv.Close)
	p := tokentest.New(t, tokentest.Config{IssuerURL: tokens.IssuerURL(e.srv.URL, testTenant), TenantID: testTenant, Alg: signing.RS256})
	e.st, e.tokens = p.Store, p
	var guard *dataplane.Guard
	e.index, guard = dataplanetest.Seed(t, p, store.Resource{ID: accountID, Type: storageType, SubscriptionID: testSub,
		ResourceGroup: "rg1", Name: testAccount})
	var err error
	e.blobs, err = blobstore.Open(t.TempDir(), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.blobs.Close() })
	h := New(Config{Store: e.blobs, Accounts: e.st, Guard: guard, AuthorityURL: e.srv.URL + "/" + testTenant,
		Now: time.Now})
	serve = func(w http.ResponseWriter, r *http.Request) {
		name, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		base := e.srv.URL + "/" + name
		h.Serve(w, r, dataplane.Address{Name: name, Path: "/" + rest, BaseURL: base,
			Audiences: []string{storageAud, base}})
	}
	return e
}

// principal mints a token for a new service principal holding role (by
// built-in name) at scope ("" for none).
func (e *env) principal(oid, role, scope string) string {
	e.t.Helper()
	ctx := context.Background()
	if err := e.st.CreatePrincipal(ctx, store.Principal{ID: oid, Kind: store.KindServicePrincipal, DisplayName: oid}); err != nil {
		e.t.Fatal(err)
	}
	if role != "" {
		d, ok := rbac.BuiltinByName(role)
		if !ok {
			e.t.Fatalf("no role %q", role)
		}
		if err := e.st.CreateAssignment(ctx, store.RoleAssignment{Name: "a" + oid[1:],
			PrincipalID: oid, PrincipalType: "ServicePrincipal", RoleDefinitionID: d.ID, Scope: scope}); err != nil {
			e.t.Fatal(err)
		}
		if err := e.index.Sync(ctx); err != nil {
			e.t.Fatal(err)
		}
	}
	return e.token(oid, storageAud)
}

func (e *env) token(oid, aud string) string { return e.tokens.AppToken(e.t, oid, aud) }

// staticToken is an azcore.TokenCredential returning one token.
type staticToken string

func (s staticToken) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: string(s), ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// client is the unmodified azblob client for the account with token.
func (e *env) client(token string) *azblob.Client {
	e.t.Helper()
	c, err := azblob.NewClient(e.srv.URL+"/"+testAccount, staticToken(token), &azblob.ClientOptions{
		ClientOptions: azcore.ClientOptions{Transport: e.srv.Client(), Retry: policy.RetryOptions{MaxRetries: -1}},
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// customRole defines a role granting one data action and assigns it.
func (e *env) customRole(oid, name, dataAction, scope string) error {
	ctx := context.Background()
	if err := e.st.CreatePrincipal(ctx, store.Principal{ID: oid, Kind: store.KindServicePrincipal, DisplayName: oid}); err != nil {
		return err
	}
	id := "d0000000-0000-4000-8000-000000000001"
	if err := e.st.PutRoleDefinition(ctx, store.RoleDefinition{ID: id, RoleName: name, RoleType: "CustomRole",
		AssignableScopes: []string{"/subscriptions/" + testSub},
		Permissions:      []store.Permission{{DataActions: []string{dataAction}}}}); err != nil {
		return err
	}
	if err := e.st.CreateAssignment(ctx, store.RoleAssignment{Name: "a0000000-0000-4000-8000-000000000009",
		PrincipalID: oid, PrincipalType: "ServicePrincipal", RoleDefinitionID: id, Scope: scope}); err != nil {
		return err
	}
	return e.index.Sync(ctx)
}

func (e *env) acct() blobstore.Account {
	res, err := e.st.FindResource(context.Background(), storageType, testAccount)
	if err != nil {
		e.t.Fatal(err)
	}
	return blobstore.Account{Name: res.Name, Generation: res.CreatedAt.UnixNano()}
}

func blobListAll() blobstore.ListBlobsOptions { return blobstore.ListBlobsOptions{} }
