package blobstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"testing"
)

// payload is a self-describing content: the reader can tell a torn or
// mixed read from a whole version of any writer.
func payload(writer, round int) []byte {
	head := fmt.Sprintf("w%d-r%d:", writer, round)
	return append([]byte(head), bytes.Repeat([]byte{byte(writer*31 + round)}, 4096+writer*100)...)
}

func wellFormed(b []byte) bool {
	var w, r int
	if _, err := fmt.Sscanf(string(b), "w%d-r%d:", &w, &r); err != nil {
		return false
	}
	return bytes.Equal(b, payload(w, r))
}

func TestConcurrentWritersReadersDeleters(t *testing.T) {
	f := withContainer(t)
	ctx := context.Background()
	names := []string{"x", "y", "z"}
	const writers, rounds = 6, 25
	var wg sync.WaitGroup
	errs := make(chan error, 1000)
	for w := range writers {
		wg.Go(func() {
			for r := range rounds {
				name := names[(w+r)%len(names)]
				data := payload(w, r)
				var err error
				switch r % 4 {
				case 0, 1:
					_, err = f.PutBlob(ctx, acct, "c", name, bytes.NewReader(data), int64(len(data)), Headers{}, nil, nil)
				case 2: // two blocks; another writer may commit in between
					id := fmt.Sprintf("%02d", w)
					half := len(data) / 2
					if err = f.PutBlock(ctx, acct, "c", name, id+"a", bytes.NewReader(data[:half]), int64(half), nil); err == nil {
						err = f.PutBlock(ctx, acct, "c", name, id+"b", bytes.NewReader(data[half:]), int64(len(data)-half), nil)
					}
					if err == nil {
						_, err = f.PutBlockList(ctx, acct, "c", name, []BlockRef{{id + "a", Uncommitted}, {id + "b", Uncommitted}}, Headers{}, nil, nil)
					}
					if errors.Is(err, ErrInvalidBlockList) { // a Put Blob or commit dropped our staged blocks
						err = nil
					}
				case 3:
					if err = f.DeleteBlob(ctx, acct, "c", name, nil); errors.Is(err, ErrBlobNotFound) {
						err = nil
					}
				}
				if err != nil {
					errs <- fmt.Errorf("writer %d round %d: %w", w, r, err)
				}
			}
		})
	}
	for range 4 {
		wg.Go(func() {
			for i := range rounds * 3 {
				r, err := f.OpenBlob(ctx, acct, "c", names[i%len(names)], nil)
				if errors.Is(err, ErrBlobNotFound) {
					continue
				}
				if err != nil {
					errs <- err
					return
				}
				b, err := io.ReadAll(r.Section(0, -1))
				r.Close()
				if err != nil || !wellFormed(b) || int64(len(b)) != r.Blob().Size {
					errs <- fmt.Errorf("read %d bytes, well formed %v: %v", len(b), wellFormed(b), err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for _, n := range names {
		r, err := f.OpenBlob(ctx, acct, "c", n, nil)
		if errors.Is(err, ErrBlobNotFound) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r.Section(0, -1))
		r.Close()
		if !wellFormed(b) {
			t.Errorf("%s: final content malformed", n)
		}
	}
	f.assertNoOrphans(t)
}

// A conditional write racing others commits only against the version it
// was conditioned on: with If-Match on a fixed ETag exactly one succeeds.
func TestIfMatchRace(t *testing.T) {
	f := withContainer(t)
	ctx := context.Background()
	base := f.put(t, "b", []byte("base"))
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for i := range 8 {
		wg.Go(func() {
			data := []byte(fmt.Sprint("writer ", i))
			_, err := f.PutBlob(ctx, acct, "c", "b", bytes.NewReader(data), int64(len(data)), Headers{}, nil,
				func(cur *Blob) error {
					if cur == nil || cur.ETag != base.ETag {
						return errCond
					}
					return nil
				})
			if err == nil {
				mu.Lock()
				wins++
				mu.Unlock()
			} else if !errors.Is(err, errCond) {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if wins != 1 {
		t.Fatalf("%d conditional writers won, want 1", wins)
	}
	f.assertNoOrphans(t)
}
