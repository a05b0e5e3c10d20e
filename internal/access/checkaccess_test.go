package access

import (
	"net/http"
	"testing"
)

const blobRead = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"

func check(principal, action, scope string) map[string]any {
	return map[string]any{"principalId": principal, "action": action, "scope": scope}
}

func roleNames(body map[string]any, key string) []string {
	var out []string
	vs, _ := body[key].([]any)
	for _, v := range vs {
		out = append(out, v.(map[string]any)["roleName"].(string))
	}
	return out
}

// TestReadYourWrites: a grant is visible to the very next request, and so
// is its revocation.
func TestReadYourWrites(t *testing.T) {
	e := newEnv(t)
	container := acct + "/blobServices/default/containers/c1"
	status, body := e.do(http.MethodPost, "/lanyard/v1/checkAccess", alice, check(alice, blobRead, container))
	if status != 200 || body["allowed"] != false || body["isDataAction"] != true {
		t.Fatalf("before grant: %d %v", status, body)
	}
	granting := roleNames(body, "grantingRoles")
	if len(granting) == 0 || granting[0] != "Storage Blob Data Reader" {
		t.Errorf("grantingRoles %v, want Storage Blob Data Reader first", granting)
	}
	path := assignmentPath(acct, newName)
	if status, body := e.do(http.MethodPut, path, uaa, assignBody(roleBlobReader, alice, "User")); status != 201 {
		t.Fatalf("grant: %d %v", status, body)
	}
	status, body = e.do(http.MethodPost, "/lanyard/v1/checkAccess", alice, check(alice, blobRead, container))
	if status != 200 || body["allowed"] != true {
		t.Fatalf("after grant: %d %v", status, body)
	}
	if got := roleNames(body, "matchedAssignments"); len(got) != 1 || got[0] != "Storage Blob Data Reader" {
		t.Errorf("matchedAssignments %v", body["matchedAssignments"])
	}
	m := body["matchedAssignments"].([]any)[0].(map[string]any)
	if m["id"] != path || m["scope"] != acct || m["principalId"] != alice || m["roleDefinitionId"] != sub+rootRole(roleBlobReader) {
		t.Errorf("matched assignment %v", m)
	}
	if status, _ := e.do(http.MethodDelete, path, uaa, nil); status != 200 {
		t.Fatalf("revoke: %d", status)
	}
	if _, body = e.do(http.MethodPost, "/lanyard/v1/checkAccess", alice, check(alice, blobRead, container)); body["allowed"] != false {
		t.Errorf("after revoke: %v", body)
	}
}

func TestCheckAccessExplains(t *testing.T) {
	e := newEnv(t)
	if status, body := e.do(http.MethodPut, assignmentPath(sub, newName), admin, assignBody(roleReader, team, "Group")); status != 201 {
		t.Fatalf("%d %v", status, body)
	}
	// alice reads through her group.
	status, body := e.do(http.MethodPost, "/lanyard/v1/checkAccess", admin, check(alice, "Microsoft.Web/sites/read", rg1))
	if status != 200 || body["allowed"] != true || body["isDataAction"] != false {
		t.Fatalf("%d %v", status, body)
	}
	ps, _ := body["principals"].([]any)
	if len(ps) != 2 || ps[0] != alice || ps[1] != team {
		t.Errorf("principals %v", ps)
	}
	if body["reason"] == "" {
		t.Error("no reason")
	}
	// Contributor may not write role assignments: NotActions deny it.
	_, body = e.do(http.MethodPost, "/lanyard/v1/checkAccess", contrib, check(contrib, "Microsoft.Authorization/roleAssignments/write", rg1))
	if body["allowed"] != false {
		t.Fatalf("contributor allowed: %v", body)
	}
	if got := roleNames(body, "deniedBy"); len(got) != 1 || got[0] != "Contributor" {
		t.Errorf("deniedBy %v", body["deniedBy"])
	}
	if len(roleNames(body, "grantingRoles")) == 0 {
		t.Error("no granting roles")
	}
	// Control-plane roles grant no data actions, even Owner.
	_, body = e.do(http.MethodPost, "/lanyard/v1/checkAccess", admin, check(admin, blobRead, acct))
	if body["allowed"] != false {
		t.Errorf("owner has data access: %v", body)
	}
	// An explicit isDataAction=false makes it a control-plane question.
	body2 := check(admin, blobRead, acct)
	body2["isDataAction"] = false
	if _, body = e.do(http.MethodPost, "/lanyard/v1/checkAccess", admin, body2); body["allowed"] != true || body["isDataAction"] != false {
		t.Errorf("explicit control-plane check: %v", body)
	}
}

func TestCheckAccessErrors(t *testing.T) {
	tests := []struct {
		name, caller string
		body         any
		wantStatus   int
		wantCode     string
	}{
		{"other principal without rights", alice, check(reader, "Microsoft.Web/sites/read", rg1), 403, "AuthorizationFailed"},
		{"contributor may read assignments", contrib, check(alice, "Microsoft.Web/sites/read", rg1), 200, ""},
		{"unknown principal", admin, check(nobody, "Microsoft.Web/sites/read", rg1), 404, "PrincipalNotFound"},
		{"unknown principal, unauthorized caller", alice, check(nobody, "Microsoft.Web/sites/read", rg1), 403, "AuthorizationFailed"},
		{"missing principal", admin, check("", "Microsoft.Web/sites/read", rg1), 400, "InvalidPrincipalId"},
		{"missing action", admin, check(alice, "", rg1), 400, "InvalidAction"},
		{"action with spaces", admin, check(alice, "a b", rg1), 400, "InvalidAction"},
		{"missing scope", admin, check(alice, "x/read", ""), 400, "InvalidScope"},
		{"bad scope", admin, check(alice, "x/read", "subscriptions/s"), 400, "InvalidScope"},
		{"bad scope segments", admin, check(alice, "x/read", "/subscriptions/s/../x"), 400, "InvalidScope"},
		{"empty body", admin, "", 400, "InvalidRequestContent"},
		{"not JSON", admin, "nope", 400, "InvalidRequestContent"},
		{"unauthenticated", "", check(alice, "x/read", rg1), 401, "AuthenticationFailed"},
	}
	e := newEnv(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := e.do(http.MethodPost, "/lanyard/v1/checkAccess", tt.caller, tt.body)
			if status != tt.wantStatus || errCode(body) != tt.wantCode {
				t.Errorf("got %d %q, want %d %q: %v", status, errCode(body), tt.wantStatus, tt.wantCode, body)
			}
		})
	}
}

func TestPermissions(t *testing.T) {
	e := newEnv(t)
	status, body := e.do(http.MethodGet, rg1+"/providers/Microsoft.Authorization/permissions", reader, nil)
	if status != 200 {
		t.Fatalf("%d %v", status, body)
	}
	vs, _ := body["value"].([]any)
	if len(vs) != 1 {
		t.Fatalf("value %v", body["value"])
	}
	p := vs[0].(map[string]any)
	if acts, _ := p["actions"].([]any); len(acts) != 1 || acts[0] != "*/read" {
		t.Errorf("actions %v", p["actions"])
	}
	for _, k := range []string{"notActions", "dataActions", "notDataActions"} {
		if l, ok := p[k].([]any); !ok || len(l) != 0 {
			t.Errorf("%s = %v, want []", k, p[k])
		}
	}
	// No roles: an empty list, not an error.
	if status, body := e.do(http.MethodGet, rg1+"/providers/Microsoft.Authorization/permissions", alice, nil); status != 200 || len(body["value"].([]any)) != 0 {
		t.Errorf("alice: %d %v", status, body)
	}
	if status, body := e.do(http.MethodGet, sub+"/resourceGroups/nope/providers/Microsoft.Authorization/permissions", reader, nil); status != 404 {
		t.Errorf("missing group: %d %v", status, body)
	}
}
