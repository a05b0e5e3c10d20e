package cli

import (
	"bytes"
	"strings"
	"testing"
)

func TestOutputFormats(t *testing.T) {
	items := []map[string]any{
		{"id": "/subscriptions/s/resourceGroups/RG1/providers/Microsoft.Web/sites/web", "name": "web", "location": "local"},
		{"id": "/subscriptions/s/resourceGroups/rg2/providers/Microsoft.Web/sites/evil", "name": "evil\n\x1b[31mforged\trow", "location": "local"},
	}
	tests := []struct {
		format string
		want   string
	}{
		{"table", "Name                  ResourceGroup  Location\n" +
			"----                  -------------  --------\n" +
			"web                   RG1            local\n" +
			"evil??[31mforged?row  rg2            local\n"},
		{"tsv", "web\tRG1\tlocal\nevil??[31mforged?row\trg2\tlocal\n"},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			var b bytes.Buffer
			if err := (&app{output: tt.format}).print(&b, items, resourceColumns); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("got\n%q\nwant\n%q", b.String(), tt.want)
			}
		})
	}
	var b bytes.Buffer
	(&app{output: "json"}).print(&b, map[string]any{"url": "https://x/?a=b&c=<d>"}, nil)
	if b.String() != "{\n  \"url\": \"https://x/?a=b&c=<d>\"\n}\n" {
		t.Errorf("json = %q", b.String())
	}
	// Without columns a table shows every top-level scalar, sorted.
	b.Reset()
	(&app{output: "table"}).print(&b, map[string]any{"b": 1, "a": "x", "nested": map[string]any{}}, nil)
	if !strings.HasPrefix(b.String(), "A  B\n") {
		t.Errorf("scalar columns: %q", b.String())
	}
}

func TestOutputFlagValidated(t *testing.T) {
	newFake(t)
	if _, err := runCLI(t, "", "-o", "yaml", "account", "show"); err == nil || !strings.Contains(err.Error(), "json, table or tsv") {
		t.Errorf("-o yaml: %v", err)
	}
}

func TestAccessCheckSummary(t *testing.T) {
	f := directoryFake(t)
	f.on("POST /lanyard/v1/checkAccess", 200, map[string]any{
		"allowed": false, "principalId": userOID, "action": "Microsoft.Web/sites/write", "isDataAction": false, "scope": rgPath,
		"matchedAssignments": []any{}, "grantingRoles": []any{map[string]any{"id": "de139f84-1756-47ae-9be6-808fbbe84772", "roleName": "Website Contributor"}},
		"reason": "no assignment grants it",
	})
	out, err := runCLI(t, "", "-o", "table", "access", "check", "--assignee", userOID, "--action", "Microsoft.Web/sites/write", "-g", "rg1")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"DENIED: action Microsoft.Web/sites/write at " + rgPath, "Roles that would grant it:\n  Website Contributor"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	body := f.last(t, "POST").Body
	if body["principalId"] != userOID || body["scope"] != rgPath || body["isDataAction"] != nil {
		t.Errorf("checkAccess body %+v", body)
	}
	if _, err := runCLI(t, "", "access", "check", "--assignee", userOID, "--action", "a", "--data-action", "b", "-g", "rg1"); err == nil {
		t.Error("both --action and --data-action accepted")
	}
}

func TestRoleAssignmentListAndDelete(t *testing.T) {
	f := directoryFake(t)
	assignment := func(name, scope, role string) map[string]any {
		return map[string]any{"id": scope + "/providers/Microsoft.Authorization/roleAssignments/" + name, "name": name,
			"properties": map[string]any{"scope": scope, "principalId": userOID, "roleDefinitionId": subPath + "/providers/Microsoft.Authorization/roleDefinitions/" + role}}
	}
	f.on("GET "+rgPath+"/providers/Microsoft.Authorization/roleAssignments", 200, map[string]any{"value": []any{
		assignment("a1", rgPath, readerID), assignment("a2", subPath, readerID), assignment("a3", sitePath, readerID),
	}})
	f.on("GET "+subPath+"/providers/Microsoft.Authorization/roleDefinitions", 200, map[string]any{"value": []any{
		map[string]any{"id": subPath + "/providers/Microsoft.Authorization/roleDefinitions/" + readerID, "name": readerID, "properties": map[string]any{"roleName": "Reader"}},
	}})
	f.on("DELETE "+rgPath+"/providers/Microsoft.Authorization/roleAssignments/a1", 200, map[string]any{})
	out, err := runCLI(t, "", "-o", "tsv", "role", "assignment", "list", "--assignee", "alice@example.com", "-g", "rg1")
	if err != nil {
		t.Fatal(err)
	}
	// Without --all, a3 (below the group) is left out; the role gets its name.
	if out != userOID+"\tReader\t"+rgPath+"\ta1\n"+userOID+"\tReader\t"+subPath+"\ta2\n" {
		t.Errorf("list:\n%s", out)
	}
	if _, err := runCLI(t, "", "role", "assignment", "delete", "--assignee", "alice@example.com", "--role", "Reader", "-g", "rg1"); err != nil {
		t.Fatal(err)
	}
	if p := f.last(t, "DELETE").Path; p != rgPath+"/providers/Microsoft.Authorization/roleAssignments/a1" {
		t.Errorf("deleted %s", p)
	}
	if _, err := runCLI(t, "", "role", "assignment", "delete", "--ids", sitePath); err == nil {
		t.Error("a non-assignment ID was deleted")
	}
}
