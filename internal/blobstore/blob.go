package blobstore

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
)

func (s *Store) GetBlob(ctx context.Context, a Account, container, name string) (Blob, error) {
	if err := s.checkGeneration(ctx, a); err != nil {
		return Blob{}, err
	}
	tx, err := s.read.BeginTx(ctx, nil)
	if err != nil {
		return Blob{}, fmt.Errorf("blobstore: begin: %w", err)
	}
	defer tx.Rollback()
	if err := containerExists(ctx, tx, a.Name, container); err != nil {
		return Blob{}, err
	}
	b, err := scanBlob(tx.QueryRowContext(ctx, `SELECT `+blobCols+` FROM blobs
		WHERE account = ? AND container = ? AND name = ?`, a.Name, container, name))
	if errors.Is(err, sql.ErrNoRows) {
		return Blob{}, ErrBlobNotFound
	}
	if err != nil {
		return Blob{}, fmt.Errorf("blobstore: read blob: %w", err)
	}
	return b, nil
}

// SetHeaders replaces the blob's HTTP properties (all of them, as Azure's
// Set Blob Properties does); ContentMD5 nil clears it.
func (s *Store) SetHeaders(ctx context.Context, a Account, container, name string, h Headers, cond Precondition) (Blob, error) {
	h.ContentMD5 = bytes.Clone(h.ContentMD5) // not the caller's array; nil stays nil
	return s.modify(ctx, a, container, name, cond, func(b *Blob) { b.Headers = h })
}

func (s *Store) SetMetadata(ctx context.Context, a Account, container, name string, md map[string]string, cond Precondition) (Blob, error) {
	return s.modify(ctx, a, container, name, cond, func(b *Blob) { b.Metadata = copyMap(md) })
}

// modify changes the blob's properties (not its content) under cond; the
// ETag and Last-Modified change like on any write.
func (s *Store) modify(ctx context.Context, a Account, container, name string, cond Precondition, change func(*Blob)) (Blob, error) {
	var b Blob
	err := s.update(ctx, a, func(tx *sql.Tx, _ *garbage) error {
		cur, ext, idLen, err := s.current(ctx, tx, a, container, name, cond)
		if err != nil {
			return err
		}
		b = *cur
		change(&b)
		now := s.now()
		b.ETag = s.tags.next(now)
		b.LastModified = stamp(now)
		return writeBlob(ctx, tx, a.Name, container, b, idLen, ext)
	})
	if err != nil {
		return Blob{}, err
	}
	return b, nil
}

// writeTarget reads the blob a write acts on (nil when there is none yet),
// checking the container and then cond, which sees that nil.
func writeTarget(ctx context.Context, tx *sql.Tx, a Account, container, name string, cond Precondition) (*Blob, []extent, int, error) {
	if err := containerExists(ctx, tx, a.Name, container); err != nil {
		return nil, nil, 0, err
	}
	cur, ext, idLen, err := blobRow(ctx, tx, a.Name, container, name)
	if err != nil {
		return nil, nil, 0, err
	}
	if cond != nil {
		if err := cond(cur); err != nil {
			return nil, nil, 0, err
		}
	}
	return cur, ext, idLen, nil
}

// current is writeTarget for writes that need an existing blob.
func (s *Store) current(ctx context.Context, tx *sql.Tx, a Account, container, name string, cond Precondition) (*Blob, []extent, int, error) {
	cur, ext, idLen, err := writeTarget(ctx, tx, a, container, name, cond)
	if err != nil {
		return nil, nil, 0, err
	}
	if cur == nil {
		return nil, nil, 0, ErrBlobNotFound
	}
	return cur, ext, idLen, nil
}

// DeleteBlob deletes the blob with its committed and staged blocks.
func (s *Store) DeleteBlob(ctx context.Context, a Account, container, name string, cond Precondition) error {
	return s.update(ctx, a, func(tx *sql.Tx, g *garbage) error {
		_, ext, _, err := s.current(ctx, tx, a, container, name, cond)
		if err != nil {
			return err
		}
		g.add(fileIDs(ext)...)
		if err := dropStaged(ctx, tx, g, a.Name, container, name); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM blobs WHERE account = ? AND container = ? AND name = ?`,
			a.Name, container, name); err != nil {
			return fmt.Errorf("blobstore: delete blob: %w", err)
		}
		return nil
	})
}
