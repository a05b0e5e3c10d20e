package storetest

import (
	"testing"

	"github.com/lanyardhq/lanyard/internal/store"
)

func testMeta(t *testing.T, open Opener) {
	s := fresh(t, open)
	_, err := s.GetMeta(bg, "tenant")
	is(t, err, store.ErrNotFound)
	ok(t, s.SetMeta(bg, "tenant", "t1"))
	ok(t, s.SetMeta(bg, "tenant", "t2"))
	v, err := s.GetMeta(bg, "tenant")
	ok(t, err)
	equal(t, v, "t2")
	// Meta names are exact: they are program constants, not user input.
	_, err = s.GetMeta(bg, "TENANT")
	is(t, err, store.ErrNotFound)
}
