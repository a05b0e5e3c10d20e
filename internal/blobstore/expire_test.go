package blobstore

import (
	"context"
	"errors"
	"testing"
	"time"
)

// Abandoned staged blocks expire while the server runs, not only when it
// restarts: a caller with blobs/add/action may stage 100,000 blocks of up
// to 4000 MiB on every blob name it likes and never commit them.
func TestStagedBlocksExpireWhileRunning(t *testing.T) {
	f := withContainer(t)
	ctx := context.Background()
	f.stage(t, "abandoned", "A1", content(1000, 1))
	f.clock.Add(stagedTTL - time.Hour)
	f.stage(t, "recent", "B1", content(1000, 2))
	if n := len(f.files(t)); n != 2 {
		t.Fatalf("%d files, want 2", n)
	}
	// A week after the first was staged, the next write sweeps it.
	f.clock.Add(2 * time.Hour)
	f.stage(t, "other", "C1", content(10, 3))
	if _, _, _, err := f.GetBlockList(ctx, acct, "c", "abandoned"); !errors.Is(err, ErrBlobNotFound) {
		t.Fatalf("abandoned block still listed: %v", err)
	}
	if _, unc, _, err := f.GetBlockList(ctx, acct, "c", "recent"); err != nil || len(unc) != 1 {
		t.Fatalf("recent block: %v %v", unc, err)
	}
	if n := len(f.files(t)); n != 2 {
		t.Fatalf("%d files, want 2 (the abandoned block's file removed)", n)
	}
	f.assertNoOrphans(t)
	// Committing a block staged just before its expiry still works until
	// the sweep has run; after it, the ID is gone and the commit refused.
	f.clock.Add(stagedTTL)
	f.stage(t, "other2", "D1", content(10, 4))
	if _, err := f.PutBlockList(ctx, acct, "c", "recent", []BlockRef{{"B1", Uncommitted}}, Headers{}, nil, nil); !errors.Is(err, ErrInvalidBlockList) {
		t.Fatalf("commit of an expired block: %v", err)
	}
	f.assertNoOrphans(t)
}
