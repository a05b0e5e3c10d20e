package sqlite_test

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/store"
	"github.com/lanyardhq/lanyard/internal/store/sqlite"
	"github.com/lanyardhq/lanyard/internal/store/storetest"
)

func sqliteOpen(path string) (store.Store, error) { return sqlite.Open(path) }

func open(t testing.TB, path string) store.Store {
	t.Helper()
	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return open(t, filepath.Join(t.TempDir(), "lanyard.db"))
	})
}

func TestReopenKeepsData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "lanyard.db")
	s := open(t, path)
	p := store.Principal{ID: "u1", Kind: store.KindUser, UserName: "alice", CreatedAt: time.Unix(1700000000, 5).UTC()}
	if err := s.CreatePrincipal(ctx, p); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateAssignment(ctx, store.RoleAssignment{Name: "a1", Scope: "/", RoleDefinitionID: "r1", PrincipalID: "u1"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, path) // migrations must be a no-op the second time
	defer s.Close()
	got, err := s.GetPrincipalByUserName(ctx, "ALICE")
	if err != nil || got != p {
		t.Fatalf("after reopen: %+v, %v; want %+v", got, err, p)
	}
	rev, err := s.LatestRevision(ctx)
	if err != nil || rev != 1 {
		t.Fatalf("revision after reopen = %d, %v; want 1", rev, err)
	}
}

func TestOpenRejectsBadPaths(t *testing.T) {
	for _, p := range []string{"", ":memory:", "file:x.db", filepath.Join(t.TempDir(), "a?b"), filepath.Join(t.TempDir(), "no", "such", "dir", "db")} {
		if s, err := sqlite.Open(p); err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded", p)
		}
	}
}

func BenchmarkCreateAssignment(b *testing.B) {
	ctx := context.Background()
	s := open(b, filepath.Join(b.TempDir(), "lanyard.db"))
	defer s.Close()
	i := 0
	for b.Loop() {
		i++
		n := strconv.Itoa(i)
		if err := s.CreateAssignment(ctx, store.RoleAssignment{Name: "a" + n, Scope: "/subscriptions/s/resourceGroups/g" + n,
			RoleDefinitionID: "r1", PrincipalID: "p" + n, CreatedAt: time.Now()}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGetPrincipal(b *testing.B) {
	ctx := context.Background()
	s := open(b, filepath.Join(b.TempDir(), "lanyard.db"))
	defer s.Close()
	for i := range 1000 {
		n := strconv.Itoa(i)
		if err := s.CreatePrincipal(ctx, store.Principal{ID: "p" + n, Kind: store.KindUser, UserName: "u" + n}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			if _, err := s.GetPrincipal(ctx, "P"+strconv.Itoa(i%1000)); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
