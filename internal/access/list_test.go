package access

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
)

// names lists the assignment names of a list response.
func names(t *testing.T, body map[string]any) []string {
	t.Helper()
	vs, ok := body["value"].([]any)
	if !ok {
		t.Fatalf("no value array: %v", body)
	}
	var out []string
	for _, v := range vs {
		out = append(out, v.(map[string]any)["name"].(string))
	}
	slices.Sort(out)
	return out
}

func TestListAssignmentFilters(t *testing.T) {
	e := newEnv(t)
	// Seeded: a0 (/ owner admin), a1 (sub reader), a2 (sub contributor), a3 (rg1 uaa), a4 (rg1 rbac admin).
	add := []struct{ name, scope, role, principal string }{
		{"eeeeeeee-0000-0000-0000-000000000001", rg1, roleReader, alice},
		{"eeeeeeee-0000-0000-0000-000000000002", acct, roleBlobReader, alice},
		{"eeeeeeee-0000-0000-0000-000000000003", rg2, roleReader, alice},
		{"eeeeeeee-0000-0000-0000-000000000004", sub, roleReader, team},
		{"eeeeeeee-0000-0000-0000-000000000005", acct, roleReader, app},
	}
	for _, a := range add {
		if status, body := e.do(http.MethodPut, assignmentPath(a.scope, a.name), admin, assignBody(a.role, a.principal, "")); status != 201 {
			t.Fatalf("seed %s: %d %v", a.name, status, body)
		}
	}
	const a0, a1, a2, a3, a4 = "aaaaaaaa-0000-0000-0000-000000000000", "aaaaaaaa-0000-0000-0000-000000000001", "aaaaaaaa-0000-0000-0000-000000000002", "aaaaaaaa-0000-0000-0000-000000000003", "aaaaaaaa-0000-0000-0000-000000000004"
	e1, e2, e3, e4, e5 := add[0].name, add[1].name, add[2].name, add[3].name, add[4].name
	tests := []struct {
		name, scope, filter string
		want                []string
	}{
		{"no filter: at, above and below", rg1, "", []string{a0, a1, a2, a3, a4, e1, e2, e4, e5}},
		{"atScope: at and above", rg1, "atScope()", []string{a0, a1, a2, a3, a4, e1, e4}},
		{"principalId", rg1, "principalId eq '" + alice + "'", []string{e1, e2}},
		{"principalId is exact, not transitive", sub, "principalId eq '" + alice + "'", []string{e1, e2, e3}},
		{"assignedTo includes groups", rg1, "assignedTo('" + alice + "')", []string{e1, e2, e4}},
		{"atScope and principalId", rg1, "atScope() and principalId eq '" + alice + "'", []string{e1}},
		{"principalId and atScope, any case", rg1, "PRINCIPALID EQ '" + alice + "' AND atscope()", []string{e1}},
		{"atScope and assignedTo", acct, "atScope() and assignedTo('" + alice + "')", []string{e1, e2, e4}},
		{"root lists all", "/", "", []string{a0, a1, a2, a3, a4, e1, e2, e3, e4, e5}},
		{"root atScope", "/", "atScope()", []string{a0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.scope
			if path == "/" {
				path = ""
			}
			path += "/providers/Microsoft.Authorization/roleAssignments"
			if tt.filter != "" {
				path += "?$filter=" + url.QueryEscape(tt.filter)
			}
			status, body := e.do(http.MethodGet, path, admin, nil)
			if status != http.StatusOK {
				t.Fatalf("%d %v", status, body)
			}
			want := slices.Sorted(slices.Values(tt.want))
			if got := names(t, body); !slices.Equal(got, want) {
				t.Errorf("got  %v\nwant %v", got, want)
			}
		})
	}
}

func TestListAssignmentsErrors(t *testing.T) {
	e := newEnv(t)
	base := rg1 + "/providers/Microsoft.Authorization/roleAssignments"
	for _, f := range []string{"foo", "principalId eq alice", "principalId eq 'x'", "atScope() or principalId eq '" + alice + "'",
		"atScope() and atScope()", "principalId eq '" + alice + "' and assignedTo('" + alice + "')", "roleDefinitionId eq '" + roleReader + "'"} {
		status, body := e.do(http.MethodGet, base+"?$filter="+url.QueryEscape(f), admin, nil)
		if status != 400 {
			t.Errorf("%q: %d %v", f, status, body)
		}
	}
	if status, body := e.do(http.MethodGet, base, alice, nil); status != 403 || errCode(body) != "AuthorizationFailed" {
		t.Errorf("alice lists: %d %v", status, body)
	}
	if status, body := e.do(http.MethodGet, base, reader, nil); status != 200 {
		t.Errorf("reader lists: %d %v", status, body)
	}
}
