package blobstore

import (
	"bytes"
	"context"
	"crypto/md5"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"
)

var acct = Account{Name: "acct", Generation: 1}

// clock is a fake clock the tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type fixture struct {
	*Store
	dir   string
	clock *clock
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	dir := t.TempDir()
	c := &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 500, time.UTC)}
	s, err := Open(dir, c.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return &fixture{Store: s, dir: dir, clock: c}
}

// withContainer is newFixture plus container "c".
func withContainer(t testing.TB) *fixture {
	t.Helper()
	f := newFixture(t)
	if _, err := f.CreateContainer(context.Background(), acct, "c", nil); err != nil {
		t.Fatal(err)
	}
	return f
}

func content(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func md5sum(b []byte) []byte { s := md5.Sum(b); return s[:] }

func (f *fixture) put(t testing.TB, name string, data []byte) Blob {
	t.Helper()
	b, err := f.PutBlob(context.Background(), acct, "c", name, bytes.NewReader(data), int64(len(data)), Headers{}, nil, nil)
	if err != nil {
		t.Fatalf("PutBlob %q: %v", name, err)
	}
	return b
}

func (f *fixture) stage(t testing.TB, name, id string, data []byte) {
	t.Helper()
	if err := f.PutBlock(context.Background(), acct, "c", name, id, bytes.NewReader(data), int64(len(data)), nil); err != nil {
		t.Fatalf("PutBlock %q/%q: %v", name, id, err)
	}
}

// read returns the blob's whole content.
func (f *fixture) read(t testing.TB, name string) []byte {
	t.Helper()
	r, err := f.OpenBlob(context.Background(), acct, "c", name, nil)
	if err != nil {
		t.Fatalf("OpenBlob %q: %v", name, err)
	}
	defer r.Close()
	b, err := io.ReadAll(r.Section(0, -1))
	if err != nil {
		t.Fatalf("read %q: %v", name, err)
	}
	return b
}

// files lists the content files on disk (data/ and staging/).
func (f *fixture) files(t testing.TB) []string {
	t.Helper()
	var out []string
	for _, d := range []string{dataDir, stagingDir} {
		filepath.WalkDir(filepath.Join(f.dir, d), func(p string, e fs.DirEntry, err error) error {
			if err == nil && e.Type().IsRegular() {
				out = append(out, filepath.Base(p))
			}
			return nil
		})
	}
	sort.Strings(out)
	return out
}

// referencedFiles is what the database names, for comparing with files.
func (f *fixture) referencedFiles(t testing.TB) []string {
	t.Helper()
	used, err := f.referenced(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for id := range used {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// assertNoOrphans checks that disk and database agree exactly.
func (f *fixture) assertNoOrphans(t testing.TB) {
	t.Helper()
	disk, db := f.files(t), f.referencedFiles(t)
	if !equalStrings(disk, db) {
		t.Fatalf("files on disk %v, referenced %v", disk, db)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }
