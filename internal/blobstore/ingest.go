package blobstore

import (
	"bytes"
	"context"
	"crypto/md5"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/lanyardhq/lanyard/internal/atomicfile"
)

// copyBufs bounds what one write holds in memory, whatever the blob size.
var copyBufs = sync.Pool{New: func() any { b := make([]byte, 256<<10); return &b }}

// ingest streams exactly size bytes of body into a new content file and
// returns its ID ("" for size 0: an empty extent needs no file) and the
// content's MD5. The file is written under staging/, fsynced, then renamed
// into data/ with the directory synced, so a committed record never names
// a file a power loss could take back. On any error nothing is left.
func (f *files) ingest(ctx context.Context, body io.Reader, size int64, want []byte) (id string, sum []byte, err error) {
	h := md5.New()
	if size == 0 {
		sum = h.Sum(nil)
		if want != nil && !bytes.Equal(want, sum) {
			return "", nil, ErrMD5Mismatch
		}
		return "", sum, nil
	}
	id = newID()
	tmp := f.stagingPath(id)
	file, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", nil, fmt.Errorf("blobstore: staging file: %w", err)
	}
	defer func() {
		if file != nil {
			file.Close()
		}
		if err != nil {
			os.Remove(tmp)
		}
	}()
	buf := copyBufs.Get().(*[]byte)
	defer copyBufs.Put(buf)
	n, err := io.CopyBuffer(io.MultiWriter(file, h), io.LimitReader(ctxReader{ctx, body}, size), *buf)
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			err = fmt.Errorf("%w: %w", ErrShortBody, err)
		}
		return "", nil, err
	}
	if n < size {
		return "", nil, fmt.Errorf("%w: %d of %d bytes", ErrShortBody, n, size)
	}
	sum = h.Sum(nil)
	if want != nil && !bytes.Equal(want, sum) {
		return "", nil, ErrMD5Mismatch
	}
	if err = file.Sync(); err != nil {
		return "", nil, fmt.Errorf("blobstore: sync: %w", err)
	}
	err = file.Close()
	file = nil
	if err != nil {
		return "", nil, fmt.Errorf("blobstore: close: %w", err)
	}
	dst := f.path(id)
	if err = os.Rename(tmp, dst); err != nil {
		return "", nil, fmt.Errorf("blobstore: rename: %w", err)
	}
	if err = atomicfile.SyncDir(filepath.Dir(dst)); err != nil {
		os.Remove(dst)
		return "", nil, fmt.Errorf("blobstore: sync dir: %w", err)
	}
	return id, sum, nil
}

// ctxReader stops a long upload when its request is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
