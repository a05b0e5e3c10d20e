package blobstore

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

func TestPutBlobRoundTrip(t *testing.T) {
	f := withContainer(t)
	ctx := context.Background()
	for _, n := range []int{0, 1, 3<<20 + 7} {
		data := content(n, uint64(n))
		h := Headers{ContentType: "text/plain", ContentEncoding: "gzip", ContentLanguage: "en",
			ContentDisposition: "inline", CacheControl: "no-cache"}
		md := map[string]string{"k": "v"}
		b, err := f.PutBlob(ctx, acct, "c", "dir/blob", bytes.NewReader(data), int64(n), h, md, nil)
		if err != nil {
			t.Fatalf("size %d: %v", n, err)
		}
		if b.Size != int64(n) || !bytes.Equal(b.Headers.ContentMD5, md5sum(data)) || b.Metadata["k"] != "v" {
			t.Fatalf("size %d: returned %+v", n, b)
		}
		got, err := f.GetBlob(ctx, acct, "c", "dir/blob")
		if err != nil {
			t.Fatal(err)
		}
		h.ContentMD5 = md5sum(data)
		if got.ETag != b.ETag || got.Headers.ContentType != h.ContentType || got.Headers.CacheControl != h.CacheControl ||
			!bytes.Equal(got.Headers.ContentMD5, h.ContentMD5) || got.Metadata["k"] != "v" || got.Size != int64(n) {
			t.Fatalf("size %d: stored %+v", n, got)
		}
		if !got.LastModified.Equal(f.clock.Now().Truncate(time.Second)) {
			t.Fatalf("LastModified %v not truncated to seconds", got.LastModified)
		}
		if c := f.read(t, "dir/blob"); !bytes.Equal(c, data) {
			t.Fatalf("size %d: content differs (%d bytes read)", n, len(c))
		}
		f.assertNoOrphans(t)
	}
}

func TestETagsAreUniqueAndShaped(t *testing.T) {
	f := withContainer(t)
	ctx := context.Background()
	seen := map[string]bool{}
	note := func(tag string) {
		t.Helper()
		if seen[tag] {
			t.Fatalf("ETag %s repeated", tag)
		}
		seen[tag] = true
		h := strings.TrimSuffix(strings.TrimPrefix(tag, `"0x`), `"`)
		if len(h) < 15 || len(h) > 16 || strings.ToUpper(h) != h || len(tag) != len(h)+4 {
			t.Fatalf("ETag %s not shaped like Azure's", tag)
		}
	}
	// The fake clock stands still: uniqueness must not rest on time.
	note(f.put(t, "b", []byte("1")).ETag)
	note(f.put(t, "b", []byte("1")).ETag)
	b, err := f.SetMetadata(ctx, acct, "c", "b", map[string]string{"a": "b"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	note(b.ETag)
	b, err = f.SetHeaders(ctx, acct, "c", "b", Headers{ContentType: "x/y"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	note(b.ETag)
	if b.Headers.ContentMD5 != nil || b.Metadata["a"] != "b" {
		t.Fatalf("SetHeaders: %+v (MD5 must clear, metadata stay)", b)
	}
	c, err := f.SetContainerMetadata(ctx, acct, "c", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	note(c.ETag)

	// A restart keeps ETags moving forward even if the clock went back.
	f.Close()
	f.clock.Add(-time.Hour)
	s, err := Open(f.dir, f.clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	b, err = s.SetMetadata(ctx, acct, "c", "b", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	note(b.ETag)
}

var errCond = errors.New("condition not met")

func TestPutBlobFailuresChangeNothing(t *testing.T) {
	data := []byte("original content")
	replacement := []byte("replacement!")
	cases := []struct {
		name string
		body io.Reader
		size int64
		h    Headers
		cond Precondition
		want error
	}{
		{"short body", bytes.NewReader(replacement[:5]), int64(len(replacement)), Headers{}, nil, ErrShortBody},
		{"body error", iotest.ErrReader(io.ErrClosedPipe), 10, Headers{}, nil, io.ErrClosedPipe},
		{"md5 mismatch", bytes.NewReader(replacement), int64(len(replacement)), Headers{ContentMD5: md5sum(data)}, nil, ErrMD5Mismatch},
		{"precondition", bytes.NewReader(replacement), int64(len(replacement)), Headers{},
			func(cur *Blob) error { return errCond }, errCond},
		{"if-none-match *", bytes.NewReader(replacement), int64(len(replacement)), Headers{},
			func(cur *Blob) error {
				if cur != nil {
					return errCond
				}
				return nil
			}, errCond},
		{"negative size", bytes.NewReader(nil), -1, Headers{}, nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := withContainer(t)
			before := f.put(t, "b", data)
			f.stage(t, "b", "blk1", []byte("staged"))
			_, err := f.PutBlob(context.Background(), acct, "c", "b", tc.body, tc.size, tc.h, nil, tc.cond)
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
			after, err := f.GetBlob(context.Background(), acct, "c", "b")
			if err != nil || after.ETag != before.ETag {
				t.Fatalf("blob changed: %+v, %v", after, err)
			}
			if got := f.read(t, "b"); !bytes.Equal(got, data) {
				t.Fatalf("content %q", got)
			}
			if _, unc, _, _ := f.GetBlockList(context.Background(), acct, "c", "b"); len(unc) != 1 {
				t.Fatalf("staged blocks %v, want the one staged", unc)
			}
			f.assertNoOrphans(t)
		})
	}
}

func TestPutBlobReplacesAndDiscardsStaged(t *testing.T) {
	f := withContainer(t)
	ctx := context.Background()
	first := f.put(t, "b", []byte("one"))
	f.clock.Add(90 * time.Second)
	f.stage(t, "b", "aa", []byte("staged"))
	md := md5sum([]byte("two"))
	second, err := f.PutBlob(ctx, acct, "c", "b", strings.NewReader("two"), 3, Headers{ContentMD5: md}, nil,
		func(cur *Blob) error {
			if cur == nil || cur.ETag != first.ETag {
				return errCond
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if !second.Created.Equal(first.Created) || !second.LastModified.After(first.LastModified) {
		t.Fatalf("Created %v/%v LastModified %v/%v", first.Created, second.Created, first.LastModified, second.LastModified)
	}
	if got := f.read(t, "b"); string(got) != "two" {
		t.Fatalf("content %q", got)
	}
	com, unc, _, err := f.GetBlockList(ctx, acct, "c", "b")
	if err != nil || len(com) != 0 || len(unc) != 0 {
		t.Fatalf("block lists %v %v %v", com, unc, err)
	}
	f.assertNoOrphans(t)
	if len(f.files(t)) != 1 {
		t.Fatalf("files %v, want the one of the current version", f.files(t))
	}
}

func TestBlobNotFoundAndContainerNotFound(t *testing.T) {
	f := withContainer(t)
	ctx := context.Background()
	if _, err := f.GetBlob(ctx, acct, "c", "nope"); !errors.Is(err, ErrBlobNotFound) {
		t.Fatalf("GetBlob: %v", err)
	}
	if _, err := f.OpenBlob(ctx, acct, "c", "nope", nil); !errors.Is(err, ErrBlobNotFound) {
		t.Fatalf("OpenBlob: %v", err)
	}
	if err := f.DeleteBlob(ctx, acct, "c", "nope", nil); !errors.Is(err, ErrBlobNotFound) {
		t.Fatalf("DeleteBlob: %v", err)
	}
	if _, err := f.SetMetadata(ctx, acct, "c", "nope", nil, nil); !errors.Is(err, ErrBlobNotFound) {
		t.Fatalf("SetMetadata: %v", err)
	}
	if _, err := f.PutBlob(ctx, acct, "zz", "b", strings.NewReader("x"), 1, Headers{}, nil, nil); !errors.Is(err, ErrContainerNotFound) {
		t.Fatalf("PutBlob: %v", err)
	}
	if err := f.PutBlock(ctx, acct, "zz", "b", "id", strings.NewReader("x"), 1, nil); !errors.Is(err, ErrContainerNotFound) {
		t.Fatalf("PutBlock: %v", err)
	}
	if _, err := f.ListBlobs(ctx, acct, "zz", ListBlobsOptions{}); !errors.Is(err, ErrContainerNotFound) {
		t.Fatalf("ListBlobs: %v", err)
	}
	f.assertNoOrphans(t)
}

func TestDeleteBlob(t *testing.T) {
	f := withContainer(t)
	ctx := context.Background()
	b := f.put(t, "b", []byte("x"))
	f.stage(t, "b", "id", []byte("y"))
	if err := f.DeleteBlob(ctx, acct, "c", "b", func(cur *Blob) error {
		if cur.ETag == b.ETag {
			return errCond
		}
		return nil
	}); !errors.Is(err, errCond) {
		t.Fatalf("conditional delete: %v", err)
	}
	if err := f.DeleteBlob(ctx, acct, "c", "b", nil); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := f.GetBlockList(ctx, acct, "c", "b"); !errors.Is(err, ErrBlobNotFound) {
		t.Fatalf("after delete: %v", err)
	}
	if files := f.files(t); len(files) != 0 {
		t.Fatalf("files left: %v", files)
	}
}
