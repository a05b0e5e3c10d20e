package resources

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/lanyardhq/lanyard/internal/rbac"
	"github.com/lanyardhq/lanyard/internal/store"
)

func uaiBody(typ string, entries ...string) string {
	return `{"location":"local","identity":{"type":"` + typ + `","userAssignedIdentities":{` + strings.Join(entries, ",") + `}}}`
}

func entry(id, value string) string { return `"` + id + `":` + value }

func TestIdentityRoundTrip(t *testing.T) {
	e := newEnv(t)
	e.group()
	u1 := e.must(201, "PUT", uaiPath+"u1", `{"location":"local"}`)
	u2 := e.must(201, "PUT", uaiPath+"u2", `{"location":"local"}`)
	site := sitePath + "app1"
	// Lower-case, space-free type and a lower-cased identity ID are accepted.
	m := e.must(201, "PUT", site, uaiBody("systemassigned,userassigned", entry(strings.ToLower(uaiPath+"u1"), "{}")))
	id := m["identity"].(map[string]any)
	if id["type"] != "SystemAssigned, UserAssigned" || id["tenantId"] != testTenant {
		t.Fatalf("identity: %v", id)
	}
	sys, ok := e.principalOf(site)
	if !ok || sys.ID != id["principalId"] || sys.IdentityType != store.SystemAssigned || sys.Kind != store.KindManagedIdentity || sys.DisplayName != "app1" || sys.ClientID == "" {
		t.Fatalf("system principal %+v vs %v", sys, id)
	}
	ref := get(m, "identity", "userAssignedIdentities", uaiPath+"u1")
	if ref == nil || get(ref.(map[string]any), "principalId") != get(u1, "properties", "principalId") || get(ref.(map[string]any), "clientId") != get(u1, "properties", "clientId") {
		t.Fatalf("user-assigned entry: %v (u1 %v)", get(m, "identity"), u1["properties"])
	}
	// GET shows the same block.
	if g := e.must(200, "GET", site, ""); fmt.Sprint(g["identity"]) != fmt.Sprint(m["identity"]) {
		t.Errorf("GET identity %v != PUT identity %v", g["identity"], m["identity"])
	}
	// PATCH adds u2; PATCH with null removes u1 (ARM semantics).
	m = e.must(200, "PATCH", site, `{"identity":{"type":"SystemAssigned, UserAssigned","userAssignedIdentities":{"`+uaiPath+`u2":{}}}}`)
	if n := len(get(m, "identity", "userAssignedIdentities").(map[string]any)); n != 2 {
		t.Fatalf("after add: %v", m["identity"])
	}
	m = e.must(200, "PATCH", site, `{"identity":{"userAssignedIdentities":{"`+uaiPath+`u1":null}}}`)
	uais := get(m, "identity", "userAssignedIdentities").(map[string]any)
	if len(uais) != 1 || uais[uaiPath+"u2"] == nil || get(m, "identity", "principalId") != sys.ID {
		t.Fatalf("after null removal: %v", m["identity"])
	}
	if ids, _ := e.st.AttachedIdentities(context.Background(), site); len(ids) != 1 || ids[0] != uaiPath+"u2" {
		t.Errorf("store attachments %v", ids)
	}
	_ = u2
	// Dropping SystemAssigned deletes the principal and its assignments.
	e.assign(sys.ID, rbac.ReaderID, groupPath)
	m = e.must(200, "PATCH", site, `{"identity":{"type":"UserAssigned"}}`)
	if get(m, "identity", "type") != "UserAssigned" || get(m, "identity", "principalId") != nil {
		t.Errorf("after disabling system: %v", m["identity"])
	}
	if _, ok := e.principalOf(site); ok {
		t.Error("system-assigned principal survived")
	}
	if as := e.assignments(store.AssignmentFilter{PrincipalID: sys.ID}); len(as) != 0 {
		t.Errorf("assignments survived: %v", as)
	}
	// PUT replaces: no identity block means None.
	m = e.must(200, "PUT", site, `{"location":"local"}`)
	if m["identity"] != nil {
		t.Errorf("PUT without identity kept %v", m["identity"])
	}
	if ids, _ := e.st.AttachedIdentities(context.Background(), site); len(ids) != 0 {
		t.Errorf("attachments after PUT None: %v", ids)
	}
	// Re-enabling creates a new principal with a new object ID.
	m = e.must(200, "PUT", site, `{"location":"local","identity":{"type":"SystemAssigned"}}`)
	if p, ok := e.principalOf(site); !ok || p.ID == sys.ID || get(m, "identity", "principalId") != p.ID {
		t.Errorf("re-enabled: %v %+v", m["identity"], p)
	}
}

func TestIdentityBadInput(t *testing.T) {
	e := newEnv(t)
	e.group()
	e.must(201, "PUT", uaiPath+"u1", `{"location":"local"}`)
	u1 := uaiPath + "u1"
	var many []string
	for i := range 101 {
		many = append(many, entry(fmt.Sprintf("%su%d", uaiPath, i), "{}"))
	}
	cases := []struct{ name, body, code string }{
		{"bogus type", `{"location":"l","identity":{"type":"Everything"}}`, "InvalidIdentityType"},
		{"no type", `{"location":"l","identity":{}}`, "InvalidIdentityType"},
		{"user without entries", `{"location":"l","identity":{"type":"UserAssigned"}}`, "InvalidIdentityType"},
		{"entries without user", uaiBody("SystemAssigned", entry(u1, "{}")), "InvalidIdentityType"},
		{"string value", uaiBody("UserAssigned", entry(u1, `"x"`)), "InvalidIdentityValues"},
		{"array value", uaiBody("UserAssigned", entry(u1, `[]`)), "InvalidIdentityValues"},
		{"map as array", `{"location":"l","identity":{"type":"UserAssigned","userAssignedIdentities":["` + u1 + `"]}}`, "InvalidIdentityValues"},
		{"identity as string", `{"location":"l","identity":"SystemAssigned"}`, "InvalidRequestContent"},
		{"type as number", `{"location":"l","identity":{"type":1}}`, "InvalidRequestContent"},
		{"key not an id", uaiBody("UserAssigned", entry("u1", "{}")), "LinkedInvalidPropertyId"},
		{"key of a site", uaiBody("UserAssigned", entry(sitePath+"x", "{}")), "LinkedInvalidPropertyId"},
		{"unknown identity", uaiBody("UserAssigned", entry(uaiPath+"ghost", "{}")), "FailedIdentityOperation"},
		{"too many", uaiBody("UserAssigned", many...), "InvalidIdentityValues"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, b := e.do("PUT", sitePath+"app", c.body, ownerID)
			if code != 400 || errCode(t, b) != c.code {
				t.Errorf("%d %s, want 400 %s", code, b, c.code)
			}
		})
	}
	if code, _ := e.do("GET", sitePath+"app", "", ownerID); code != 404 {
		t.Errorf("a rejected PUT created the app: %d", code)
	}
	if ps, _ := e.st.ListPrincipals(context.Background(), store.PrincipalFilter{Kind: store.KindManagedIdentity}); len(ps) != 1 {
		t.Errorf("rejected PUTs left principals: %d", len(ps))
	}
}

// TestAssignRequiresPermission: attaching an identity needs assign/action
// on it, newly attached identities only.
func TestAssignRequiresPermission(t *testing.T) {
	e := newEnv(t)
	e.group()
	e.must(201, "PUT", uaiPath+"u1", `{"location":"local"}`)
	e.must(201, "PUT", uaiPath+"u2", `{"location":"local"}`)
	const bob = "22222222-2222-2222-2222-222222222222"
	e.user(bob)
	sitesOnly := store.RoleDefinition{ID: "33333333-3333-3333-3333-333333333333", RoleName: "Sites Only", RoleType: rbac.CustomRole,
		Permissions: []store.Permission{{Actions: []string{"Microsoft.Web/sites/*"}}}, AssignableScopes: []string{"/"}}
	if err := e.st.PutRoleDefinition(context.Background(), sitesOnly); err != nil {
		t.Fatal(err)
	}
	e.assign(bob, sitesOnly.ID, groupPath)
	site := sitePath + "app1"
	code, b := e.do("PUT", site, uaiBody("UserAssigned", entry(uaiPath+"u1", "{}")), bob)
	if code != 403 || errCode(t, b) != "AuthorizationFailed" || !strings.Contains(b, "userAssignedIdentities/assign/action") || !strings.Contains(b, uaiPath+"u1") {
		t.Fatalf("attach without assign: %d %s", code, b)
	}
	if code, _ := e.do("GET", site, "", ownerID); code != 404 {
		t.Fatalf("denied PUT created the app")
	}
	// Unknown identities are also refused with 403 first: no probing.
	if code, _ := e.do("PUT", site, uaiBody("UserAssigned", entry(uaiPath+"ghost", "{}")), bob); code != 403 {
		t.Errorf("probe of unknown identity: %d", code)
	}
	// A custom role with the exact action: the built-in Managed Identity
	// Operator's "userAssignedIdentities/*/assign/action" does not match
	// "userAssignedIdentities/assign/action" in package rbac yet.
	assigner := store.RoleDefinition{ID: "44444444-4444-4444-4444-444444444444", RoleName: "Assigner", RoleType: rbac.CustomRole,
		Permissions: []store.Permission{{Actions: []string{"Microsoft.ManagedIdentity/userAssignedIdentities/assign/action"}}}, AssignableScopes: []string{"/"}}
	if err := e.st.PutRoleDefinition(context.Background(), assigner); err != nil {
		t.Fatal(err)
	}
	op := e.assign(bob, assigner.ID, uaiPath+"u1")
	if code, b := e.do("PUT", site, uaiBody("UserAssigned", entry(uaiPath+"u1", "{}")), bob); code != 201 {
		t.Fatalf("attach with operator role: %d %s", code, b)
	}
	if err := e.st.DeleteAssignment(context.Background(), op); err != nil {
		t.Fatal(err)
	}
	if err := e.index.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Keeping u1 needs nothing; adding u2 through PATCH needs assign on u2.
	if code, b := e.do("PUT", site, uaiBody("SystemAssigned, UserAssigned", entry(uaiPath+"u1", "{}")), bob); code != 200 {
		t.Errorf("re-PUT of attached identity: %d %s", code, b)
	}
	code, b = e.do("PATCH", site, `{"identity":{"userAssignedIdentities":{"`+uaiPath+`u2":{}}}}`, bob)
	if code != 403 || !strings.Contains(b, uaiPath+"u2") {
		t.Errorf("PATCH adding u2: %d %s", code, b)
	}
	if ids, _ := e.st.AttachedIdentities(context.Background(), site); len(ids) != 1 {
		t.Errorf("attachments %v", ids)
	}
	// Bob may not touch identities or other types at all.
	if code, _ := e.do("PUT", uaiPath+"u3", `{"location":"local"}`, bob); code != 403 {
		t.Errorf("bob created an identity: %d", code)
	}
	// Lists show only what bob may read.
	if l := e.do2(bob, "GET", "/subscriptions/"+testSub+"/providers/Microsoft.ManagedIdentity/userAssignedIdentities"); len(l) != 0 {
		t.Errorf("bob lists identities: %v", l)
	}
	if l := e.do2(bob, "GET", "/subscriptions/"+testSub+"/providers/Microsoft.Web/sites"); len(l) != 1 {
		t.Errorf("bob lists sites: %v", l)
	}
}

// do2 lists as principal and returns the value array.
func (e *env) do2(principal, method, path string) []any {
	e.t.Helper()
	code, b := e.do(method, path, "", principal)
	if code != 200 {
		e.t.Fatalf("%s %s: %d %s", method, path, code, b)
	}
	var m struct{ Value []any }
	if err := jsonUnmarshal(b, &m); err != nil {
		e.t.Fatal(err)
	}
	return m.Value
}
