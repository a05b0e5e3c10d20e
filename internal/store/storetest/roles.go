package storetest

import (
	"testing"

	"github.com/lanyardhq/lanyard/internal/store"
)

func role(id, name string) store.RoleDefinition {
	return store.RoleDefinition{ID: id, RoleName: name, Description: "d", RoleType: "CustomRole",
		Permissions: []store.Permission{{Actions: []string{"Microsoft.Web/sites/read"},
			NotActions: []string{}, DataActions: []string{"x/*"}, NotDataActions: []string{}}},
		AssignableScopes: []string{sub}, CreatedBy: "u1", CreatedAt: at(1), UpdatedAt: at(1)}
}

func testRoleDefinitions(t *testing.T, open Opener) {
	s := fresh(t, open)
	r1, r2 := role("r1", "Site Reader"), role("r2", "Other")
	ok(t, s.PutRoleDefinition(bg, r1))
	ok(t, s.PutRoleDefinition(bg, r2))
	got, err := s.GetRoleDefinition(bg, "R1")
	ok(t, err)
	equal(t, got, r1)
	_, err = s.GetRoleDefinition(bg, "nope")
	is(t, err, store.ErrNotFound)

	// Names are unique case-insensitively, except against the same ID.
	is(t, s.PutRoleDefinition(bg, role("r3", "SITE READER")), store.ErrConflict)
	is(t, s.PutRoleDefinition(bg, role("r2", "site reader")), store.ErrConflict)
	r1.RoleName = "SITE READER"
	r1.AssignableScopes = []string{sub, "/subscriptions/Sub2"}
	r1.UpdatedAt = at(5)
	ok(t, s.PutRoleDefinition(bg, r1)) // replace
	list, err := s.ListRoleDefinitions(bg)
	ok(t, err)
	equal(t, list, []store.RoleDefinition{r1, r2})

	ok(t, s.DeleteRoleDefinition(bg, "r1"))
	is(t, s.DeleteRoleDefinition(bg, "r1"), store.ErrNotFound)
	// The freed name can be reused.
	ok(t, s.PutRoleDefinition(bg, role("r3", "Site Reader")))
	fails(t, s.PutRoleDefinition(bg, role("", "x")))
	fails(t, s.PutRoleDefinition(bg, role("r4", "")))
}
