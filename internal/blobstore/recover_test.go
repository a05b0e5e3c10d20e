package blobstore

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestOpenRemovesCrashDebris(t *testing.T) {
	f := withContainer(t)
	f.put(t, "b", content(100, 1))
	f.stage(t, "s", "id", []byte("staged"))
	keep := f.files(t)
	f.Close()

	// What a crash can leave: an upload in staging/, an upload renamed but
	// never committed, an old version whose deletion was interrupted, and
	// something that is not ours (left alone).
	debris := []string{
		filepath.Join(f.dir, stagingDir, newID()),
		filepath.Join(f.dir, dataDir, "ab", "ab"+newID()[2:]),
		filepath.Join(f.dir, dataDir, "00", "00"+newID()[2:]),
	}
	for _, p := range debris {
		if err := os.WriteFile(p, []byte("debris"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	foreign := filepath.Join(f.dir, dataDir, "ab", "README")
	os.WriteFile(foreign, nil, 0o600)

	s, err := Open(f.dir, f.clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	f.Store = s
	for _, p := range debris {
		if exists(p) {
			t.Errorf("debris %s survived Open", p)
		}
	}
	if !exists(foreign) {
		t.Error("a file that is not a content file was removed")
	}
	os.Remove(foreign)
	if got := f.files(t); !equalStrings(got, keep) {
		t.Fatalf("files %v, want %v", got, keep)
	}
	if string(f.read(t, "b")) != string(content(100, 1)) {
		t.Fatal("content lost")
	}
	if _, unc, _, err := s.GetBlockList(context.Background(), acct, "c", "s"); err != nil || len(unc) != 1 {
		t.Fatalf("staged block lost: %v %v", unc, err)
	}
}
