package resources

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/arm"
	"github.com/lanyardhq/lanyard/internal/authn"
	"github.com/lanyardhq/lanyard/internal/rbac"
	"github.com/lanyardhq/lanyard/internal/rbac/rbactest"
	"github.com/lanyardhq/lanyard/internal/store"
)

const (
	testTenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	testSub    = "00000000-0000-0000-0000-00000000000a"
	ownerID    = "11111111-1111-1111-1111-111111111111"
	principalH = "X-Test-Principal"
)

// env is a resource manager on the real embedded store and RBAC index,
// behind an HTTP server whose test middleware sets the caller from a header.
type env struct {
	t     *testing.T
	st    store.Store
	index *rbac.Index
	srv   *httptest.Server
	now   time.Time
}

type envOption func(*Config)

func newEnv(t *testing.T, opts ...envOption) *env {
	t.Helper()
	e := &env{t: t, now: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)}
	e.st, e.index = rbactest.New(t, func() time.Time { return e.now })
	cfg := Config{Store: e.st, Authz: e.index, Sync: e.index, TenantID: testTenant,
		BaseURL: "https://127.0.0.1:8443", Now: func() time.Time { return e.now }}
	for _, o := range opts {
		o(&cfg)
	}
	rt := arm.NewRouter()
	New(cfg).Register(rt)
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := r.Header.Get(principalH); p != "" {
			r = r.WithContext(authn.WithCaller(r.Context(), authn.Caller{PrincipalID: p, Name: "user-" + p, TenantID: testTenant}))
		}
		rt.ServeHTTP(w, r)
	}))
	t.Cleanup(e.srv.Close)
	e.user(ownerID)
	e.assign(ownerID, rbac.OwnerID, "/")
	if code, body := e.do("PUT", "/subscriptions/"+testSub, `{"displayName":"Test"}`, ownerID); code != 201 {
		t.Fatalf("create subscription: %d %s", code, body)
	}
	return e
}

func (e *env) user(id string) {
	e.t.Helper()
	err := e.st.CreatePrincipal(context.Background(), store.Principal{ID: id, Kind: store.KindUser, DisplayName: id, UserName: id + "@test", CreatedAt: e.now})
	if err != nil {
		e.t.Fatal(err)
	}
}

// assign grants role to principal at scope directly in the store and syncs
// the index, returning the assignment's name.
func (e *env) assign(principal, role, scope string) string {
	e.t.Helper()
	a := store.RoleAssignment{Name: newGUID(), Scope: scope, RoleDefinitionID: role, PrincipalID: principal,
		PrincipalType: "User", CreatedAt: e.now, UpdatedAt: e.now}
	if err := e.st.CreateAssignment(context.Background(), a); err != nil {
		e.t.Fatal(err)
	}
	if err := e.index.Sync(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	return a.Name
}

var versions = map[string]string{
	"subscriptions":          "2022-12-01",
	"resourcegroups":         "2024-11-01",
	"userassignedidentities": "2023-01-31",
	"sites":                  "2024-04-01",
	"config":                 "2024-04-01",
	"virtualmachines":        "2024-07-01",
	"storageaccounts":        "2023-05-01",
	"vaults":                 "2023-07-01",
}

// apiVersion picks a supported version from the path's type segment.
func apiVersion(path string) string {
	parts := strings.Split(strings.Trim(strings.ToLower(path), "/"), "/")
	for i := len(parts) - 1; i >= 0; i-- {
		if v, ok := versions[parts[i]]; ok {
			return v
		}
	}
	return "2024-11-01"
}

// do sends a request as principal ("" for none) with a supported
// api-version and returns the status and body.
func (e *env) do(method, path, body, principal string) (int, string) {
	e.t.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	if !strings.Contains(path, "api-version=") {
		av := path
		if method == http.MethodPost {
			av = path[:strings.LastIndexByte(path, '/')]
		}
		path += sep + "api-version=" + apiVersion(av)
	}
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if principal != "" {
		req.Header.Set(principalH, principal)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// must sends as the owner and fails the test unless the status is want; it
// decodes the body into a generic map.
func (e *env) must(want int, method, path, body string) map[string]any {
	e.t.Helper()
	code, b := e.do(method, path, body, ownerID)
	if code != want {
		e.t.Fatalf("%s %s: %d %s, want %d", method, path, code, b, want)
	}
	m := map[string]any{}
	if strings.TrimSpace(b) != "" {
		if err := json.NewDecoder(bytes.NewReader([]byte(b))).Decode(&m); err != nil {
			e.t.Fatalf("%s %s: body %q: %v", method, path, b, err)
		}
	}
	return m
}

func errCode(t *testing.T, body string) string {
	t.Helper()
	var b struct {
		Error struct{ Code, Message string }
	}
	if err := json.Unmarshal([]byte(body), &b); err != nil {
		t.Fatalf("not an ARM error body: %q", body)
	}
	return b.Error.Code
}

// Paths used across tests.
const (
	groupPath = "/subscriptions/" + testSub + "/resourceGroups/rg1"
	uaiPath   = groupPath + "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/"
	sitePath  = groupPath + "/providers/Microsoft.Web/sites/"
	vmPath    = groupPath + "/providers/Microsoft.Compute/virtualMachines/"
	saPath    = groupPath + "/providers/Microsoft.Storage/storageAccounts/"
	kvPath    = groupPath + "/providers/Microsoft.KeyVault/vaults/"
)

func (e *env) group() { e.must(201, "PUT", groupPath, `{"location":"local"}`) }

// get returns a nested value of a decoded body, e.g. get(m, "identity", "type").
func get(m map[string]any, keys ...string) any {
	var v any = m
	for _, k := range keys {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = mm[k]
	}
	return v
}

func (e *env) principalOf(resourceID string) (store.Principal, bool) {
	p, err := e.st.GetPrincipalByResourceID(context.Background(), resourceID)
	return p, err == nil
}

func (e *env) assignments(f store.AssignmentFilter) []store.RoleAssignment {
	e.t.Helper()
	as, err := e.st.ListAssignments(context.Background(), f)
	if err != nil {
		e.t.Fatal(err)
	}
	return as
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
