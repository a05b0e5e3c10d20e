package signing

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/lanyardhq/lanyard/internal/seal"
	"github.com/lanyardhq/lanyard/internal/store"
	"github.com/lanyardhq/lanyard/internal/store/sqlite"
)

// newKeysStore is the real embedded store, for its Keys.
func newKeysStore(t testing.TB) store.Keys {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "keys.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newSealer(t testing.TB, b byte) *seal.Sealer {
	s, err := seal.New(bytes.Repeat([]byte{b}, seal.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func jwksKIDs(t *testing.T, b []byte) []string {
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(b, &set); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, k := range set.Keys {
		if k.Use != "sig" || !k.IsPublic() {
			t.Fatalf("bad JWK %+v", k)
		}
		ids = append(ids, k.KeyID)
	}
	return ids
}

func TestKeySetLifecycle(t *testing.T) {
	for _, alg := range []string{RS256, ES256} {
		t.Run(alg, func(t *testing.T) {
			ctx := context.Background()
			st := newKeysStore(t)
			clk := &clock{t: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
			ks := New(st, newSealer(t, 1), alg, clk.now)
			if err := ks.Load(ctx); err != nil {
				t.Fatal(err)
			}
			first := ks.CurrentKeyID()
			recs, _ := st.ListKeys(ctx)
			if len(recs) != 1 || recs[0].ID != first || recs[0].Algorithm != alg {
				t.Fatalf("stored %+v", recs)
			}
			// The private key is sealed, bound to its kid.
			if _, err := newSealer(t, 1).Open(recs[0].Private, []byte(first)); err != nil {
				t.Fatalf("stored key not sealed under kid: %v", err)
			}
			if _, err := newSealer(t, 1).Open(recs[0].Private, []byte("other")); err == nil {
				t.Fatal("sealed key opens with another kid")
			}

			tok, kid, err := ks.Sign([]byte(`{"a":1}`))
			if err != nil || kid != first {
				t.Fatal(kid, err)
			}
			verify := func(ks *KeySet, tok string) error {
				jws, err := jose.ParseSignedCompact(tok, []jose.SignatureAlgorithm{jose.RS256, jose.ES256})
				if err != nil {
					return err
				}
				pub, ok := ks.PublicKey(jws.Signatures[0].Header.KeyID)
				if !ok {
					return errUnknown
				}
				_, err = jws.Verify(pub)
				return err
			}
			if err := verify(ks, tok); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(ks.JWKS()), `"d"`) {
				t.Fatal("JWKS contains private material")
			}

			// A fresh KeySet over the same store loads the same key.
			ks2 := New(st, newSealer(t, 1), alg, clk.now)
			if err := ks2.Load(ctx); err != nil || ks2.CurrentKeyID() != first {
				t.Fatalf("reload: %v %s", err, ks2.CurrentKeyID())
			}
			if err := verify(ks2, tok); err != nil {
				t.Fatal(err)
			}
			// The wrong master key fails loudly.
			if err := New(st, newSealer(t, 2), alg, clk.now).Load(ctx); err == nil {
				t.Fatal("loaded keys with the wrong master key")
			}

			// Rotation: new key signs, old one stays published.
			clk.t = clk.t.Add(time.Hour)
			if err := ks.Rotate(ctx); err != nil {
				t.Fatal(err)
			}
			second := ks.CurrentKeyID()
			if second == first {
				t.Fatal("rotate did not change the current key")
			}
			if got := jwksKIDs(t, ks.JWKS()); len(got) != 2 || got[0] != second || got[1] != first {
				t.Fatalf("JWKS kids %v", got)
			}
			if err := verify(ks, tok); err != nil {
				t.Fatalf("old token after rotation: %v", err)
			}

			// After the old key expires it leaves the JWKS and verification.
			clk.t = clk.t.Add(SigningPeriod + PublishAfterRetire - 30*time.Minute)
			if got := jwksKIDs(t, ks.JWKS()); len(got) != 1 || got[0] != second {
				t.Fatalf("JWKS after expiry %v", got)
			}
			if err := verify(ks, tok); err == nil {
				t.Fatal("token of an expired key verified")
			}
			// Load deletes it from the store and, the second key being past
			// its RetireAt, creates a third.
			if err := ks.Load(ctx); err != nil {
				t.Fatal(err)
			}
			recs, _ = st.ListKeys(ctx)
			for _, r := range recs {
				if r.ID == first {
					t.Fatal("expired key not deleted")
				}
			}
			if len(recs) != 2 || ks.CurrentKeyID() == second {
				t.Fatalf("store after Load: %d keys, current %s", len(recs), ks.CurrentKeyID())
			}
		})
	}
}

var errUnknown = errorString("unknown kid")

type errorString string

func (e errorString) Error() string { return string(e) }

func TestRotateIfDueAndRetirement(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	ks := New(newKeysStore(t), newSealer(t, 1), ES256, clk.now)
	if err := ks.Load(ctx); err != nil {
		t.Fatal(err)
	}
	first := ks.CurrentKeyID()
	if err := ks.RotateIfDue(ctx, 30*24*time.Hour); err != nil || ks.CurrentKeyID() != first {
		t.Fatal("rotated too early")
	}
	clk.t = clk.t.Add(31 * 24 * time.Hour)
	if err := ks.RotateIfDue(ctx, 30*24*time.Hour); err != nil || ks.CurrentKeyID() == first {
		t.Fatal("not rotated when due")
	}
	// Past RetireAt with no rotation, Sign refuses rather than using a retired key.
	clk.t = clk.t.Add(SigningPeriod + time.Hour)
	if _, _, err := ks.Sign([]byte("{}")); err != ErrNoKey {
		t.Fatalf("Sign with every key retired: %v", err)
	}
	if err := ks.Load(ctx); err != nil || ks.CurrentKeyID() == "" {
		t.Fatal("Load did not create a usable key")
	}
}

func TestAlgorithmChangeCreatesKey(t *testing.T) {
	ctx := context.Background()
	st := newKeysStore(t)
	if err := New(st, newSealer(t, 1), RS256, nil).Load(ctx); err != nil {
		t.Fatal(err)
	}
	ks := New(st, newSealer(t, 1), ES256, nil)
	if err := ks.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if got := jwksKIDs(t, ks.JWKS()); len(got) != 2 {
		t.Fatalf("want both keys published, got %v", got)
	}
	if err := New(st, newSealer(t, 1), "HS256", nil).Load(ctx); err == nil {
		t.Fatal("HS256 accepted")
	}
}
