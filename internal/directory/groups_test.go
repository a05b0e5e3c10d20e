package directory

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/lanyardhq/lanyard/internal/authn"
	"github.com/lanyardhq/lanyard/internal/rbac"
	"github.com/lanyardhq/lanyard/internal/store"
)

func TestGroupCycleRefused(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	a, b, c := e.group(t, "a"), e.group(t, "b"), e.group(t, "c")
	u := e.user(t, "u@x.io")
	for _, m := range [][2]string{{a.ID, b.ID}, {b.ID, c.ID}, {c.ID, u.ID}, {c.ID, u.ID}} {
		if err := e.svc.AddMember(ctx, m[0], m[1]); err != nil {
			t.Fatalf("AddMember(%s, %s): %v", m[0], m[1], err)
		}
	}
	for name, m := range map[string][2]string{
		"itself":         {a.ID, a.ID},
		"direct cycle":   {b.ID, a.ID},
		"transitive":     {c.ID, a.ID},
		"transitive (2)": {c.ID, b.ID},
		"member is user": {u.ID, a.ID}, // not a group: 404
		"unknown member": {a.ID, newID()},
		"unknown group":  {newID(), u.ID},
	} {
		err := e.svc.AddMember(ctx, m[0], m[1])
		var de *Error
		if !errors.As(err, &de) || de.Status/100 != 4 {
			t.Errorf("%s: err = %v, want a 4xx", name, err)
		}
	}
	edges, _ := e.st.ListMemberships(ctx)
	if len(edges) != 3 {
		t.Fatalf("%d edges after refused additions, want 3: %v", len(edges), edges)
	}
	members, err := e.svc.ListMembers(ctx, c.ID)
	if err != nil || len(members) != 1 || members[0].ID != u.ID || members[0].PasswordHash != "" {
		t.Fatalf("ListMembers(c) = %+v, %v", members, err)
	}
	if err := e.svc.RemoveMember(ctx, c.ID, u.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.RemoveMember(ctx, c.ID, u.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("removing a non-member: %v, want not found", err)
	}
}

// TestMembershipReachesRBAC checks that membership changes take effect at
// once: the service syncs the RBAC index after committing.
func TestMembershipReachesRBAC(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	admins, u := e.group(t, "admins"), e.user(t, "u@x.io")
	e.assign(t, admins.ID, rbac.OwnerID)
	caller := authn.Caller{PrincipalID: u.ID}
	if e.index.Authorize(ctx, caller, ActionUsersWrite, "/") == nil {
		t.Fatal("allowed before joining the group")
	}
	if err := e.svc.AddMember(ctx, admins.ID, u.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.index.Authorize(ctx, caller, ActionUsersWrite, "/"); err != nil {
		t.Fatalf("denied after joining the group: %v", err)
	}
	if err := e.svc.RemoveMember(ctx, admins.ID, u.ID); err != nil {
		t.Fatal(err)
	}
	if e.index.Authorize(ctx, caller, ActionUsersWrite, "/") == nil {
		t.Fatal("still allowed after leaving the group")
	}
}

func TestDeleteCascades(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	g, u := e.group(t, "ops"), e.user(t, "u@x.io")
	sp, _ := e.svc.CreateServicePrincipal(ctx, "app")
	if _, _, err := e.svc.AddSecret(ctx, sp.ID, "", e.clock.Now().AddDate(1, 0, 0)); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.AddMember(ctx, g.ID, u.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.AddMember(ctx, g.ID, sp.ID); err != nil {
		t.Fatal(err)
	}
	e.assign(t, u.ID, rbac.OwnerID)
	e.assign(t, g.ID, rbac.OwnerID)
	if err := e.index.Authorize(ctx, authn.Caller{PrincipalID: sp.ID}, ActionUsersWrite, "/"); err != nil {
		t.Fatalf("sp denied through its group: %v", err)
	}

	if err := e.svc.DeletePrincipal(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Get(ctx, u.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleted user still found: %v", err)
	}
	if as, _ := e.st.ListAssignments(ctx, store.AssignmentFilter{PrincipalID: u.ID}); len(as) != 0 {
		t.Fatalf("deleted user keeps %d assignments", len(as))
	}
	if ids, _ := e.st.ListMembers(ctx, g.ID); len(ids) != 1 || ids[0] != sp.ID {
		t.Fatalf("group members after deleting the user: %v, want [%s]", ids, sp.ID)
	}
	if e.index.Authorize(ctx, authn.Caller{PrincipalID: u.ID}, ActionUsersWrite, "/") == nil {
		t.Fatal("deleted user still authorized")
	}

	// Deleting the group revokes what its members held through it.
	if err := e.svc.DeletePrincipal(ctx, g.ID); err != nil {
		t.Fatal(err)
	}
	if as, _ := e.st.ListAssignments(ctx, store.AssignmentFilter{PrincipalID: g.ID}); len(as) != 0 {
		t.Fatalf("deleted group keeps %d assignments", len(as))
	}
	if e.index.Authorize(ctx, authn.Caller{PrincipalID: sp.ID}, ActionUsersWrite, "/") == nil {
		t.Fatal("sp still authorized through a deleted group")
	}

	if err := e.svc.DeletePrincipal(ctx, sp.ID); err != nil {
		t.Fatal(err)
	}
	if creds, _ := e.st.ListCredentials(ctx, sp.ID); len(creds) != 0 {
		t.Fatalf("deleted sp keeps %d credentials", len(creds))
	}
	if err := e.svc.DeletePrincipal(ctx, sp.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleting twice: %v", err)
	}
}

func TestDeleteManagedIdentityRefused(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	const rid = "/subscriptions/s/resourceGroups/g/providers/Microsoft.Web/sites/app1"
	mi := e.managedIdentity(t, store.SystemAssigned, rid)
	e.assign(t, mi.ID, rbac.OwnerID)
	err := e.svc.DeletePrincipal(ctx, mi.ID)
	var de *Error
	if !errors.As(err, &de) || de.Status != http.StatusBadRequest || !strings.Contains(de.Message, rid) {
		t.Fatalf("err = %v, want 400 naming the resource", err)
	}
	if _, err := e.svc.Get(ctx, mi.ID); err != nil {
		t.Fatalf("managed identity gone after refused delete: %v", err)
	}
	if as, _ := e.st.ListAssignments(ctx, store.AssignmentFilter{PrincipalID: mi.ID}); len(as) != 1 {
		t.Fatalf("assignments after refused delete: %d, want 1", len(as))
	}
}
