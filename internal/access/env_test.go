package access

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

// Principals of the test tenant.
const (
	admin     = "00000000-0000-0000-0000-00000000000a" // Owner at /
	reader    = "00000000-0000-0000-0000-0000000000b1" // Reader at sub
	contrib   = "00000000-0000-0000-0000-0000000000c1" // Contributor at sub
	uaa       = "00000000-0000-0000-0000-0000000000d1" // User Access Administrator at rg1
	rbacAdmin = "00000000-0000-0000-0000-0000000000d2" // RBAC Administrator at rg1
	alice     = "00000000-0000-0000-0000-0000000000e1" // no roles; member of team
	team      = "00000000-0000-0000-0000-0000000000f1" // group
	app       = "00000000-0000-0000-0000-0000000000f2" // service principal
	mi        = "00000000-0000-0000-0000-0000000000f3" // managed identity
	nobody    = "00000000-0000-0000-0000-0000000000ff" // not in the directory
)

// Built-in role GUIDs.
const (
	roleOwner       = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
	roleContributor = "b24988ac-6180-42a0-ab88-20f7382dd24c"
	roleReader      = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
	roleUAA         = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"
	roleRBACAdmin   = "f58310d9-a9f6-439a-9e8d-f62e7b41a168"
	roleBlobReader  = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"
	roleCustomRG1   = "11111111-2222-3333-4444-555555555555" // custom, assignable at rg1 only
)

const (
	sub  = "/subscriptions/sub1"
	rg1  = sub + "/resourceGroups/rg1"
	rg2  = sub + "/resourceGroups/rg2"
	acct = rg1 + "/providers/Microsoft.Storage/storageAccounts/acct1"
)

var epoch = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

type env struct {
	t   *testing.T
	st  store.Store
	idx *rbac.Index
	srv *httptest.Server
}

// newEnv serves the access API on the real SQLite store and RBAC index.
// Callers are named by the X-Test-Caller header, standing in for the
// server's token middleware.
func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	now := func() time.Time { return epoch }
	st, idx := rbactest.New(t, now)
	h := New(Config{Store: st, Index: idx, Now: now, BaseURL: "https://lanyard.test"})
	rt := arm.NewRouter()
	h.Register(rt)
	mux := http.NewServeMux()
	h.Routes(mux)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id := r.Header.Get("X-Test-Caller"); id != "" {
			r = r.WithContext(authn.WithCaller(r.Context(), authn.Caller{PrincipalID: id, Name: "user-" + id[len(id)-2:]}))
		}
		if strings.HasPrefix(r.URL.Path, "/lanyard/") {
			mux.ServeHTTP(w, r)
			return
		}
		rt.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	e := &env{t: t, st: st, idx: idx, srv: srv}
	e.seed(ctx)
	// The seed was written straight to the store; reload it all.
	if err := idx.Load(ctx); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) seed(ctx context.Context) {
	e.t.Helper()
	must := func(err error) {
		e.t.Helper()
		if err != nil {
			e.t.Fatal(err)
		}
	}
	for _, p := range []store.Principal{
		{ID: admin, Kind: store.KindUser, UserName: "admin@lanyard.test"},
		{ID: reader, Kind: store.KindUser, UserName: "reader@lanyard.test"},
		{ID: contrib, Kind: store.KindUser, UserName: "contrib@lanyard.test"},
		{ID: uaa, Kind: store.KindUser, UserName: "uaa@lanyard.test"},
		{ID: rbacAdmin, Kind: store.KindUser, UserName: "rbac@lanyard.test"},
		{ID: alice, Kind: store.KindUser, UserName: "alice@lanyard.test"},
		{ID: team, Kind: store.KindGroup, DisplayName: "team"},
		{ID: app, Kind: store.KindServicePrincipal, DisplayName: "app", ClientID: "00000000-0000-0000-0000-0000000001f2"},
		{ID: mi, Kind: store.KindManagedIdentity, DisplayName: "mi", ClientID: "00000000-0000-0000-0000-0000000001f3",
			IdentityType: store.UserAssigned, ResourceID: rg1 + "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/mi"},
	} {
		p.CreatedAt = epoch
		if p.DisplayName == "" {
			p.DisplayName = p.UserName
		}
		must(e.st.CreatePrincipal(ctx, p))
	}
	must(e.st.AddMember(ctx, team, alice))
	for _, r := range []store.Resource{
		{ID: sub, Type: "Microsoft.Resources/subscriptions", SubscriptionID: "sub1", Name: "sub1"},
		{ID: rg1, Type: "Microsoft.Resources/resourceGroups", SubscriptionID: "sub1", ResourceGroup: "rg1", Name: "rg1", Location: "local"},
		{ID: rg2, Type: "Microsoft.Resources/resourceGroups", SubscriptionID: "sub1", ResourceGroup: "rg2", Name: "rg2", Location: "local"},
		{ID: acct, Type: "Microsoft.Storage/storageAccounts", SubscriptionID: "sub1", ResourceGroup: "rg1", Name: "acct1", Location: "local"},
	} {
		r.CreatedAt, r.UpdatedAt = epoch, epoch
		must(e.st.CreateResource(ctx, r))
	}
	must(e.st.PutRoleDefinition(ctx, store.RoleDefinition{
		ID: roleCustomRG1, RoleName: "RG1 Site Reader", RoleType: "CustomRole",
		Permissions:      []store.Permission{{Actions: []string{"Microsoft.Web/sites/read"}}},
		AssignableScopes: []string{rg1}, CreatedAt: epoch, UpdatedAt: epoch,
	}))
	for i, a := range []struct{ scope, role, principal, typ string }{
		{"/", roleOwner, admin, "User"},
		{sub, roleReader, reader, "User"},
		{sub, roleContributor, contrib, "User"},
		{rg1, roleUAA, uaa, "User"},
		{rg1, roleRBACAdmin, rbacAdmin, "User"},
	} {
		must(e.st.CreateAssignment(ctx, store.RoleAssignment{
			Name: "aaaaaaaa-0000-0000-0000-00000000000" + string(rune('0'+i)), Scope: a.scope, RoleDefinitionID: a.role,
			PrincipalID: a.principal, PrincipalType: a.typ, CreatedAt: epoch, UpdatedAt: epoch,
		}))
	}
}

// do sends a request as caller (no caller if ""), adding api-version to
// ARM paths that have none, and returns the status and decoded body.
func (e *env) do(method, path, caller string, body any) (int, map[string]any) {
	e.t.Helper()
	if !strings.HasPrefix(path, "/lanyard/") && !strings.Contains(path, "api-version=") {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		path += sep + "api-version=2022-04-01"
	}
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if caller != "" {
		req.Header.Set("X-Test-Caller", caller)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			e.t.Fatalf("%s %s: body %q is not JSON: %v", method, path, raw, err)
		}
	}
	return resp.StatusCode, out
}

// errCode returns the ARM error code of a response body.
func errCode(body map[string]any) string {
	if m, ok := body["error"].(map[string]any); ok {
		s, _ := m["code"].(string)
		return s
	}
	return ""
}

// str walks a decoded body by keys.
func str(body map[string]any, keys ...string) string {
	var cur any = body
	for _, k := range keys {
		m, ok := cur.(map[string]any)
		if !ok {
			return ""
		}
		cur = m[k]
	}
	s, _ := cur.(string)
	return s
}

func (e *env) countAssignments() int {
	e.t.Helper()
	as, err := e.st.ListAssignments(context.Background(), store.AssignmentFilter{})
	if err != nil {
		e.t.Fatal(err)
	}
	return len(as)
}

func assignmentPath(scopeStr, name string) string {
	return extensionID(scopeStr, "roleAssignments", name)
}

func assignBody(role, principal, typ string) map[string]any {
	p := map[string]any{"roleDefinitionId": role, "principalId": principal}
	if typ != "" {
		p["principalType"] = typ
	}
	return map[string]any{"properties": p}
}

func rootRole(guid string) string {
	return "/providers/Microsoft.Authorization/roleDefinitions/" + guid
}
