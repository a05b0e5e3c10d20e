package blobstore

import (
	"context"
	"database/sql"
	"fmt"
)

// PutBlockList commits list as the blob's content (blocks may repeat), then
// drops the staged blocks not used. A missing block gives
// ErrInvalidBlockList and changes nothing.
//
// The new version's extents are the staged (or previously committed) block
// files themselves: nothing is copied, and a file used several times is
// simply named several times.
func (s *Store) PutBlockList(ctx context.Context, a Account, container, name string, list []BlockRef,
	h Headers, md map[string]string, cond Precondition) (Blob, error) {
	if len(list) > MaxBlocks {
		return Blob{}, ErrTooManyBlocks
	}
	idLen := 0
	for i, r := range list {
		if !validBlockID(r.ID) || (i > 0 && len(r.ID) != idLen) {
			return Blob{}, ErrBlockIDLength
		}
		if r.From != Latest && r.From != Committed && r.From != Uncommitted {
			return Blob{}, ErrInvalidBlockList
		}
		idLen = len(r.ID)
	}
	var b Blob
	err := s.update(ctx, a, func(tx *sql.Tx, g *garbage) error {
		cur, old, _, err := writeTarget(ctx, tx, a, container, name, cond)
		if err != nil {
			return err
		}
		staged, err := stagedBlocks(ctx, tx, a.Name, container, name)
		if err != nil {
			return err
		}
		ext, size, err := resolve(list, old, staged)
		if err != nil {
			return err
		}
		// Everything the blob referred to before, minus what it refers to
		// now, is garbage once this commits.
		keep := make(map[string]bool, len(ext))
		for _, e := range ext {
			keep[e.File] = true
		}
		for _, e := range append(old, staged...) {
			if !keep[e.File] {
				g.add(e.File)
				keep[e.File] = true // add each file once
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM blocks WHERE account = ? AND container = ? AND blob = ?`,
			a.Name, container, name); err != nil {
			return fmt.Errorf("blobstore: drop staged blocks: %w", err)
		}
		b = s.newVersion(cur, name, size, h, md)
		return writeBlob(ctx, tx, a.Name, container, b, idLen, ext)
	})
	if err != nil {
		return Blob{}, err
	}
	return b, nil
}

// resolve looks each entry of list up in the committed extents or the
// staged blocks. A committed ID that occurs several times resolves to its
// first occurrence.
func resolve(list []BlockRef, committed, staged []extent) ([]extent, int64, error) {
	byCommitted := make(map[string]extent, len(committed))
	for _, e := range committed {
		if e.ID == nil {
			continue // Put Blob content has no block ID to name it by
		}
		if _, ok := byCommitted[string(e.ID)]; !ok {
			byCommitted[string(e.ID)] = e
		}
	}
	byStaged := make(map[string]extent, len(staged))
	for _, e := range staged {
		byStaged[string(e.ID)] = e
	}
	ext := make([]extent, 0, len(list))
	var size int64
	for _, r := range list {
		var e extent
		var ok bool
		switch r.From {
		case Committed:
			e, ok = byCommitted[r.ID]
		case Uncommitted:
			e, ok = byStaged[r.ID]
		default:
			if e, ok = byStaged[r.ID]; !ok {
				e, ok = byCommitted[r.ID]
			}
		}
		if !ok {
			return nil, 0, ErrInvalidBlockList
		}
		ext = append(ext, e)
		size += e.Size
	}
	return ext, size, nil
}
