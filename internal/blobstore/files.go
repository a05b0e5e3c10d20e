package blobstore

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"sync"
)

const (
	stagingDir = "staging"
	dataDir    = "data"
)

// files owns the content files under dir/data. A file's name is a random
// ID, never a blob name, so no client input reaches a path. A file is
// referenced by exactly one blob (its committed extents or a staged
// block), so the writer that removes the last reference knows it; it hands
// the file to drop, which deletes it at once or, while a Reader has it
// pinned, on that Reader's Close.
type files struct {
	dir string

	mu     sync.Mutex
	pins   map[string]int
	doomed map[string]bool
	// epoch counts drops; a reader that saw it unchanged across its
	// metadata read knows none of the files it read about were deleted.
	epoch uint64
}

func newFiles(dir string) *files {
	return &files{dir: dir, pins: map[string]int{}, doomed: map[string]bool{}}
}

// newID returns a fresh random file ID (32 hex digits).
func newID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// validID reports whether name is a file ID this package made; anything
// else in data/ is not ours to interpret.
func validID(name string) bool {
	if len(name) != 32 {
		return false
	}
	_, err := hex.DecodeString(name)
	return err == nil
}

func (f *files) path(id string) string {
	return filepath.Join(f.dir, dataDir, id[:2], id)
}

func (f *files) stagingPath(id string) string {
	return filepath.Join(f.dir, stagingDir, id)
}

// remove deletes a file that was never committed (a failed write).
func (f *files) remove(id string) {
	if id != "" {
		os.Remove(f.path(id))
	}
}

// drop deletes files no record refers to any more, deferring those a
// Reader has pinned.
func (f *files) drop(ids []string) {
	if len(ids) == 0 {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.epoch++
	for _, id := range ids {
		if id == "" {
			continue
		}
		if f.pins[id] > 0 {
			f.doomed[id] = true
			continue
		}
		os.Remove(f.path(id))
	}
}

// pinIf pins ids if no drop happened since epoch e.
func (f *files) pinIf(e uint64, ids []string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.epoch != e {
		return false
	}
	for _, id := range ids {
		f.pins[id]++
	}
	return true
}

func (f *files) currentEpoch() uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.epoch
}

func (f *files) unpin(ids []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, id := range ids {
		if f.pins[id]--; f.pins[id] > 0 {
			continue
		}
		delete(f.pins, id)
		if f.doomed[id] {
			delete(f.doomed, id)
			os.Remove(f.path(id))
		}
	}
}
