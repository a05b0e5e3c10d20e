package storetest

import (
	"errors"
	"testing"

	"github.com/lanyardhq/lanyard/internal/store"
)

func testUpdate(t *testing.T, open Opener) {
	t.Run("Commit", func(t *testing.T) {
		s := fresh(t, open)
		ok(t, s.Update(bg, func(tx store.Tx) error {
			ok(t, tx.CreatePrincipal(bg, user("u1", "a")))
			// The transaction reads its own writes.
			if _, err := tx.GetPrincipal(bg, "u1"); err != nil {
				return err
			}
			return tx.CreateAssignment(bg, assignment("a1", rg, "u1"))
		}))
		_, err := s.GetPrincipal(bg, "u1")
		ok(t, err)
		_, err = s.GetAssignment(bg, "a1")
		ok(t, err)
	})
	t.Run("RollbackOnError", func(t *testing.T) {
		s := fresh(t, open)
		before, err := s.LatestRevision(bg)
		ok(t, err)
		boom := errors.New("boom")
		err = s.Update(bg, func(tx store.Tx) error {
			ok(t, tx.CreatePrincipal(bg, group("g1")))
			ok(t, tx.CreatePrincipal(bg, user("u1", "a")))
			ok(t, tx.AddMember(bg, "g1", "u1"))
			ok(t, tx.CreateAssignment(bg, assignment("a1", rg, "u1")))
			ok(t, tx.PutRoleDefinition(bg, role("r1", "R")))
			ok(t, tx.SetMeta(bg, "k", "v"))
			return boom
		})
		is(t, err, boom)
		after, err := s.LatestRevision(bg)
		ok(t, err)
		equal(t, after, before)
		cs, err := s.ChangesSince(bg, 0, 0)
		ok(t, err)
		equal(t, len(cs), 0)
		_, err = s.GetPrincipal(bg, "u1")
		is(t, err, store.ErrNotFound)
		_, err = s.GetAssignment(bg, "a1")
		is(t, err, store.ErrNotFound)
		_, err = s.GetMeta(bg, "k")
		is(t, err, store.ErrNotFound)
		// The store still works after a rollback.
		ok(t, s.CreatePrincipal(bg, user("u1", "a")))
	})
	t.Run("RollbackOnConflict", func(t *testing.T) {
		s := fresh(t, open)
		ok(t, s.CreatePrincipal(bg, user("u1", "a")))
		err := s.Update(bg, func(tx store.Tx) error {
			ok(t, tx.CreatePrincipal(bg, user("u2", "b")))
			return tx.CreatePrincipal(bg, user("u3", "A"))
		})
		is(t, err, store.ErrConflict)
		_, err = s.GetPrincipal(bg, "u2")
		is(t, err, store.ErrNotFound)
	})
	t.Run("RollbackOnPanic", func(t *testing.T) {
		s := fresh(t, open)
		func() {
			defer func() {
				if r := recover(); r != "kaboom" {
					t.Fatalf("recovered %v, want the panic to propagate", r)
				}
			}()
			s.Update(bg, func(tx store.Tx) error {
				ok(t, tx.CreatePrincipal(bg, user("u1", "a")))
				ok(t, tx.CreateAssignment(bg, assignment("a1", rg, "u1")))
				panic("kaboom")
			})
		}()
		_, err := s.GetPrincipal(bg, "u1")
		is(t, err, store.ErrNotFound)
		latest, err := s.LatestRevision(bg)
		ok(t, err)
		equal(t, latest, int64(0))
		ok(t, s.CreatePrincipal(bg, user("u1", "a"))) // the writer was released
	})
	t.Run("Ping", func(t *testing.T) {
		ok(t, fresh(t, open).Ping(bg))
	})
}
