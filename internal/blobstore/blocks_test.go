package blobstore

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

func TestPutBlockListCommitsAndDropsUnused(t *testing.T) {
	f := withContainer(t)
	ctx := context.Background()
	a, b, c := content(1000, 1), content(2000, 2), content(3, 3)
	f.stage(t, "blob", "A1", a)
	f.stage(t, "blob", "B1", b)
	f.stage(t, "blob", "C1", c) // never committed
	// Block IDs may repeat.
	got, err := f.PutBlockList(ctx, acct, "c", "blob", []BlockRef{{"A1", Uncommitted}, {"B1", Latest}, {"A1", Uncommitted}},
		Headers{ContentType: "app/x"}, map[string]string{"m": "1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := join(a, b, a)
	if got.Size != int64(len(want)) || got.Headers.ContentType != "app/x" || got.Headers.ContentMD5 != nil {
		t.Fatalf("blob %+v", got)
	}
	if data := f.read(t, "blob"); !bytes.Equal(data, want) {
		t.Fatal("content differs")
	}
	com, unc, bl, err := f.GetBlockList(ctx, acct, "c", "blob")
	if err != nil || bl == nil || bl.ETag != got.ETag {
		t.Fatalf("GetBlockList: %v %v", bl, err)
	}
	if len(unc) != 0 || len(com) != 3 || com[0] != (Block{"A1", 1000}) || com[1] != (Block{"B1", 2000}) || com[2] != (Block{"A1", 1000}) {
		t.Fatalf("committed %v uncommitted %v", com, unc)
	}
	if n := len(f.files(t)); n != 2 {
		t.Fatalf("%d files, want A1 and B1 only (C1 dropped)", n)
	}

	// Re-commit B1 from the committed list, with a new A1 staged: Latest
	// takes the staged A1, Committed the old one.
	a2 := content(10, 4)
	f.stage(t, "blob", "A1", a2)
	if _, err := f.PutBlockList(ctx, acct, "c", "blob", []BlockRef{{"A1", Committed}, {"A1", Latest}, {"B1", Committed}},
		Headers{}, nil, nil); err != nil {
		t.Fatal(err)
	}
	if data := f.read(t, "blob"); !bytes.Equal(data, join(a, a2, b)) {
		t.Fatal("content after re-commit differs")
	}
	f.assertNoOrphans(t)
	if n := len(f.files(t)); n != 3 {
		t.Fatalf("%d files, want old A1, new A1, B1", n)
	}
	// Committing only B1 frees both A1 files.
	if _, err := f.PutBlockList(ctx, acct, "c", "blob", []BlockRef{{"B1", Committed}}, Headers{}, nil, nil); err != nil {
		t.Fatal(err)
	}
	f.assertNoOrphans(t)
	if n := len(f.files(t)); n != 1 {
		t.Fatalf("%d files, want B1 only", n)
	}
	// An empty list makes an empty blob and frees everything.
	if b, err := f.PutBlockList(ctx, acct, "c", "blob", nil, Headers{}, nil, nil); err != nil || b.Size != 0 {
		t.Fatalf("empty list: %+v %v", b, err)
	}
	if n := len(f.files(t)); n != 0 || len(f.read(t, "blob")) != 0 {
		t.Fatalf("%d files after empty commit", n)
	}
}

func join(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func TestPutBlockListInvalidChangesNothing(t *testing.T) {
	for _, tc := range []struct {
		name string
		list []BlockRef
		cond Precondition
		want error
	}{
		{"missing block", []BlockRef{{"AA", Uncommitted}, {"ZZ", Latest}}, nil, ErrInvalidBlockList},
		{"staged asked as committed", []BlockRef{{"BB", Committed}}, nil, ErrInvalidBlockList},
		{"committed asked as uncommitted", []BlockRef{{"CC", Uncommitted}}, nil, ErrInvalidBlockList},
		{"id length mismatch", []BlockRef{{"AA", Latest}, {"BBB", Latest}}, nil, ErrBlockIDLength},
		{"empty id", []BlockRef{{"", Latest}}, nil, ErrBlockIDLength},
		{"id too long", []BlockRef{{strings.Repeat("x", MaxBlockIDBytes+1), Latest}}, nil, ErrBlockIDLength},
		{"bad source", []BlockRef{{"AA", BlockList(7)}}, nil, ErrInvalidBlockList},
		{"too many", make([]BlockRef, MaxBlocks+1), nil, ErrTooManyBlocks},
		{"precondition", []BlockRef{{"AA", Latest}}, func(*Blob) error { return errCond }, errCond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := withContainer(t)
			ctx := context.Background()
			f.stage(t, "b", "CC", []byte("cc"))
			before, err := f.PutBlockList(ctx, acct, "c", "b", []BlockRef{{"CC", Uncommitted}}, Headers{}, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			f.stage(t, "b", "AA", []byte("aa"))
			f.stage(t, "b", "BB", []byte("bb"))
			filesBefore := f.files(t)
			if _, err := f.PutBlockList(ctx, acct, "c", "b", tc.list, Headers{}, nil, tc.cond); !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
			com, unc, cur, err := f.GetBlockList(ctx, acct, "c", "b")
			if err != nil || cur.ETag != before.ETag || len(com) != 1 || len(unc) != 2 {
				t.Fatalf("changed: %v %v %+v %v", com, unc, cur, err)
			}
			if !equalStrings(f.files(t), filesBefore) || string(f.read(t, "b")) != "cc" {
				t.Fatal("files or content changed")
			}
		})
	}
}

func TestPutBlockRules(t *testing.T) {
	f := withContainer(t)
	ctx := context.Background()
	f.stage(t, "b", "id-1", []byte("one"))
	if err := f.PutBlock(ctx, acct, "c", "b", "id-22", strings.NewReader("x"), 1, nil); !errors.Is(err, ErrBlockIDLength) {
		t.Fatalf("different length: %v", err)
	}
	if err := f.PutBlock(ctx, acct, "c", "b", "", strings.NewReader("x"), 1, nil); !errors.Is(err, ErrBlockIDLength) {
		t.Fatalf("empty id: %v", err)
	}
	if err := f.PutBlock(ctx, acct, "c", "b", "id-2", strings.NewReader("x"), 1, md5sum([]byte("y"))); !errors.Is(err, ErrMD5Mismatch) {
		t.Fatalf("md5: %v", err)
	}
	if err := f.PutBlock(ctx, acct, "c", "b", "id-2", strings.NewReader("x"), 2, nil); !errors.Is(err, ErrShortBody) {
		t.Fatalf("short: %v", err)
	}
	if err := f.PutBlock(ctx, acct, "c", "b", "id-2", strings.NewReader("xy"), 2, md5sum([]byte("xy"))); err != nil {
		t.Fatal(err)
	}
	// Restaging replaces, keeping one file per ID.
	f.stage(t, "b", "id-1", []byte("uno"))
	_, unc, cur, err := f.GetBlockList(ctx, acct, "c", "b")
	if err != nil || cur != nil || len(unc) != 2 {
		t.Fatalf("staged %v, blob %v, %v", unc, cur, err)
	}
	if _, err := f.GetBlob(ctx, acct, "c", "b"); !errors.Is(err, ErrBlobNotFound) {
		t.Fatalf("staging created the blob: %v", err)
	}
	f.assertNoOrphans(t)
	if len(f.files(t)) != 2 {
		t.Fatalf("files %v", f.files(t))
	}
	if _, err := f.PutBlockList(ctx, acct, "c", "b", []BlockRef{{"id-1", Latest}, {"id-2", Latest}}, Headers{}, nil, nil); err != nil {
		t.Fatal(err)
	}
	if got := f.read(t, "b"); string(got) != "unoxy" {
		t.Fatalf("content %q", got)
	}
	// Committed IDs fix the length for later blocks too.
	if err := f.PutBlock(ctx, acct, "c", "b", "x", strings.NewReader("x"), 1, nil); !errors.Is(err, ErrBlockIDLength) {
		t.Fatalf("length vs committed: %v", err)
	}
}

func TestStagedBlocksExpireAfterAWeek(t *testing.T) {
	f := withContainer(t)
	f.stage(t, "b", "old", []byte("old"))
	f.clock.Add(stagedTTL + 1e9)
	f.stage(t, "b", "new", []byte("new"))
	f.Close()
	s, err := Open(f.dir, f.clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	f.Store = s
	defer s.Close()
	_, unc, _, err := s.GetBlockList(context.Background(), acct, "c", "b")
	if err != nil || len(unc) != 1 || unc[0].ID != "new" {
		t.Fatalf("staged %v, %v", unc, err)
	}
	f.assertNoOrphans(t)
}
