package storetest

import (
	"testing"

	"github.com/lanyardhq/lanyard/internal/store"
)

func testMemberships(t *testing.T, open Opener) {
	t.Run("AddListRemove", func(t *testing.T) {
		s := fresh(t, open)
		ok(t, s.CreatePrincipal(bg, group("g1")))
		ok(t, s.CreatePrincipal(bg, group("g2")))
		ok(t, s.CreatePrincipal(bg, user("u1", "a")))
		ok(t, s.CreatePrincipal(bg, user("u2", "b")))
		ok(t, s.AddMember(bg, "G1", "u2"))
		ok(t, s.AddMember(bg, "g1", "U1"))
		ok(t, s.AddMember(bg, "g1", "u1")) // idempotent
		ok(t, s.AddMember(bg, "g2", "g1")) // nested groups
		members, err := s.ListMembers(bg, "g1")
		ok(t, err)
		equal(t, members, []string{"u1", "u2"})
		edges, err := s.ListMemberships(bg)
		ok(t, err)
		equal(t, edges, []store.Membership{
			{GroupID: "g1", MemberID: "u1"}, {GroupID: "g1", MemberID: "u2"}, {GroupID: "g2", MemberID: "g1"}})
		ok(t, s.RemoveMember(bg, "g1", "U2"))
		is(t, s.RemoveMember(bg, "g1", "u2"), store.ErrNotFound)
		members, err = s.ListMembers(bg, "g1")
		ok(t, err)
		equal(t, members, []string{"u1"})
	})
	t.Run("NotFound", func(t *testing.T) {
		s := fresh(t, open)
		ok(t, s.CreatePrincipal(bg, group("g1")))
		ok(t, s.CreatePrincipal(bg, user("u1", "a")))
		is(t, s.AddMember(bg, "nope", "u1"), store.ErrNotFound)
		is(t, s.AddMember(bg, "g1", "nope"), store.ErrNotFound)
		// Only a group can have members.
		is(t, s.AddMember(bg, "u1", "g1"), store.ErrNotFound)
		is(t, s.RemoveMember(bg, "nope", "u1"), store.ErrNotFound)
		_, err := s.ListMembers(bg, "nope")
		is(t, err, store.ErrNotFound)
		members, err := s.ListMembers(bg, "g1")
		ok(t, err)
		equal(t, len(members), 0)
	})
}
