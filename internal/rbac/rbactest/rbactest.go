package rbactest

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/rbac"
	"github.com/lanyardhq/lanyard/internal/store"
	"github.com/lanyardhq/lanyard/internal/store/sqlite"
)

// New opens a new SQLite store in t.TempDir() (closed when t ends) and
// returns it with an index on it, already loaded from the empty store. A
// test that then writes to the store directly brings the
// index up to date with Sync or Load. Any failure ends the test.
func New(t testing.TB, now func() time.Time) (store.Store, *rbac.Index) {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "lanyard.db"))
	if err != nil {
		t.Fatalf("rbactest: open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	idx := rbac.NewIndex(st, now)
	if err := idx.Load(context.Background()); err != nil {
		t.Fatalf("rbactest: load index: %v", err)
	}
	return st, idx
}
