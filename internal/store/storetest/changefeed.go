package storetest

import (
	"testing"

	"github.com/lanyardhq/lanyard/internal/store"
)

// feedSince returns the changes after rev as (kind, key) pairs, checking
// that revisions strictly increase.
func feedSince(t *testing.T, s store.Store, rev int64) []store.Change {
	t.Helper()
	cs, err := s.ChangesSince(bg, rev, 0)
	ok(t, err)
	out := []store.Change{}
	for _, c := range cs {
		if c.Revision <= rev {
			t.Fatalf("revision %d not after %d in %+v", c.Revision, rev, cs)
		}
		rev = c.Revision
		out = append(out, store.Change{Kind: c.Kind, Key: c.Key})
	}
	return out
}

func testChangeFeed(t *testing.T, open Opener) {
	s := fresh(t, open)
	latest, err := s.LatestRevision(bg)
	ok(t, err)
	equal(t, latest, int64(0))

	// Writes that RBAC does not care about append nothing.
	ok(t, s.SetMeta(bg, "k", "v"))
	ok(t, s.CreatePrincipal(bg, user("u1", "a")))
	ok(t, s.CreatePrincipal(bg, group("g1")))
	ok(t, s.CreatePrincipal(bg, group("g2")))
	ok(t, s.CreateResource(bg, resource(rg, "Microsoft.Resources/resourceGroups")))
	ok(t, s.UpdatePrincipal(bg, "u1", func(p store.Principal) (store.Principal, error) {
		p.DisplayName = "renamed"
		return p, nil
	}))
	equal(t, feedSince(t, s, 0), []store.Change{})

	ok(t, s.PutRoleDefinition(bg, role("r1", "R")))
	ok(t, s.CreateAssignment(bg, assignment("a1", rg, "u1")))
	ok(t, s.CreateAssignment(bg, assignment("a2", site, "u1")))
	ok(t, s.AddMember(bg, "g1", "u1"))
	ok(t, s.AddMember(bg, "g1", "u1")) // no-op: no change
	ok(t, s.AddMember(bg, "g2", "g1"))
	ok(t, s.RemoveMember(bg, "g2", "g1"))
	ok(t, s.AddMember(bg, "g2", "u1"))
	mid, err := s.LatestRevision(bg)
	ok(t, err)
	ok(t, s.UpdatePrincipal(bg, "u1", func(p store.Principal) (store.Principal, error) {
		p.Disabled = true
		return p, nil
	}))
	_, err = s.DeleteAssignments(bg, store.AssignmentFilter{PrincipalID: "u1"})
	ok(t, err)
	ok(t, s.DeletePrincipal(bg, "u1"))
	ok(t, s.DeletePrincipal(bg, "g1"))
	ok(t, s.DeleteRoleDefinition(bg, "r1"))

	want := []store.Change{
		{Kind: store.ChangeRole, Key: "r1"},
		{Kind: store.ChangeAssignment, Key: "a1"},
		{Kind: store.ChangeAssignment, Key: "a2"},
		{Kind: store.ChangeMembership, Key: "g1"},
		{Kind: store.ChangeMembership, Key: "g2"},
		{Kind: store.ChangeMembership, Key: "g2"},
		{Kind: store.ChangeMembership, Key: "g2"},
		{Kind: store.ChangePrincipal, Key: "u1"}, // disabled
		{Kind: store.ChangeAssignment, Key: "a1"},
		{Kind: store.ChangeAssignment, Key: "a2"},
		{Kind: store.ChangePrincipal, Key: "u1"}, // deleted, with its groups
		{Kind: store.ChangeMembership, Key: "g1"},
		{Kind: store.ChangeMembership, Key: "g2"},
		{Kind: store.ChangePrincipal, Key: "g1"}, // a deleted group
		{Kind: store.ChangeMembership, Key: "g1"},
		{Kind: store.ChangeRole, Key: "r1"},
	}
	equal(t, feedSince(t, s, 0), want)
	equal(t, feedSince(t, s, mid), want[7:])

	latest, err = s.LatestRevision(bg)
	ok(t, err)
	all, err := s.ChangesSince(bg, 0, 0)
	ok(t, err)
	equal(t, latest, all[len(all)-1].Revision)
	page, err := s.ChangesSince(bg, 0, 3)
	ok(t, err)
	equal(t, page, all[:3])
	page, err = s.ChangesSince(bg, page[2].Revision, 2)
	ok(t, err)
	equal(t, page, all[3:5])
	none, err := s.ChangesSince(bg, latest, 10)
	ok(t, err)
	equal(t, len(none), 0)
}
