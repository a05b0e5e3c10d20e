package storetest

import (
	"errors"
	"testing"

	"github.com/lanyardhq/lanyard/internal/store"
)

func user(id, name string) store.Principal {
	return store.Principal{ID: id, Kind: store.KindUser, DisplayName: "User " + id,
		UserName: name, PasswordHash: "hash-" + id, CreatedAt: at(1)}
}

func group(id string) store.Principal {
	return store.Principal{ID: id, Kind: store.KindGroup, DisplayName: "Group " + id, CreatedAt: at(2)}
}

func identity(id, clientID, resourceID string) store.Principal {
	return store.Principal{ID: id, Kind: store.KindManagedIdentity, DisplayName: id,
		ClientID: clientID, IdentityType: store.UserAssigned, ResourceID: resourceID, CreatedAt: at(3)}
}

func testPrincipals(t *testing.T, open Opener) {
	t.Run("CreateGet", func(t *testing.T) {
		s := fresh(t, open)
		u := user("u1", "Alice@Example.com")
		mi := identity("m1", "C1", "/subscriptions/S/resourceGroups/G/providers/Microsoft.ManagedIdentity/userAssignedIdentities/Id1")
		ok(t, s.CreatePrincipal(bg, u))
		ok(t, s.CreatePrincipal(bg, mi))
		got, err := s.GetPrincipal(bg, "u1")
		ok(t, err)
		equal(t, got, u)
		got, err = s.GetPrincipal(bg, "U1") // IDs compare case-insensitively
		ok(t, err)
		equal(t, got, u)
		got, err = s.GetPrincipalByUserName(bg, "alice@EXAMPLE.com")
		ok(t, err)
		equal(t, got.UserName, "Alice@Example.com") // original casing kept
		got, err = s.GetPrincipalByClientID(bg, "c1")
		ok(t, err)
		equal(t, got, mi)
		got, err = s.GetPrincipalByResourceID(bg, "/SUBSCRIPTIONS/s/resourcegroups/g/providers/microsoft.managedidentity/userassignedidentities/id1")
		ok(t, err)
		equal(t, got, mi)
	})
	t.Run("NotFound", func(t *testing.T) {
		s := fresh(t, open)
		ok(t, s.CreatePrincipal(bg, group("g1")))
		_, err := s.GetPrincipal(bg, "nope")
		is(t, err, store.ErrNotFound)
		_, err = s.GetPrincipalByUserName(bg, "nope")
		is(t, err, store.ErrNotFound)
		_, err = s.GetPrincipalByClientID(bg, "")
		is(t, err, store.ErrNotFound) // empty never matches a record without one
		_, err = s.GetPrincipalByResourceID(bg, "/x")
		is(t, err, store.ErrNotFound)
		is(t, s.UpdatePrincipal(bg, "nope", func(p store.Principal) (store.Principal, error) { return p, nil }), store.ErrNotFound)
		is(t, s.DeletePrincipal(bg, "nope"), store.ErrNotFound)
	})
	t.Run("Conflicts", func(t *testing.T) {
		s := fresh(t, open)
		ok(t, s.CreatePrincipal(bg, user("u1", "alice")))
		ok(t, s.CreatePrincipal(bg, identity("m1", "c1", "/r/1")))
		// Several principals without a user name, client ID or resource ID.
		ok(t, s.CreatePrincipal(bg, group("g1")))
		ok(t, s.CreatePrincipal(bg, group("g2")))
		for name, p := range map[string]store.Principal{
			"same ID":          user("U1", "bob"),
			"same user name":   user("u2", "ALICE"),
			"same client ID":   identity("m2", "C1", "/r/2"),
			"same resource ID": identity("m3", "c3", "/R/1"),
		} {
			t.Run(name, func(t *testing.T) { is(t, s.CreatePrincipal(bg, p), store.ErrConflict) })
		}
		// Updating into another principal's unique value conflicts too.
		err := s.UpdatePrincipal(bg, "g1", func(p store.Principal) (store.Principal, error) {
			p.ClientID = "C1"
			return p, nil
		})
		is(t, err, store.ErrConflict)
	})
	t.Run("Invalid", func(t *testing.T) {
		s := fresh(t, open)
		fails(t, s.CreatePrincipal(bg, store.Principal{Kind: store.KindUser}))
		fails(t, s.CreatePrincipal(bg, store.Principal{ID: "x"}))
	})
	t.Run("List", func(t *testing.T) {
		s := fresh(t, open)
		ok(t, s.CreatePrincipal(bg, user("u2", "b")))
		ok(t, s.CreatePrincipal(bg, user("u1", "a")))
		g := group("g1")
		g.DisplayName = "Admins"
		ok(t, s.CreatePrincipal(bg, g))
		all, err := s.ListPrincipals(bg, store.PrincipalFilter{})
		ok(t, err)
		equal(t, ids(all), []string{"g1", "u1", "u2"})
		users, err := s.ListPrincipals(bg, store.PrincipalFilter{Kind: store.KindUser})
		ok(t, err)
		equal(t, ids(users), []string{"u1", "u2"})
		named, err := s.ListPrincipals(bg, store.PrincipalFilter{DisplayName: "aDMINS"})
		ok(t, err)
		equal(t, ids(named), []string{"g1"})
		none, err := s.ListPrincipals(bg, store.PrincipalFilter{Kind: store.KindServicePrincipal})
		ok(t, err)
		equal(t, len(none), 0)
	})
	t.Run("Update", func(t *testing.T) {
		s := fresh(t, open)
		ok(t, s.CreatePrincipal(bg, user("u1", "alice")))
		ok(t, s.UpdatePrincipal(bg, "U1", func(p store.Principal) (store.Principal, error) {
			p.DisplayName = "Alice A."
			p.UserName = "alice2"
			p.Disabled = true
			return p, nil
		}))
		got, err := s.GetPrincipalByUserName(bg, "ALICE2")
		ok(t, err)
		if got.DisplayName != "Alice A." || !got.Disabled {
			t.Fatalf("update not applied: %+v", got)
		}
		_, err = s.GetPrincipalByUserName(bg, "alice")
		is(t, err, store.ErrNotFound) // the old unique key is gone
		// fn's error is returned as is and nothing changes.
		boom := errors.New("boom")
		is(t, s.UpdatePrincipal(bg, "u1", func(p store.Principal) (store.Principal, error) {
			p.DisplayName = "changed"
			return p, boom
		}), boom)
		// ID and kind are immutable.
		fails(t, s.UpdatePrincipal(bg, "u1", func(p store.Principal) (store.Principal, error) {
			p.ID = "u9"
			return p, nil
		}))
		fails(t, s.UpdatePrincipal(bg, "u1", func(p store.Principal) (store.Principal, error) {
			p.Kind = store.KindGroup
			return p, nil
		}))
		got, err = s.GetPrincipal(bg, "u1")
		ok(t, err)
		equal(t, got.DisplayName, "Alice A.")
	})
	t.Run("DeleteCascades", func(t *testing.T) {
		s := fresh(t, open)
		ok(t, s.CreatePrincipal(bg, user("u1", "alice")))
		ok(t, s.CreatePrincipal(bg, user("u2", "bob")))
		ok(t, s.CreatePrincipal(bg, group("g1")))
		ok(t, s.CreatePrincipal(bg, group("g2")))
		ok(t, s.AddMember(bg, "g1", "u1"))
		ok(t, s.AddMember(bg, "g1", "u2"))
		ok(t, s.AddMember(bg, "g2", "g1"))
		ok(t, s.CreateCredential(bg, secret("u1", "k1")))
		ok(t, s.CreateAssignment(bg, assignment("a1", "/", "u1")))
		ok(t, s.DeletePrincipal(bg, "U1"))
		_, err := s.GetPrincipal(bg, "u1")
		is(t, err, store.ErrNotFound)
		_, err = s.ListCredentials(bg, "u1")
		is(t, err, store.ErrNotFound)
		// Re-creating the ID must not resurrect credentials or memberships.
		ok(t, s.CreatePrincipal(bg, user("u1", "alice")))
		creds, err := s.ListCredentials(bg, "u1")
		ok(t, err)
		equal(t, len(creds), 0)
		members, err := s.ListMembers(bg, "g1")
		ok(t, err)
		equal(t, members, []string{"u2"})
		// Deleting a group removes its edges both ways.
		ok(t, s.DeletePrincipal(bg, "g1"))
		edges, err := s.ListMemberships(bg)
		ok(t, err)
		equal(t, len(edges), 0)
		// Role assignments are the caller's to delete.
		_, err = s.GetAssignment(bg, "a1")
		ok(t, err)
	})
}

func ids(ps []store.Principal) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out
}
