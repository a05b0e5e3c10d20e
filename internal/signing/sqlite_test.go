package signing

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/store/sqlite"
)

// TestKeySetOnSQLite runs the key set on the real embedded store: keys
// survive a reopen and still verify.
func TestKeySetOnSQLite(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "lanyard.db")
	st, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ks := New(st, newSealer(t, 1), RS256, time.Now)
	if err := ks.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if err := ks.Rotate(ctx); err != nil {
		t.Fatal(err)
	}
	kid := ks.CurrentKeyID()
	st.Close()
	st, err = sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ks2 := New(st, newSealer(t, 1), RS256, time.Now)
	if err := ks2.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if ks2.CurrentKeyID() != kid || len(jwksKIDs(t, ks2.JWKS())) != 2 {
		t.Fatalf("after reopen: current %s, JWKS %s", ks2.CurrentKeyID(), ks2.JWKS())
	}
}
