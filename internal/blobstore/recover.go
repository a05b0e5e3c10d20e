package blobstore

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// stagedTTL is how long an uncommitted block lives (Azure's rule: a week).
const stagedTTL = 7 * 24 * time.Hour

// recover makes the directory match the database after a crash: every
// staging file is an upload that never committed, and every data file no
// record names is either such an upload (renamed, not committed) or a
// version whose deletion the crash interrupted. It also expires stale
// staged blocks and moves the ETag counter past every stored ETag.
func (s *Store) recover(ctx context.Context) error {
	// Expired blocks' files are swept below with the other debris.
	cutoff := s.now().Add(-stagedTTL).Unix()
	if _, err := s.write.ExecContext(ctx, `DELETE FROM blocks WHERE staged < ?`, cutoff); err != nil {
		return fmt.Errorf("blobstore: expire staged blocks: %w", err)
	}
	used, err := s.referenced(ctx)
	if err != nil {
		return err
	}
	dir := s.files.dir
	if err := removeAll(filepath.Join(dir, stagingDir), func(string) bool { return true }); err != nil {
		return err
	}
	shards, err := os.ReadDir(filepath.Join(dir, dataDir))
	if err != nil {
		return fmt.Errorf("blobstore: %w", err)
	}
	for _, sh := range shards {
		if !sh.IsDir() {
			continue
		}
		if err := removeAll(filepath.Join(dir, dataDir, sh.Name()), func(name string) bool {
			return validID(name) && !used[name]
		}); err != nil {
			return err
		}
	}
	return nil
}

// referenced returns every file a record names, and seeds the ETags.
func (s *Store) referenced(ctx context.Context) (map[string]bool, error) {
	used := map[string]bool{}
	rows, err := s.read.QueryContext(ctx, `SELECT etag, extents FROM blobs`)
	if err != nil {
		return nil, fmt.Errorf("blobstore: scan blobs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var tag string
		var raw []byte
		if err := rows.Scan(&tag, &raw); err != nil {
			return nil, fmt.Errorf("blobstore: scan blobs: %w", err)
		}
		s.tags.seen(tag)
		ext, err := decodeExtents(raw)
		if err != nil {
			return nil, err
		}
		for _, id := range fileIDs(ext) {
			used[id] = true
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("blobstore: scan blobs: %w", err)
	}
	if err := eachString(ctx, s.read, `SELECT file FROM blocks`, func(v string) { used[v] = true }); err != nil {
		return nil, err
	}
	if err := eachString(ctx, s.read, `SELECT etag FROM containers`, s.tags.seen); err != nil {
		return nil, err
	}
	return used, nil
}

func eachString(ctx context.Context, db *sql.DB, q string, f func(string)) error {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("blobstore: %s: %w", q, err)
	}
	defer rows.Close()
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return fmt.Errorf("blobstore: %s: %w", q, err)
		}
		f(v)
	}
	return rows.Err()
}

// removeAll removes the regular files in dir for which doomed is true.
func removeAll(dir string, doomed func(name string) bool) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("blobstore: %w", err)
	}
	for _, e := range ents {
		if e.Type().IsRegular() && doomed(e.Name()) {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
				return fmt.Errorf("blobstore: remove debris: %w", err)
			}
		}
	}
	return nil
}
