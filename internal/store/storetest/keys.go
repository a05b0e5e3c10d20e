package storetest

import (
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/store"
)

func testKeys(t *testing.T, open Opener) {
	s := fresh(t, open)
	k1 := store.SigningKey{ID: "kid-1", Algorithm: "RS256", Private: []byte("sealed\x00one"),
		Public: []byte{1, 2, 3}, CreatedAt: at(1), ActiveAt: at(2)}
	k2 := store.SigningKey{ID: "kid-2", Algorithm: "ES256", Private: []byte("sealed two"),
		Public: []byte{4}, CreatedAt: at(3), ActiveAt: at(4), RetireAt: at(10), ExpireAt: at(20)}
	ok(t, s.PutKey(bg, k2))
	ok(t, s.PutKey(bg, k1))
	got, err := s.ListKeys(bg)
	ok(t, err)
	equal(t, got, []store.SigningKey{k1, k2}) // oldest first
	k1.RetireAt = time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)
	ok(t, s.PutKey(bg, k1)) // replace
	got, err = s.ListKeys(bg)
	ok(t, err)
	equal(t, got, []store.SigningKey{k1, k2})
	ok(t, s.DeleteKey(bg, "kid-2"))
	is(t, s.DeleteKey(bg, "kid-2"), store.ErrNotFound)
	got, err = s.ListKeys(bg)
	ok(t, err)
	equal(t, got, []store.SigningKey{k1})
	fails(t, s.PutKey(bg, store.SigningKey{Algorithm: "RS256"}))
}
