package cli

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

const (
	readerID = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
	subPath  = "/subscriptions/" + testSub
	rgPath   = subPath + "/resourceGroups/rg1"
	sitePath = rgPath + "/providers/Microsoft.Web/sites/web"
)

func TestRoleAssignmentCreate(t *testing.T) {
	f := directoryFake(t)
	f.on("GET "+subPath+"/providers/Microsoft.Authorization/roleDefinitions", 200, map[string]any{"value": []any{
		map[string]any{"id": subPath + "/providers/Microsoft.Authorization/roleDefinitions/" + readerID, "name": readerID, "properties": map[string]any{"roleName": "Reader"}},
	}})
	f.echo("PUT "+rgPath+"/providers/Microsoft.Authorization/roleAssignments/*", 201)
	if _, err := runCLI(t, "", "role", "assignment", "create", "--assignee", "alice@example.com", "--role", "Reader", "-g", "rg1"); err != nil {
		t.Fatal(err)
	}
	req := f.last(t, "PUT")
	if !regexp.MustCompile(`^` + regexp.QuoteMeta(rgPath) + `/providers/Microsoft.Authorization/roleAssignments/[0-9a-f-]{36}$`).MatchString(req.Path) {
		t.Errorf("PUT %s", req.Path)
	}
	props := req.Body["properties"].(map[string]any)
	if props["principalId"] != userOID || props["principalType"] != "User" || !strings.HasSuffix(props["roleDefinitionId"].(string), "/"+readerID) {
		t.Errorf("body %+v", props)
	}
	if q := findQuery(f, subPath+"/providers/Microsoft.Authorization/roleDefinitions"); !strings.Contains(q, "roleName+eq+%27Reader%27") {
		t.Errorf("role lookup query %q", q)
	}
	// No scope at all is refused rather than defaulting to the whole subscription.
	if _, err := runCLI(t, "", "role", "assignment", "create", "--assignee", userOID, "--role", readerID); err == nil {
		t.Error("create without --scope or -g succeeded")
	}
	if _, err := runCLI(t, "", "role", "assignment", "create", "--assignee", userOID, "--role", readerID, "--scope", "/subscriptions/x/../y"); err == nil {
		t.Error("malformed --scope accepted")
	}
}

func TestAppIdentityAssignAndRemove(t *testing.T) {
	f := newFake(t)
	f.signIn(t)
	other := rgPath + "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/old"
	f.on("GET "+sitePath, 200, map[string]any{"id": sitePath, "identity": map[string]any{
		"type": "UserAssigned", "userAssignedIdentities": map[string]any{other: map[string]any{"principalId": miOID}},
	}})
	f.on("PATCH "+sitePath, 200, map[string]any{"id": sitePath, "identity": map[string]any{"type": "SystemAssigned, UserAssigned", "principalId": userOID}})

	out, err := runCLI(t, "", "app", "identity", "assign", "-g", "rg1", "-n", "web", "--system-assigned", "--identities", "shared")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `"principalId": "`+userOID) {
		t.Errorf("output %s", out)
	}
	ident := f.last(t, "PATCH").Body["identity"].(map[string]any)
	shared := rgPath + "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/shared"
	uai := ident["userAssignedIdentities"].(map[string]any)
	if ident["type"] != "SystemAssigned, UserAssigned" || len(uai) != 2 || uai[shared] == nil || uai[other] == nil {
		t.Errorf("assign PATCH identity = %+v", ident)
	}

	// Removing the old one by resource ID, in another case, sends it as null.
	if _, err := runCLI(t, "", "app", "identity", "remove", "-g", "rg1", "-n", "web", "--identities", strings.ToUpper(other)); err != nil {
		t.Fatal(err)
	}
	ident = f.last(t, "PATCH").Body["identity"].(map[string]any)
	if ident["type"] != "None" || ident["userAssignedIdentities"] != nil {
		t.Errorf("remove PATCH identity = %+v", ident)
	}
	if _, err := runCLI(t, "", "app", "identity", "remove", "-g", "rg1", "-n", "web", "--identities", "never-assigned"); err == nil || !strings.Contains(err.Error(), "is not assigned") {
		t.Errorf("removing an unassigned identity: %v", err)
	}
	if _, err := runCLI(t, "", "app", "identity", "assign", "-g", "rg1", "-n", "web", "--identities", sitePath); err == nil {
		t.Error("a site ID was accepted as a user-assigned identity")
	}
}

func TestAppConfigSetMerges(t *testing.T) {
	f := newFake(t)
	f.signIn(t)
	f.on("POST "+sitePath+"/config/appsettings/list", 200, map[string]any{"properties": map[string]string{"KEEP": "1", "CHANGE": "old"}})
	f.echo("PUT "+sitePath+"/config/appsettings", 200)
	out, err := runCLI(t, "", "app", "config", "set", "-g", "rg1", "-n", "web", "--settings", "CHANGE=new", "URL=https://x/?a=b")
	if err != nil {
		t.Fatal(err)
	}
	got := f.last(t, "PUT").Body["properties"].(map[string]any)
	want := map[string]any{"KEEP": "1", "CHANGE": "new", "URL": "https://x/?a=b"}
	if len(got) != len(want) || got["KEEP"] != "1" || got["CHANGE"] != "new" || got["URL"] != want["URL"] {
		t.Errorf("PUT settings %v, want %v", got, want)
	}
	var list []setting
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 3 || list[0].Name != "CHANGE" {
		t.Errorf("output %s (%v)", out, err)
	}
	if _, err := runCLI(t, "", "app", "config", "set", "-g", "rg1", "-n", "web", "--settings", "novalue"); err == nil {
		t.Error("a setting without = was accepted")
	}
}

func TestBadNamesSendNothing(t *testing.T) {
	f := newFake(t)
	f.signIn(t)
	for _, args := range [][]string{
		{"group", "show", "-n", ".."},
		{"identity", "show", "-g", "rg1", "-n", "a/../../b"},
		{"app", "show", "-g", "rg?x=1", "-n", "web"},
		{"ad", "user", "show", "--id", "x#frag"},
		{"--subscription", "../..", "group", "list"},
	} {
		if _, err := runCLI(t, "", args...); err == nil {
			t.Errorf("%v succeeded", args)
		}
	}
	if n := len(f.requests()); n != 0 {
		t.Errorf("%d requests were sent for invalid names: %+v", n, f.requests())
	}
}

func TestServerErrorsAreShownAsARM(t *testing.T) {
	f := newFake(t)
	f.signIn(t)
	f.on("PUT "+rgPath, 403, map[string]any{"error": map[string]string{"code": "AuthorizationFailed", "message": "The client 'alice' does not have authorization."}})
	_, err := runCLI(t, "", "group", "create", "-n", "rg1")
	if err == nil || err.Error() != "(AuthorizationFailed) The client 'alice' does not have authorization." {
		t.Errorf("err = %v", err)
	}
	if b := f.last(t, "PUT").Body; b["location"] != "local" {
		t.Errorf("default location: %v", b)
	}
}
