package blobstore

import (
	"bytes"
	"context"
	"io"
	"testing"
)

func TestSectionsAcrossExtents(t *testing.T) {
	f := withContainer(t)
	ctx := context.Background()
	parts := [][]byte{content(5, 1), content(1, 2), content(7, 3)}
	for i, p := range parts {
		f.stage(t, "b", string(rune('a'+i)), p)
	}
	if _, err := f.PutBlockList(ctx, acct, "c", "b", []BlockRef{{"a", Latest}, {"b", Latest}, {"c", Latest}, {"a", Latest}}, Headers{}, nil, nil); err != nil {
		t.Fatal(err)
	}
	all := join(parts[0], parts[1], parts[2], parts[0])
	r, err := f.OpenBlob(ctx, acct, "c", "b", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for off := int64(0); off <= int64(len(all)); off++ {
		for n := int64(0); off+n <= int64(len(all))+2; n++ {
			got, err := io.ReadAll(r.Section(off, n))
			want := all[off:min(off+n, int64(len(all)))]
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("Section(%d, %d) = %x, %v; want %x", off, n, got, err, want)
			}
		}
	}
	// Small reads cross extent boundaries too.
	got, err := io.ReadAll(io.LimitReader(oneByte{r.Section(3, -1)}, 100))
	if err != nil || !bytes.Equal(got, all[3:]) {
		t.Fatalf("byte-wise read %x, %v", got, err)
	}
}

type oneByte struct{ r io.Reader }

func (o oneByte) Read(p []byte) (int, error) {
	if len(p) > 1 {
		p = p[:1]
	}
	return o.r.Read(p)
}

func TestReaderSurvivesOverwriteAndDelete(t *testing.T) {
	for _, then := range []string{"overwrite", "delete", "block list", "container delete"} {
		t.Run(then, func(t *testing.T) {
			f := withContainer(t)
			ctx := context.Background()
			old := content(2<<20, 9)
			f.put(t, "b", old)
			r, err := f.OpenBlob(ctx, acct, "c", "b", nil)
			if err != nil {
				t.Fatal(err)
			}
			head, _ := io.ReadAll(r.Section(0, 10))
			switch then {
			case "overwrite":
				f.put(t, "b", []byte("new"))
			case "delete":
				err = f.DeleteBlob(ctx, acct, "c", "b", nil)
			case "block list":
				f.stage(t, "b", "x", []byte("new"))
				_, err = f.PutBlockList(ctx, acct, "c", "b", []BlockRef{{"x", Latest}}, Headers{}, nil, nil)
			case "container delete":
				err = f.DeleteContainer(ctx, acct, "c", nil)
			}
			if err != nil {
				t.Fatal(err)
			}
			rest, err := io.ReadAll(r.Section(10, -1))
			if err != nil || !bytes.Equal(append(head, rest...), old) || r.Blob().Size != int64(len(old)) {
				t.Fatalf("old version unreadable after %s: %v", then, err)
			}
			before := len(f.files(t))
			r.Close()
			r.Close() // idempotent
			if after := len(f.files(t)); after != before-1 {
				t.Fatalf("Close left %d files (had %d): the old version's file must go", after, before)
			}
			f.assertNoOrphans(t)
		})
	}
}

func TestOpenBlobPrecondition(t *testing.T) {
	f := withContainer(t)
	b := f.put(t, "b", []byte("x"))
	_, err := f.OpenBlob(context.Background(), acct, "c", "b", func(cur *Blob) error {
		if cur.ETag == b.ETag {
			return errCond
		}
		return nil
	})
	if err != errCond {
		t.Fatalf("err %v", err)
	}
	// A refused open pins nothing: deleting now removes the file.
	if err := f.DeleteBlob(context.Background(), acct, "c", "b", nil); err != nil {
		t.Fatal(err)
	}
	if files := f.files(t); len(files) != 0 {
		t.Fatalf("files %v", files)
	}
}
