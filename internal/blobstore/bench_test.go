package blobstore

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"
)

func benchPut(b *testing.B, n int) {
	f := withContainer(b)
	ctx := context.Background()
	data := content(n, 1)
	b.SetBytes(int64(n))
	for b.Loop() {
		if _, err := f.PutBlob(ctx, acct, "c", "b", bytes.NewReader(data), int64(n), Headers{}, nil, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPutBlob1KiB(b *testing.B) { benchPut(b, 1<<10) }
func BenchmarkPutBlob1MiB(b *testing.B) { benchPut(b, 1<<20) }

func BenchmarkOpenBlobRead1MiB(b *testing.B) {
	f := withContainer(b)
	ctx := context.Background()
	f.put(b, "b", content(1<<20, 1))
	b.SetBytes(1 << 20)
	for b.Loop() {
		r, err := f.OpenBlob(ctx, acct, "c", "b", nil)
		if err != nil {
			b.Fatal(err)
		}
		if n, err := io.Copy(io.Discard, r.Section(0, -1)); err != nil || n != 1<<20 {
			b.Fatal(n, err)
		}
		r.Close()
	}
}

// BenchmarkListBlobs10k lists 10,000 blobs in two pages of 5000.
func BenchmarkListBlobs10k(b *testing.B) {
	f := withContainer(b)
	ctx := context.Background()
	// Rows straight into the table: 10k fsynced Put Blobs would dominate.
	tx, err := f.write.Begin()
	if err != nil {
		b.Fatal(err)
	}
	for i := range 10000 {
		bl := Blob{Name: fmt.Sprintf("dir%02d/blob-%05d", i%50, i), ETag: f.tags.next(f.clock.Now()), Metadata: map[string]string{"k": "v"}}
		if err := writeBlob(ctx, tx, acct.Name, "c", bl, 0, nil); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	for _, delim := range []string{"", "/"} {
		b.Run("delim="+delim, func(b *testing.B) {
			for b.Loop() {
				n, marker := 0, ""
				for {
					l, err := f.ListBlobs(ctx, acct, "c", ListBlobsOptions{ListOptions{Marker: marker, Max: 5000}, delim})
					if err != nil {
						b.Fatal(err)
					}
					n += len(l.Blobs) + len(l.Prefixes)
					if marker = l.NextMarker; marker == "" {
						break
					}
				}
				if (delim == "" && n != 10000) || (delim == "/" && n != 50) {
					b.Fatalf("listed %d", n)
				}
			}
		})
	}
}
