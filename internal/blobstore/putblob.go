package blobstore

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
)

// PutBlob stores exactly size bytes from body as the blob's whole content,
// replacing any committed content and discarding staged blocks. Content
// goes to a staged file first (hashing MD5 as it streams, never held whole
// in memory) and becomes visible at commit. A body shorter than size gives
// ErrShortBody; h.ContentMD5, if set, must match (ErrMD5Mismatch).
func (s *Store) PutBlob(ctx context.Context, a Account, container, name string, body io.Reader, size int64,
	h Headers, md map[string]string, cond Precondition) (Blob, error) {
	if size < 0 || size > MaxPutBlobSize {
		return Blob{}, fmt.Errorf("blobstore: blob size %d outside 0..%d", size, MaxPutBlobSize)
	}
	// Refuse early rather than stream gigabytes into a missing container;
	// the transaction checks again.
	if err := s.checkGeneration(ctx, a); err != nil {
		return Blob{}, err
	}
	if err := containerExists(ctx, s.read, a.Name, container); err != nil {
		return Blob{}, err
	}
	file, sum, err := s.files.ingest(ctx, body, size, h.ContentMD5)
	if err != nil {
		return Blob{}, err
	}
	if h.ContentMD5 == nil {
		h.ContentMD5 = sum
	} else {
		h.ContentMD5 = bytes.Clone(h.ContentMD5) // not the caller's array
	}
	var ext []extent
	if size > 0 {
		ext = []extent{{File: file, Size: size}}
	}
	var b Blob
	err = s.update(ctx, a, func(tx *sql.Tx, g *garbage) error {
		cur, old, _, err := writeTarget(ctx, tx, a, container, name, cond)
		if err != nil {
			return err
		}
		g.add(fileIDs(old)...)
		if err := dropStaged(ctx, tx, g, a.Name, container, name); err != nil {
			return err
		}
		b = s.newVersion(cur, name, size, h, md)
		return writeBlob(ctx, tx, a.Name, container, b, 0, ext)
	})
	if err != nil {
		s.files.remove(file)
		return Blob{}, err
	}
	return b, nil
}

// newVersion is the properties of a new write of the blob whose current
// version is cur (nil for a new blob); the creation time survives
// overwrites.
func (s *Store) newVersion(cur *Blob, name string, size int64, h Headers, md map[string]string) Blob {
	now := s.now()
	b := Blob{Name: name, Size: size, ETag: s.tags.next(now), Created: stamp(now),
		LastModified: stamp(now), Headers: h, Metadata: copyMap(md)}
	if cur != nil {
		b.Created = cur.Created
	}
	return b
}

// dropStaged deletes the blob's staged blocks, their files into g.
func dropStaged(ctx context.Context, tx *sql.Tx, g *garbage, a, container, name string) error {
	where := `account = ? AND container = ? AND blob = ?`
	if err := collectStaged(ctx, tx, g, where, a, container, name); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM blocks WHERE `+where, a, container, name); err != nil {
		return fmt.Errorf("blobstore: drop staged blocks: %w", err)
	}
	return nil
}
