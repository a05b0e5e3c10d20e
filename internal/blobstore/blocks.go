package blobstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
)

func validBlockID(id string) bool { return len(id) > 0 && len(id) <= MaxBlockIDBytes }

// PutBlock stages a block (exactly size bytes from body; md5, if set, must
// match). Staging the same ID again replaces the staged block. A blob that
// does not exist yet is not created by staging.
func (s *Store) PutBlock(ctx context.Context, a Account, container, name, blockID string, body io.Reader, size int64, md5 []byte) error {
	if !validBlockID(blockID) {
		return ErrBlockIDLength
	}
	if size < 0 || size > MaxBlockSize {
		return fmt.Errorf("blobstore: block size %d outside 0..%d", size, MaxBlockSize)
	}
	if err := s.checkGeneration(ctx, a); err != nil {
		return err
	}
	if err := containerExists(ctx, s.read, a.Name, container); err != nil {
		return err
	}
	if err := s.expireStaged(ctx, a); err != nil {
		return err
	}
	file, _, err := s.files.ingest(ctx, body, size, md5)
	if err != nil {
		return err
	}
	err = s.update(ctx, a, func(tx *sql.Tx, g *garbage) error {
		if err := containerExists(ctx, tx, a.Name, container); err != nil {
			return err
		}
		if err := checkStagedID(ctx, tx, a.Name, container, name, blockID); err != nil {
			return err
		}
		var old string
		err := tx.QueryRowContext(ctx, `SELECT file FROM blocks WHERE account = ? AND container = ? AND blob = ? AND id = ?`,
			a.Name, container, name, []byte(blockID)).Scan(&old)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM blocks WHERE account = ? AND container = ? AND blob = ?`,
				a.Name, container, name).Scan(&n); err != nil {
				return fmt.Errorf("blobstore: count blocks: %w", err)
			}
			if n >= MaxUncommitted {
				return ErrTooManyBlocks
			}
		case err != nil:
			return fmt.Errorf("blobstore: read block: %w", err)
		default:
			g.add(old)
		}
		_, err = tx.ExecContext(ctx, `INSERT OR REPLACE INTO blocks (account, container, blob, id, file, size, staged)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, a.Name, container, name, []byte(blockID), file, size, s.now().Unix())
		if err != nil {
			return fmt.Errorf("blobstore: stage block: %w", err)
		}
		return nil
	})
	if err != nil {
		s.files.remove(file)
	}
	return err
}

// checkStagedID enforces Azure's rule that all block IDs of a blob, staged
// or committed, have one length.
func checkStagedID(ctx context.Context, tx *sql.Tx, a, container, name, id string) error {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT length(id) FROM blocks WHERE account = ? AND container = ? AND blob = ? LIMIT 1`,
		a, container, name).Scan(&n)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("blobstore: read blocks: %w", err)
	}
	if err == nil && n != len(id) {
		return ErrBlockIDLength
	}
	err = tx.QueryRowContext(ctx, `SELECT id_len FROM blobs WHERE account = ? AND container = ? AND name = ?`,
		a, container, name).Scan(&n)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("blobstore: read blob: %w", err)
	}
	if err == nil && n != 0 && n != len(id) {
		return ErrBlockIDLength
	}
	return nil
}

// stagedBlocks returns the blob's staged blocks in staging order.
func stagedBlocks(ctx context.Context, q queryer, a, container, name string) ([]extent, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, file, size FROM blocks
		WHERE account = ? AND container = ? AND blob = ? ORDER BY seq`, a, container, name)
	if err != nil {
		return nil, fmt.Errorf("blobstore: read blocks: %w", err)
	}
	defer rows.Close()
	var out []extent
	for rows.Next() {
		var e extent
		if err := rows.Scan(&e.ID, &e.File, &e.Size); err != nil {
			return nil, fmt.Errorf("blobstore: read blocks: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// GetBlockList returns the committed and staged blocks; blob is nil when
// only staged blocks exist. With neither, ErrBlobNotFound.
func (s *Store) GetBlockList(ctx context.Context, a Account, container, name string) (committed, uncommitted []Block, blob *Blob, err error) {
	if err := s.checkGeneration(ctx, a); err != nil {
		return nil, nil, nil, err
	}
	tx, err := s.read.BeginTx(ctx, nil) // one snapshot for both lists
	if err != nil {
		return nil, nil, nil, fmt.Errorf("blobstore: begin: %w", err)
	}
	defer tx.Rollback()
	if err := containerExists(ctx, tx, a.Name, container); err != nil {
		return nil, nil, nil, err
	}
	cur, ext, _, err := blobRow(ctx, tx, a.Name, container, name)
	if err != nil {
		return nil, nil, nil, err
	}
	staged, err := stagedBlocks(ctx, tx, a.Name, container, name)
	if err != nil {
		return nil, nil, nil, err
	}
	if cur == nil && len(staged) == 0 {
		return nil, nil, nil, ErrBlobNotFound
	}
	for _, e := range ext {
		if e.ID != nil {
			committed = append(committed, Block{ID: string(e.ID), Size: e.Size})
		}
	}
	for _, e := range staged {
		uncommitted = append(uncommitted, Block{ID: string(e.ID), Size: e.Size})
	}
	return committed, uncommitted, cur, nil
}
