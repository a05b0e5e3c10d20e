package access

import (
	"net/http"
	"testing"
)

const newName = "bbbbbbbb-0000-0000-0000-000000000001"

func TestPutAssignmentRoleDefinitionForms(t *testing.T) {
	e := newEnv(t)
	for i, ref := range []string{
		rootRole(roleReader),
		sub + rootRole(roleReader),
		roleReader,
		"ACDD72A7-3385-48EF-BD42-F606FBA81AE7",
	} {
		name := "bbbbbbbb-0000-0000-0000-00000000001" + string(rune('0'+i))
		// Each form targets a different scope: the same grant twice is a conflict.
		scopes := []string{rg1, rg2, sub, acct}
		status, body := e.do(http.MethodPut, assignmentPath(scopes[i], name), admin, assignBody(ref, alice, ""))
		if status != http.StatusCreated {
			t.Fatalf("%s: status %d %v", ref, status, body)
		}
		wantRef := sub + rootRole(roleReader)
		if got := str(body, "properties", "roleDefinitionId"); got != wantRef {
			t.Errorf("%s: roleDefinitionId %q, want %q", ref, got, wantRef)
		}
		if got := str(body, "id"); got != assignmentPath(scopes[i], name) {
			t.Errorf("id %q", got)
		}
		if str(body, "properties", "principalType") != "User" || str(body, "properties", "scope") != scopes[i] ||
			str(body, "type") != typeAssignments || str(body, "properties", "createdBy") != admin {
			t.Errorf("body %v", body)
		}
	}
}

func TestPutAssignmentErrors(t *testing.T) {
	tests := []struct {
		name       string
		path       string
		body       any
		wantStatus int
		wantCode   string
	}{
		{"name not a GUID", assignmentPath(rg1, "not-a-guid"), assignBody(roleReader, alice, ""), 400, "InvalidRoleAssignmentId"},
		{"unknown role", assignmentPath(rg1, newName), assignBody("99999999-9999-9999-9999-999999999999", alice, ""), 400, "RoleDefinitionDoesNotExist"},
		{"malformed role ID", assignmentPath(rg1, newName), assignBody("/providers/Microsoft.Web/sites/x", alice, ""), 400, "InvalidRoleDefinitionId"},
		{"unknown principal", assignmentPath(rg1, newName), assignBody(roleReader, nobody, ""), 400, "PrincipalNotFound"},
		{"principal not a GUID", assignmentPath(rg1, newName), assignBody(roleReader, "alice", ""), 400, "InvalidPrincipalId"},
		{"user claimed as group", assignmentPath(rg1, newName), assignBody(roleReader, alice, "Group"), 400, "UnmatchedPrincipalType"},
		{"group claimed as user", assignmentPath(rg1, newName), assignBody(roleReader, team, "User"), 400, "UnmatchedPrincipalType"},
		{"managed identity claimed as user", assignmentPath(rg1, newName), assignBody(roleReader, mi, "User"), 400, "UnmatchedPrincipalType"},
		{"custom role outside its scopes", assignmentPath(rg2, newName), assignBody(roleCustomRG1, alice, ""), 400, "InvalidRoleAssignmentScope"},
		{"custom role above its scopes", assignmentPath(sub, newName), assignBody(roleCustomRG1, alice, ""), 400, "InvalidRoleAssignmentScope"},
		{"missing subscription", assignmentPath("/subscriptions/nope", newName), assignBody(roleReader, alice, ""), 404, "SubscriptionNotFound"},
		{"missing group", assignmentPath(sub+"/resourceGroups/nope", newName), assignBody(roleReader, alice, ""), 404, "ResourceGroupNotFound"},
		{"missing resource", assignmentPath(rg1+"/providers/Microsoft.Web/sites/nope", newName), assignBody(roleReader, alice, ""), 404, "ResourceNotFound"},
		{"container of a missing account", assignmentPath(rg1+"/providers/Microsoft.Storage/storageAccounts/nope/blobServices/default/containers/c", newName), assignBody(roleBlobReader, alice, ""), 404, "ResourceNotFound"},
		{"extension below an account", assignmentPath(acct+"/providers/Microsoft.Foo/bars/b", newName), assignBody(roleBlobReader, alice, ""), 404, "ResourceNotFound"},
		{"condition", assignmentPath(rg1, newName), map[string]any{"properties": map[string]any{"roleDefinitionId": roleReader, "principalId": alice, "condition": "@Resource[x] StringEquals 'y'"}}, 400, "RoleAssignmentConditionNotSupported"},
		{"empty body", assignmentPath(rg1, newName), "", 400, "InvalidRequestContent"},
		{"malformed body", assignmentPath(rg1, newName), "{", 400, "InvalidRequestContent"},
		{"bad api-version", assignmentPath(rg1, newName) + "?api-version=2099-01-01", assignBody(roleReader, alice, ""), 400, "NoRegisteredProviderFound"},
	}
	e := newEnv(t)
	before := e.countAssignments()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := e.do(http.MethodPut, tt.path, admin, tt.body)
			if status != tt.wantStatus || errCode(body) != tt.wantCode {
				t.Fatalf("got %d %q, want %d %q (%v)", status, errCode(body), tt.wantStatus, tt.wantCode, body)
			}
			if n := e.countAssignments(); n != before {
				t.Fatalf("a failed PUT changed the store: %d assignments, want %d", n, before)
			}
		})
	}
}

func TestPutAssignmentAccepted(t *testing.T) {
	tests := []struct {
		name, scope, role, principal, typ, wantType string
	}{
		{"managed identity is a service principal", rg1, roleReader, mi, "ServicePrincipal", "ServicePrincipal"},
		{"service principal, type omitted", rg1, roleReader, app, "", "ServicePrincipal"},
		{"group", rg1, roleReader, team, "group", "Group"},
		{"custom role at its scope", rg1, roleCustomRG1, alice, "User", "User"},
		{"custom role below its scope", acct, roleCustomRG1, alice, "", "User"},
		{"data scope below an existing account", acct + "/blobServices/default/containers/c1", roleBlobReader, alice, "", "User"},
		{"tenant root", "/", roleReader, app, "", "ServicePrincipal"},
	}
	e := newEnv(t)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := "cccccccc-0000-0000-0000-00000000000" + string(rune('0'+i))
			status, body := e.do(http.MethodPut, assignmentPath(tt.scope, name), admin, assignBody(tt.role, tt.principal, tt.typ))
			if status != http.StatusCreated {
				t.Fatalf("status %d %v", status, body)
			}
			if got := str(body, "properties", "principalType"); got != tt.wantType {
				t.Errorf("principalType %q, want %q", got, tt.wantType)
			}
			status, got := e.do(http.MethodGet, assignmentPath(tt.scope, name), admin, nil)
			if status != http.StatusOK || str(got, "id") != str(body, "id") {
				t.Errorf("GET: %d %v", status, got)
			}
		})
	}
}

func TestPutAssignmentConflicts(t *testing.T) {
	e := newEnv(t)
	path := assignmentPath(rg1, newName)
	status, first := e.do(http.MethodPut, path, admin, assignBody(roleReader, alice, ""))
	if status != http.StatusCreated {
		t.Fatalf("create: %d %v", status, first)
	}
	// An identical PUT answers 201 with the existing assignment, as ARM does.
	status, again := e.do(http.MethodPut, path, admin, assignBody(rootRole(roleReader), alice, "User"))
	if status != http.StatusCreated || str(again, "properties", "createdOn") != str(first, "properties", "createdOn") {
		t.Errorf("identical PUT: %d %v", status, again)
	}
	// Changing only the description is an update.
	withDesc := assignBody(roleReader, alice, "")
	withDesc["properties"].(map[string]any)["description"] = "audit"
	if status, body := e.do(http.MethodPut, path, admin, withDesc); status != http.StatusOK || str(body, "properties", "description") != "audit" {
		t.Errorf("description update: %d %v", status, body)
	}
	for _, tt := range []struct {
		name, path string
		body       any
		wantCode   string
	}{
		{"same grant, other name", assignmentPath(rg1, "bbbbbbbb-0000-0000-0000-000000000099"), assignBody(roleReader, alice, ""), "RoleAssignmentExists"},
		{"same name, other role", path, assignBody(roleContributor, alice, ""), "RoleAssignmentUpdateNotPermitted"},
		{"same name, other principal", path, assignBody(roleReader, app, ""), "RoleAssignmentUpdateNotPermitted"},
		{"same name, other scope", assignmentPath(rg2, newName), assignBody(roleReader, alice, ""), "RoleAssignmentUpdateNotPermitted"},
	} {
		status, body := e.do(http.MethodPut, tt.path, admin, tt.body)
		if status != http.StatusConflict || errCode(body) != tt.wantCode {
			t.Errorf("%s: %d %v, want 409 %s", tt.name, status, body, tt.wantCode)
		}
	}
	if status, body := e.do(http.MethodGet, path, admin, nil); str(body, "properties", "roleDefinitionId") != sub+rootRole(roleReader) {
		t.Errorf("the assignment changed: %d %v", status, body)
	}
}

// TestAssignmentEscalation: only roleAssignments/write at the scope lets a
// caller grant roles; Reader and Contributor (whose NotActions exclude
// Microsoft.Authorization/*/Write) cannot, and delegated administrators
// cannot reach above their group.
func TestAssignmentEscalation(t *testing.T) {
	tests := []struct {
		name, caller, scope, role string
		want                      int
	}{
		{"reader grants itself owner", reader, sub, roleOwner, 403},
		{"reader grants at a group", reader, rg1, roleReader, 403},
		{"contributor grants itself owner", contrib, sub, roleOwner, 403},
		{"contributor grants at a resource", contrib, acct, roleBlobReader, 403},
		{"no roles at all", alice, rg1, roleReader, 403},
		{"unknown caller", nobody, rg1, roleReader, 403},
		{"uaa within its group", uaa, rg1, roleOwner, 201},
		{"uaa below its group", uaa, acct, roleBlobReader, 201},
		{"uaa in a sibling group", uaa, rg2, roleReader, 403},
		{"uaa at the subscription", uaa, sub, roleReader, 403},
		{"uaa at the root", uaa, "/", roleReader, 403},
		{"rbac admin within its group", rbacAdmin, rg1, roleContributor, 201},
		{"rbac admin at the subscription", rbacAdmin, sub, roleContributor, 403},
		{"owner anywhere", admin, rg2, roleOwner, 201},
	}
	e := newEnv(t)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.countAssignments()
			name := "dddddddd-0000-0000-0000-0000000000" + string(rune('a'+i/10)) + string(rune('0'+i%10))
			principal := tt.caller
			if principal == nobody {
				principal = alice
			}
			status, body := e.do(http.MethodPut, assignmentPath(tt.scope, name), tt.caller, assignBody(tt.role, principal, ""))
			if status != tt.want {
				t.Fatalf("status %d, want %d: %v", status, tt.want, body)
			}
			if status == 403 {
				if errCode(body) != "AuthorizationFailed" {
					t.Errorf("code %q", errCode(body))
				}
				if e.countAssignments() != before {
					t.Error("a denied PUT changed the store")
				}
			}
		})
	}
}

func TestPutAssignmentUnauthenticated(t *testing.T) {
	e := newEnv(t)
	status, body := e.do(http.MethodPut, assignmentPath(rg1, newName), "", assignBody(roleReader, alice, ""))
	if status != http.StatusUnauthorized || errCode(body) != "AuthenticationFailed" {
		t.Errorf("%d %v", status, body)
	}
}

func TestDeleteAssignment(t *testing.T) {
	e := newEnv(t)
	path := assignmentPath(rg1, newName)
	if status, body := e.do(http.MethodPut, path, admin, assignBody(roleReader, alice, "")); status != 201 {
		t.Fatalf("create: %d %v", status, body)
	}
	// Addressed at another scope the assignment does not exist, even for a
	// caller with rights there.
	if status, body := e.do(http.MethodGet, assignmentPath(rg2, newName), admin, nil); status != 404 || errCode(body) != "RoleAssignmentNotFound" {
		t.Errorf("GET at other scope: %d %v", status, body)
	}
	if status, _ := e.do(http.MethodDelete, assignmentPath(rg2, newName), admin, nil); status != 204 {
		t.Errorf("DELETE at other scope: %d", status)
	}
	// Reader, and Contributor, may not delete; User Access Administrator at the group may.
	for _, c := range []string{reader, contrib, alice} {
		if status, body := e.do(http.MethodDelete, path, c, nil); status != 403 {
			t.Errorf("%s deleted: %d %v", c, status, body)
		}
	}
	// Reader may read it.
	if status, _ := e.do(http.MethodGet, path, reader, nil); status != 200 {
		t.Errorf("reader GET: %d", status)
	}
	// alice may read it too: it makes her a Reader there. app may not.
	if status, body := e.do(http.MethodGet, path, app, nil); status != 403 {
		t.Errorf("app GET: %d %v", status, body)
	}
	status, body := e.do(http.MethodDelete, path, uaa, nil)
	if status != 200 || str(body, "name") != newName {
		t.Fatalf("DELETE: %d %v", status, body)
	}
	if status, _ := e.do(http.MethodDelete, path, uaa, nil); status != 204 {
		t.Errorf("second DELETE: %d", status)
	}
	if status, body := e.do(http.MethodGet, path, admin, nil); status != 404 || errCode(body) != "RoleAssignmentNotFound" {
		t.Errorf("GET after DELETE: %d %v", status, body)
	}
	// The admin cannot delete assignments above a UAA's reach through it.
	if status, _ := e.do(http.MethodDelete, assignmentPath(sub, "aaaaaaaa-0000-0000-0000-000000000001"), uaa, nil); status != 403 {
		t.Errorf("uaa deleted at the subscription: %d", status)
	}
}
