package blobstore

import (
	"context"
	"errors"
	"testing"
)

func TestNewGenerationWipesTheAccount(t *testing.T) {
	f := withContainer(t)
	ctx := context.Background()
	other := Account{Name: "other", Generation: 5}
	if _, err := f.CreateContainer(ctx, other, "keep", nil); err != nil {
		t.Fatal(err)
	}
	f.put(t, "b", content(1000, 1))
	f.stage(t, "b", "id", []byte("x"))
	f.stage(t, "staged", "id", []byte("x"))
	// A reader of the old account keeps its version until Close.
	r, err := f.OpenBlob(ctx, acct, "c", "b", nil)
	if err != nil {
		t.Fatal(err)
	}

	next := Account{Name: acct.Name, Generation: acct.Generation + 1}
	items, _, err := f.ListContainers(ctx, next, ListOptions{})
	if err != nil || len(items) != 0 {
		t.Fatalf("new account sees %v, %v", items, err)
	}
	if len(f.files(t)) != 1 {
		t.Fatalf("files %v: only the pinned one may remain", f.files(t))
	}
	r.Close()
	if len(f.files(t)) != 0 {
		t.Fatalf("files %v after Close", f.files(t))
	}
	// The old generation is gone for good, also across a restart.
	if _, err := f.GetContainer(ctx, acct, "c"); !errors.Is(err, ErrContainerNotFound) {
		t.Fatalf("stale generation: %v", err)
	}
	if _, err := f.CreateContainer(ctx, acct, "c", nil); !errors.Is(err, ErrContainerNotFound) {
		t.Fatalf("stale generation may not write: %v", err)
	}
	f.Close()
	s, err := Open(f.dir, f.clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.GetContainer(ctx, acct, "c"); !errors.Is(err, ErrContainerNotFound) {
		t.Fatalf("stale generation after restart: %v", err)
	}
	if _, err := s.GetContainer(ctx, other, "keep"); err != nil {
		t.Fatalf("another account lost its container: %v", err)
	}
	if _, err := s.CreateContainer(ctx, next, "c", nil); err != nil {
		t.Fatal(err)
	}
}
