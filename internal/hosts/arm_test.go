package hosts

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/arm"
	"github.com/lanyardhq/lanyard/internal/authn"
	"github.com/lanyardhq/lanyard/internal/fabric"
	"github.com/lanyardhq/lanyard/internal/rbac"
	"github.com/lanyardhq/lanyard/internal/store"
)

const (
	ownerID  = "11111111-1111-1111-1111-111111111111"
	readerID = "22222222-2222-2222-2222-222222222222"
)

// armServer serves the ARM actions with the real RBAC index; the caller is
// taken from a test header, as the authn middleware would set it.
func (e *env) armServer() *httptest.Server {
	e.t.Helper()
	ctx := context.Background()
	for _, p := range []struct{ id, role string }{{ownerID, rbac.OwnerID}, {readerID, rbac.ReaderID}} {
		if err := e.st.CreatePrincipal(ctx, store.Principal{ID: p.id, Kind: store.KindUser, DisplayName: p.id, UserName: p.id + "@test"}); err != nil {
			e.t.Fatal(err)
		}
		if err := e.st.CreateAssignment(ctx, store.RoleAssignment{Name: p.id, Scope: "/", RoleDefinitionID: p.role,
			PrincipalID: p.id, PrincipalType: "User"}); err != nil {
			e.t.Fatal(err)
		}
	}
	index := rbac.NewIndex(e.st, e.clk.Now)
	if err := index.Load(ctx); err != nil {
		e.t.Fatal(err)
	}
	e.svc.cfg.Authz = index
	rt := arm.NewRouter()
	NewHandler(e.svc).Register(rt)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := r.Header.Get("X-Test-Principal"); p != "" {
			r = r.WithContext(authn.WithCaller(r.Context(), authn.Caller{PrincipalID: p, Name: p}))
		}
		rt.ServeHTTP(w, r)
	}))
	e.t.Cleanup(srv.Close)
	return srv
}

func armPost(t *testing.T, srv *httptest.Server, path, principal string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", srv.URL+path, nil)
	if principal != "" {
		req.Header.Set("X-Test-Principal", principal)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

func errCode(m map[string]any) string {
	e, _ := m["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

func TestARMActions(t *testing.T) {
	e := newEnv(t)
	srv := e.armServer()
	const v = "?api-version=2024-07-01"

	code, m := armPost(t, srv, strings.ToLower(vmA)+"/joinToken"+v, ownerID)
	tok, _ := m["joinToken"].(string)
	exp, _ := time.Parse(time.RFC3339, m["expiresOn"].(string))
	if code != 200 || !exp.Equal(e.clk.Now().Add(DefaultJoinTokenLifetime)) {
		t.Fatalf("joinToken: %d %v", code, m)
	}
	if _, pin, err := fabric.ParseJoinToken(tok); err != nil || !fabric.PinMatches(e.ca.Certificate().Raw, pin) {
		t.Fatalf("token %q: %v", tok, err)
	}
	cert, _ := e.join(tok)

	missing := testRG + "/providers/Microsoft.Compute/virtualMachines/nope"
	for _, c := range []struct {
		name, path, principal string
		status                int
		code                  string
	}{
		{"reader may not", vmA + "/joinToken" + v, readerID, 403, "AuthorizationFailed"},
		{"reader may not revoke", vmA + "/revokeAgent" + v, readerID, 403, "AuthorizationFailed"},
		{"anonymous", vmA + "/joinToken" + v, "", 401, "AuthenticationFailed"},
		{"missing VM", missing + "/joinToken" + v, ownerID, 404, "ResourceNotFound"},
		{"missing VM revoke", missing + "/revokeAgent" + v, ownerID, 404, "ResourceNotFound"},
		{"no api-version", vmA + "/joinToken", ownerID, 400, "MissingApiVersionParameter"},
		{"unsupported api-version", vmA + "/joinToken?api-version=2020-01-01", ownerID, 400, "NoRegisteredProviderFound"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, m := armPost(t, srv, c.path, c.principal)
			if code != c.status || errCode(m) != c.code {
				t.Fatalf("%d %v", code, m)
			}
		})
	}
	// The refused calls changed nothing: the agent still works.
	if code, _ := e.tokenAs(&cert); code != 200 {
		t.Fatalf("agent after refused calls: %d", code)
	}
	code, m = armPost(t, srv, vmA+"/revokeAgent"+v, ownerID)
	if code != 200 || len(m) != 0 {
		t.Fatalf("revokeAgent: %d %v", code, m)
	}
	if code, _ := e.tokenAs(&cert); code != 401 {
		t.Fatalf("agent after revokeAgent: %d", code)
	}
}
