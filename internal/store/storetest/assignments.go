package storetest

import (
	"testing"

	"github.com/lanyardhq/lanyard/internal/store"
)

func assignment(name, scope, principalID string) store.RoleAssignment {
	return store.RoleAssignment{Name: name, Scope: scope, RoleDefinitionID: "r1",
		PrincipalID: principalID, PrincipalType: "User", Description: "d", CreatedBy: "admin",
		CreatedAt: at(1), UpdatedAt: at(2)}
}

func names(as []store.RoleAssignment) []string {
	out := []string{}
	for _, a := range as {
		out = append(out, a.Name)
	}
	return out
}

func testAssignments(t *testing.T, open Opener) {
	t.Run("CreateGetConflict", func(t *testing.T) {
		s := fresh(t, open)
		a := assignment("A1", site, "u1")
		ok(t, s.CreateAssignment(bg, a))
		got, err := s.GetAssignment(bg, "a1")
		ok(t, err)
		equal(t, got, a)
		_, err = s.GetAssignment(bg, "nope")
		is(t, err, store.ErrNotFound)
		is(t, s.CreateAssignment(bg, assignment("a1", rg, "u2")), store.ErrConflict)
		// Same principal, role and scope (in another case) under a new name.
		is(t, s.CreateAssignment(bg, assignment("a2", upper(site), "U1")), store.ErrConflict)
		other := assignment("a3", site, "u1")
		other.RoleDefinitionID = "r2"
		ok(t, s.CreateAssignment(bg, other))
		fails(t, s.CreateAssignment(bg, assignment("a4", "", "u1")))
		ok(t, s.DeleteAssignment(bg, "A1"))
		is(t, s.DeleteAssignment(bg, "a1"), store.ErrNotFound)
		ok(t, s.CreateAssignment(bg, assignment("a5", site, "u1"))) // freed
	})
	t.Run("Filters", func(t *testing.T) {
		s := fresh(t, open)
		ok(t, s.CreateAssignment(bg, assignment("root", "/", "u1")))
		ok(t, s.CreateAssignment(bg, assignment("sub", sub, "u1")))
		ok(t, s.CreateAssignment(bg, assignment("rg", rg, "u2")))
		ok(t, s.CreateAssignment(bg, assignment("rglike", rgLike, "u2")))
		ok(t, s.CreateAssignment(bg, assignment("site", site, "u1")))
		r2 := assignment("r2", site, "u3")
		r2.RoleDefinitionID = "R2"
		ok(t, s.CreateAssignment(bg, r2))
		cases := []struct {
			name string
			f    store.AssignmentFilter
			want []string
		}{
			{"all", store.AssignmentFilter{}, []string{"r2", "rg", "rglike", "root", "site", "sub"}},
			{"principal", store.AssignmentFilter{PrincipalID: "U1"}, []string{"root", "site", "sub"}},
			{"role", store.AssignmentFilter{RoleDefinitionID: "r2"}, []string{"r2"}},
			{"scope exact", store.AssignmentFilter{Scope: upper(rg)}, []string{"rg"}},
			{"root exact", store.AssignmentFilter{Scope: "/"}, []string{"root"}},
			{"under rg", store.AssignmentFilter{Under: upper(rg)}, []string{"r2", "rg", "site"}},
			{"under root", store.AssignmentFilter{Under: "/"}, []string{"r2", "rg", "rglike", "root", "site", "sub"}},
			{"under sub and principal", store.AssignmentFilter{Under: sub, PrincipalID: "u2"}, []string{"rg", "rglike"}},
			{"under leaf", store.AssignmentFilter{Under: site + "/config/x"}, []string{}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got, err := s.ListAssignments(bg, c.f)
				ok(t, err)
				equal(t, names(got), c.want)
			})
		}
	})
	t.Run("DeleteMany", func(t *testing.T) {
		s := fresh(t, open)
		ok(t, s.CreateAssignment(bg, assignment("rg", rg, "u1")))
		ok(t, s.CreateAssignment(bg, assignment("rglike", rgLike, "u1")))
		ok(t, s.CreateAssignment(bg, assignment("site", site, "u2")))
		_, err := s.DeleteAssignments(bg, store.AssignmentFilter{})
		fails(t, err) // refuses to delete everything
		left, err := s.ListAssignments(bg, store.AssignmentFilter{})
		ok(t, err)
		equal(t, len(left), 3)
		gone, err := s.DeleteAssignments(bg, store.AssignmentFilter{Under: rg})
		ok(t, err)
		equal(t, names(gone), []string{"rg", "site"})
		left, err = s.ListAssignments(bg, store.AssignmentFilter{})
		ok(t, err)
		equal(t, names(left), []string{"rglike"})
		gone, err = s.DeleteAssignments(bg, store.AssignmentFilter{PrincipalID: "nobody"})
		ok(t, err)
		equal(t, len(gone), 0)
	})
}
