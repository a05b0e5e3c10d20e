package blobstore

import (
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"sync"
)

// OpenBlob checks cond against the current blob and returns a Reader for it.
//
// The Reader pins the version's files, so an overwrite or delete that
// commits meanwhile defers their deletion to Close. Pinning happens after
// the metadata read, so OpenBlob checks that no file was dropped in
// between (the files epoch) and otherwise reads again; after a few lost
// races it reads under the files lock, which holds drops off briefly (cond
// then runs under that lock, so it must not call back into the Store).
func (s *Store) OpenBlob(ctx context.Context, a Account, container, name string, cond Precondition) (Reader, error) {
	if err := s.checkGeneration(ctx, a); err != nil {
		return nil, err
	}
	for range 3 {
		e := s.files.currentEpoch()
		b, ext, err := s.readVersion(ctx, a, container, name, cond)
		if err != nil {
			return nil, err
		}
		if ids := fileIDs(ext); s.files.pinIf(e, ids) {
			return newReader(s.files, b, ext, ids), nil
		}
	}
	s.files.mu.Lock()
	defer s.files.mu.Unlock()
	b, ext, err := s.readVersion(ctx, a, container, name, cond)
	if err != nil {
		return nil, err
	}
	ids := fileIDs(ext)
	for _, id := range ids {
		s.files.pins[id]++
	}
	return newReader(s.files, b, ext, ids), nil
}

func (s *Store) readVersion(ctx context.Context, a Account, container, name string, cond Precondition) (Blob, []extent, error) {
	tx, err := s.read.BeginTx(ctx, nil)
	if err != nil {
		return Blob{}, nil, fmt.Errorf("blobstore: begin: %w", err)
	}
	defer tx.Rollback()
	if err := containerExists(ctx, tx, a.Name, container); err != nil {
		return Blob{}, nil, err
	}
	cur, ext, _, err := blobRow(ctx, tx, a.Name, container, name)
	if err != nil {
		return Blob{}, nil, err
	}
	if cond != nil {
		if err := cond(cur); err != nil {
			return Blob{}, nil, err
		}
	}
	if cur == nil {
		return Blob{}, nil, ErrBlobNotFound
	}
	return *cur, ext, nil
}

// reader is one pinned version of a blob.
type reader struct {
	files *files
	blob  Blob
	ext   []extent
	start []int64 // start[i] is the offset of ext[i] in the content
	ids   []string

	mu     sync.Mutex
	open   map[*os.File]bool // closed by Close if a Section was abandoned
	closed bool
}

func newReader(f *files, b Blob, ext []extent, ids []string) *reader {
	start := make([]int64, len(ext))
	var off int64
	for i, e := range ext {
		start[i] = off
		off += e.Size
	}
	return &reader{files: f, blob: b, ext: ext, start: start, ids: ids, open: map[*os.File]bool{}}
}

func (r *reader) Blob() Blob { return r.blob }

// Section returns the bytes [off, off+n) of the content, clipped to it.
func (r *reader) Section(off, n int64) io.Reader {
	end := r.blob.Size
	if off < 0 {
		off = 0
	}
	if n >= 0 && off+n < end && off+n >= off {
		end = off + n
	}
	return &section{r: r, off: off, end: end, idx: -1}
}

// Close releases the version's files.
func (r *reader) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil
	}
	r.closed = true
	for f := range r.open {
		f.Close()
	}
	r.open = nil
	r.files.unpin(r.ids)
	return nil
}

func (r *reader) openFile(id string) (*os.File, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, os.ErrClosed
	}
	f, err := os.Open(r.files.path(id))
	if err != nil {
		return nil, fmt.Errorf("blobstore: open content: %w", err)
	}
	r.open[f] = true
	return f, nil
}

func (r *reader) closeFile(f *os.File) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.open[f] {
		delete(r.open, f)
		f.Close()
	}
}

// section reads across extents, holding one file open at a time.
type section struct {
	r        *reader
	off, end int64
	idx      int
	f        *os.File
}

func (s *section) Read(p []byte) (int, error) {
	if s.off < s.end {
		i := sort.Search(len(s.r.start), func(i int) bool { return s.r.start[i] > s.off }) - 1
		e := s.r.ext[i]
		if e.Size == 0 { // unreachable: the search skips empty extents
			return 0, fmt.Errorf("blobstore: no extent at offset %d", s.off)
		}
		if i != s.idx {
			if s.f != nil {
				s.r.closeFile(s.f)
				s.f = nil
			}
			f, err := s.r.openFile(e.File)
			if err != nil {
				return 0, err
			}
			s.f, s.idx = f, i
		}
		rel := s.off - s.r.start[i]
		want := min(int64(len(p)), s.end-s.off, e.Size-rel)
		n, err := s.f.ReadAt(p[:want], rel)
		s.off += int64(n)
		if n > 0 {
			return n, nil
		}
		if err == io.EOF {
			err = io.ErrUnexpectedEOF // the file is shorter than its record says
		}
		return 0, fmt.Errorf("blobstore: read content: %w", err)
	}
	if s.f != nil {
		s.r.closeFile(s.f)
		s.f = nil
	}
	return 0, io.EOF
}
