package rbac

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/store"
	"github.com/lanyardhq/lanyard/internal/store/sqlite"
)

// fixture writes test data through the real SQLite store, so the index is
// fed exactly what production feeds it: the store's change feed, its
// case-insensitive keys, its membership rules.
type fixture struct {
	t      testing.TB
	s      store.Store
	groups []string // principal IDs created as groups
}

func newFixture(t testing.TB, groups ...string) *fixture {
	t.Helper()
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return &fixture{t: t, s: s, groups: groups}
}

// principal creates id (a group if listed as one) unless it exists.
func (f *fixture) principal(id string) {
	kind := store.KindUser
	if slices.Contains(f.groups, id) {
		kind = store.KindGroup
	}
	err := f.s.CreatePrincipal(context.Background(), store.Principal{ID: id, Kind: kind, DisplayName: id})
	if err != nil && !errors.Is(err, store.ErrConflict) {
		f.t.Fatal(err)
	}
}

func (f *fixture) member(group, member string) {
	f.principal(group)
	f.principal(member)
	if err := f.s.AddMember(context.Background(), group, member); err != nil {
		f.t.Fatal(err)
	}
}

// assign assigns a built-in or custom role, by name, at scopeStr.
func (f *fixture) assign(name, principal, role, scopeStr string) {
	f.t.Helper()
	ctx := context.Background()
	d, ok := BuiltinByName(role)
	if !ok {
		ds, err := f.s.ListRoleDefinitions(ctx)
		if err != nil {
			f.t.Fatal(err)
		}
		for _, r := range ds {
			if r.RoleName == role {
				d, ok = r, true
			}
		}
	}
	if !ok {
		f.t.Fatalf("no role %q", role)
	}
	f.principal(principal)
	if err := f.s.CreateAssignment(ctx, store.RoleAssignment{Name: name, PrincipalID: principal, RoleDefinitionID: d.ID, Scope: scopeStr}); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) index() *Index {
	f.t.Helper()
	x := NewIndex(f.s, time.Now)
	if err := x.Load(context.Background()); err != nil {
		f.t.Fatal(err)
	}
	return x
}
