package cli

import (
	"context"
	"strings"
	"testing"
	"time"
)

const (
	userOID = "aaaaaaaa-0000-0000-0000-000000000001"
	spOID   = "aaaaaaaa-0000-0000-0000-000000000002"
	spApp   = "bbbbbbbb-0000-0000-0000-000000000002"
	miOID   = "aaaaaaaa-0000-0000-0000-000000000003"
	mi2OID  = "aaaaaaaa-0000-0000-0000-000000000004"
)

func identityObj(group, name, pid string) map[string]any {
	return map[string]any{
		"id":         "/subscriptions/" + testSub + "/resourceGroups/" + group + "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/" + name,
		"name":       name,
		"properties": map[string]any{"principalId": pid},
	}
}

func directoryFake(t *testing.T) *fakeAPI {
	f := newFake(t)
	f.signIn(t)
	f.on("GET /v1.0/directoryObjects/"+userOID, 200, map[string]any{"@odata.type": "#microsoft.graph.user", "id": userOID})
	f.on("GET /v1.0/servicePrincipals", 200, map[string]any{"value": []any{map[string]any{"@odata.type": "#microsoft.graph.servicePrincipal", "id": spOID, "appId": spApp}}})
	f.on("GET /v1.0/users/alice@example.com", 200, map[string]any{"@odata.type": "#microsoft.graph.user", "id": userOID})
	f.on("GET /subscriptions/"+testSub+"/providers/Microsoft.ManagedIdentity/userAssignedIdentities", 200, map[string]any{"value": []any{
		identityObj("rg1", "shared", miOID), identityObj("rg2", "shared", mi2OID), identityObj("rg1", "only-here", miOID),
	}})
	f.on("GET /subscriptions/"+testSub+"/resourceGroups/rg2/providers/Microsoft.ManagedIdentity/userAssignedIdentities", 200, map[string]any{"value": []any{
		identityObj("rg2", "shared", mi2OID),
	}})
	return f
}

func TestResolveAssignee(t *testing.T) {
	f := directoryFake(t)
	a := &app{now: func() time.Time { return testNow }}
	c, err := a.client()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		assignee, group string
		want            principal
		wantErr         string
		wantPath        string // the request that must have answered
	}{
		{assignee: userOID, want: principal{userOID, "User"}, wantPath: "/v1.0/directoryObjects/" + userOID},
		{assignee: spApp, want: principal{spOID, "ServicePrincipal"}, wantPath: "/v1.0/servicePrincipals"},
		{assignee: "alice@example.com", want: principal{userOID, "User"}, wantPath: "/v1.0/users/alice@example.com"},
		{assignee: "only-here", want: principal{miOID, "ServicePrincipal"}},
		{assignee: "SHARED", group: "rg2", want: principal{mi2OID, "ServicePrincipal"}, wantPath: "/subscriptions/" + testSub + "/resourceGroups/rg2/providers/Microsoft.ManagedIdentity/userAssignedIdentities"},
		{assignee: "shared", wantErr: "2 identities are named"},
		{assignee: "nobody", wantErr: "not a GUID, a user principal name or a user-assigned identity"},
		{assignee: "bob@x/../../v1.0/users", wantErr: "not a valid"},
	}
	for _, tt := range tests {
		t.Run(tt.assignee, func(t *testing.T) {
			got, err := c.resolveAssignee(context.Background(), tt.assignee, tt.group)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tt.want)
			}
			if tt.wantPath != "" {
				if p := f.last(t, "GET").Path; p != tt.wantPath {
					t.Errorf("last GET %s, want %s", p, tt.wantPath)
				}
			}
		})
	}
	if q := findQuery(f, "/v1.0/servicePrincipals"); !strings.Contains(q, "appId+eq+%27"+spApp+"%27") {
		t.Errorf("appId filter query = %q", q)
	}
}

func findQuery(f *fakeAPI, path string) string {
	for _, r := range f.requests() {
		if r.Path == path {
			return r.Query
		}
	}
	return ""
}
