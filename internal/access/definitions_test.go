package access

import (
	"net/http"
	"net/url"
	"testing"
)

const customID = "99999999-0000-0000-0000-000000000001"

func definitionPath(scopeStr, guid string) string {
	return extensionID(scopeStr, "roleDefinitions", guid)
}

func customBody(name string, scopes ...string) map[string]any {
	s := make([]any, len(scopes))
	for i, x := range scopes {
		s[i] = x
	}
	return map[string]any{"properties": map[string]any{
		"roleName": name, "description": "reads sites", "type": "CustomRole",
		"permissions":      []any{map[string]any{"actions": []any{"Microsoft.Web/sites/read"}}},
		"assignableScopes": s,
	}}
}

func TestListDefinitions(t *testing.T) {
	e := newEnv(t)
	list := sub + "/providers/Microsoft.Authorization/roleDefinitions"
	status, body := e.do(http.MethodGet, list+"?$filter="+url.QueryEscape("roleName eq 'reader'"), alice, nil)
	if status != 200 {
		t.Fatalf("%d %v", status, body)
	}
	vs := body["value"].([]any)
	if len(vs) != 1 {
		t.Fatalf("value %v", vs)
	}
	r := vs[0].(map[string]any)
	if r["id"] != definitionPath(sub, roleReader) || r["name"] != roleReader || str(r, "properties", "type") != "BuiltInRole" ||
		str(r, "properties", "roleName") != "Reader" {
		t.Errorf("reader %v", r)
	}
	// Built-ins only, and a name with spaces.
	_, body = e.do(http.MethodGet, list+"?$filter="+url.QueryEscape("roleName eq 'Storage Blob Data Reader'"), alice, nil)
	if vs := body["value"].([]any); len(vs) != 1 {
		t.Errorf("blob reader: %v", vs)
	}
	// Custom roles appear for those who may read role definitions, where
	// they apply (rg1's custom role is visible at the subscription above it).
	for _, tt := range []struct {
		caller, scope string
		want          int
	}{{reader, sub, 1}, {reader, rg1, 1}, {reader, rg2, 0}, {alice, sub, 0}, {admin, "/", 1}} {
		path := tt.scope
		if path == "/" {
			path = ""
		}
		path += "/providers/Microsoft.Authorization/roleDefinitions?$filter=" + url.QueryEscape("type eq 'CustomRole'")
		status, body := e.do(http.MethodGet, path, tt.caller, nil)
		if vs, _ := body["value"].([]any); status != 200 || len(vs) != tt.want {
			t.Errorf("%s at %s: %d %v, want %d", tt.caller, tt.scope, status, body, tt.want)
		}
	}
	_, body = e.do(http.MethodGet, list+"?$filter="+url.QueryEscape("type eq 'BuiltInRole'"), admin, nil)
	for _, v := range body["value"].([]any) {
		if str(v.(map[string]any), "properties", "type") != "BuiltInRole" {
			t.Errorf("not built-in: %v", v)
		}
	}
	for _, f := range []string{"roleName eq Reader", "type eq 'Other'", "description eq 'x'", "roleName ne 'Reader'"} {
		if status, body := e.do(http.MethodGet, list+"?$filter="+url.QueryEscape(f), admin, nil); status != 400 || errCode(body) != "UnsupportedQuery" {
			t.Errorf("%q: %d %v", f, status, body)
		}
	}
}

func TestGetDefinition(t *testing.T) {
	e := newEnv(t)
	for _, s := range []string{"/", sub, rg1} {
		status, body := e.do(http.MethodGet, definitionPath(s, roleOwner), alice, nil)
		if status != 200 || body["id"] != definitionPath(s, roleOwner) {
			t.Errorf("at %s: %d %v", s, status, body)
		}
	}
	for _, tt := range []struct {
		caller, path string
		want         int
	}{
		{admin, definitionPath(sub, "99999999-9999-9999-9999-999999999999"), 404},
		{admin, definitionPath(sub, "reader"), 404},
		{reader, definitionPath(rg1, roleCustomRG1), 200},
		{reader, definitionPath(rg2, roleCustomRG1), 404},
		{alice, definitionPath(rg1, roleCustomRG1), 403},
	} {
		if status, body := e.do(http.MethodGet, tt.path, tt.caller, nil); status != tt.want {
			t.Errorf("%s %s: %d %v, want %d", tt.caller, tt.path, status, body, tt.want)
		}
	}
}

func TestCustomRoleLifecycle(t *testing.T) {
	e := newEnv(t)
	path := definitionPath(sub, customID)
	status, body := e.do(http.MethodPut, path, admin, customBody("Site Reader", sub))
	if status != 201 || body["id"] != path || str(body, "properties", "type") != "CustomRole" || str(body, "properties", "createdBy") != admin {
		t.Fatalf("create: %d %v", status, body)
	}
	update := customBody("Site Reader", sub)
	update["properties"].(map[string]any)["description"] = "v2"
	if status, body := e.do(http.MethodPut, path, admin, update); status != 200 || str(body, "properties", "description") != "v2" {
		t.Fatalf("update: %d %v", status, body)
	}
	// The new role is assignable right away (read-your-writes).
	apath := assignmentPath(rg1, newName)
	if status, body := e.do(http.MethodPut, apath, admin, assignBody(sub+rootRole(customID), alice, "")); status != 201 {
		t.Fatalf("assign: %d %v", status, body)
	}
	if _, body := e.do(http.MethodPost, "/lanyard/v1/checkAccess", alice, check(alice, "Microsoft.Web/sites/read", rg1)); body["allowed"] != true {
		t.Errorf("custom role does not grant: %v", body)
	}
	// Narrowing its scopes away from the assignment is refused.
	if status, body := e.do(http.MethodPut, path, admin, customBody("Site Reader", rg2)); status != 409 || errCode(body) != "RoleDefinitionHasAssignments" {
		t.Errorf("narrow: %d %v", status, body)
	}
	if status, body := e.do(http.MethodDelete, path, admin, nil); status != 409 || errCode(body) != "RoleDefinitionHasAssignments" {
		t.Fatalf("delete while assigned: %d %v", status, body)
	}
	if status, _ := e.do(http.MethodDelete, apath, admin, nil); status != 200 {
		t.Fatalf("unassign: %d", status)
	}
	if status, body := e.do(http.MethodDelete, path, admin, nil); status != 200 || body["name"] != customID {
		t.Fatalf("delete: %d %v", status, body)
	}
	if status, _ := e.do(http.MethodGet, path, admin, nil); status != 404 {
		t.Errorf("GET after delete: %d", status)
	}
	if status, _ := e.do(http.MethodDelete, path, admin, nil); status != 204 {
		t.Errorf("second delete: %d", status)
	}
	if status, body := e.do(http.MethodPut, apath, admin, assignBody(customID, alice, "")); status != 400 || errCode(body) != "RoleDefinitionDoesNotExist" {
		t.Errorf("assign deleted role: %d %v", status, body)
	}
}

func TestPutDefinitionErrors(t *testing.T) {
	invalidAction := customBody("Bad", sub)
	invalidAction["properties"].(map[string]any)["permissions"] = []any{map[string]any{"actions": []any{"not an action"}}}
	noPerms := customBody("NoPerms", sub)
	noPerms["properties"].(map[string]any)["permissions"] = []any{}
	builtinType := customBody("Mine", sub)
	builtinType["properties"].(map[string]any)["type"] = "BuiltInRole"
	tests := []struct {
		name, caller, path string
		body               any
		wantStatus         int
		wantCode           string
	}{
		{"name not a GUID", admin, definitionPath(sub, "my-role"), customBody("Mine", sub), 400, "InvalidRoleDefinitionId"},
		{"built-in GUID", admin, definitionPath(sub, roleReader), customBody("Reader2", sub), 400, "CannotModifyBuiltInRole"},
		{"built-in name", admin, definitionPath(sub, customID), customBody("reader", sub), 409, "RoleDefinitionWithSameNameExists"},
		{"custom name taken", admin, definitionPath(sub, customID), customBody("RG1 Site Reader", sub), 409, "RoleDefinitionWithSameNameExists"},
		{"type BuiltInRole", admin, definitionPath(sub, customID), builtinType, 400, "InvalidRoleDefinitionType"},
		{"no assignable scopes", admin, definitionPath(sub, customID), customBody("Mine"), 400, "InvalidAssignableScopes"},
		{"bad assignable scope", admin, definitionPath(sub, customID), customBody("Mine", "subscriptions/x"), 400, "InvalidAssignableScopes"},
		{"bad action", admin, definitionPath(sub, customID), invalidAction, 400, "InvalidRoleDefinition"},
		{"no permissions", admin, definitionPath(sub, customID), noPerms, 400, "InvalidRoleDefinition"},
		{"no name", admin, definitionPath(sub, customID), customBody("", sub), 400, "InvalidRoleDefinition"},
		{"reader", reader, definitionPath(sub, customID), customBody("Mine", sub), 403, "AuthorizationFailed"},
		{"contributor", contrib, definitionPath(sub, customID), customBody("Mine", sub), 403, "AuthorizationFailed"},
		{"uaa beyond its group", uaa, definitionPath(rg1, customID), customBody("Mine", rg1, rg2), 403, "AuthorizationFailed"},
		{"uaa within its group", uaa, definitionPath(rg1, customID), customBody("Mine", rg1), 201, ""},
		{"delete built-in", admin, "DELETE " + definitionPath(sub, roleOwner), nil, 400, "CannotModifyBuiltInRole"},
	}
	e := newEnv(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method, path := http.MethodPut, tt.path
			if len(path) > 7 && path[:7] == "DELETE " {
				method, path = http.MethodDelete, path[7:]
			}
			status, body := e.do(method, path, tt.caller, tt.body)
			if status != tt.wantStatus || errCode(body) != tt.wantCode {
				t.Errorf("got %d %q, want %d %q: %v", status, errCode(body), tt.wantStatus, tt.wantCode, body)
			}
		})
	}
}

// TestRoleTakeover: rewriting a role needs write at its old scopes too, or
// a group administrator could retarget (and redefine) a role made at the
// subscription.
func TestRoleTakeover(t *testing.T) {
	e := newEnv(t)
	if status, body := e.do(http.MethodPut, definitionPath(sub, customID), admin, customBody("Sub Role", sub)); status != 201 {
		t.Fatalf("%d %v", status, body)
	}
	takeover := customBody("Sub Role", rg1)
	takeover["properties"].(map[string]any)["permissions"] = []any{map[string]any{"actions": []any{"*"}}}
	if status, body := e.do(http.MethodPut, definitionPath(rg1, customID), uaa, takeover); status != 403 {
		t.Fatalf("takeover: %d %v", status, body)
	}
	if status, body := e.do(http.MethodDelete, definitionPath(rg1, customID), uaa, nil); status != 403 {
		t.Fatalf("uaa deleted a subscription role: %d %v", status, body)
	}
	_, body := e.do(http.MethodGet, definitionPath(sub, customID), admin, nil)
	if scopes, _ := body["properties"].(map[string]any)["assignableScopes"].([]any); len(scopes) != 1 || scopes[0] != sub {
		t.Errorf("role changed: %v", body)
	}
}
