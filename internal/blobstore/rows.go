package blobstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// extent is one piece of a blob's content: a whole content file. ID is the
// decoded block ID that committed it (nil for Put Blob content); File is ""
// for an empty extent.
type extent struct {
	ID   []byte `json:"i,omitempty"`
	File string `json:"f,omitempty"`
	Size int64  `json:"n"`
}

func encodeExtents(ext []extent) []byte {
	b, _ := json.Marshal(ext) // cannot fail: plain structs
	return b
}

func decodeExtents(b []byte) ([]extent, error) {
	var ext []extent
	if err := json.Unmarshal(b, &ext); err != nil {
		return nil, fmt.Errorf("blobstore: corrupt extent list: %w", err)
	}
	return ext, nil
}

func fileIDs(ext []extent) []string {
	var ids []string
	for _, e := range ext {
		if e.File != "" {
			ids = append(ids, e.File)
		}
	}
	return ids
}

func encodeMetadata(md map[string]string) string {
	if len(md) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(md)
	return string(b)
}

func decodeMetadata(s string) (map[string]string, error) {
	if s == "{}" {
		return nil, nil // the common case, without a JSON decoder
	}
	var md map[string]string
	if err := json.Unmarshal([]byte(s), &md); err != nil {
		return nil, fmt.Errorf("blobstore: corrupt metadata: %w", err)
	}
	if len(md) == 0 {
		return nil, nil
	}
	return md, nil
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

type scanner interface{ Scan(dest ...any) error }

const blobCols = `name, size, etag, created, modified, content_type, content_encoding,
	content_language, content_disposition, cache_control, content_md5, metadata`

func scanBlob(sc scanner, extra ...any) (Blob, error) {
	var b Blob
	var created, modified int64
	var md string
	dest := []any{&b.Name, &b.Size, &b.ETag, &created, &modified, &b.Headers.ContentType,
		&b.Headers.ContentEncoding, &b.Headers.ContentLanguage, &b.Headers.ContentDisposition,
		&b.Headers.CacheControl, &b.Headers.ContentMD5, &md}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return Blob{}, err
	}
	b.Created = time.Unix(created, 0).UTC()
	b.LastModified = time.Unix(modified, 0).UTC()
	var err error
	b.Metadata, err = decodeMetadata(md)
	return b, err
}

// blobRow reads the current blob and its extents; nil when there is none.
func blobRow(ctx context.Context, q queryer, a, container, name string) (*Blob, []extent, int, error) {
	var raw []byte
	var idLen int
	b, err := scanBlob(q.QueryRowContext(ctx, `SELECT `+blobCols+`, id_len, extents FROM blobs
		WHERE account = ? AND container = ? AND name = ?`, a, container, name), &idLen, &raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, 0, nil
	}
	if err != nil {
		return nil, nil, 0, fmt.Errorf("blobstore: read blob: %w", err)
	}
	ext, err := decodeExtents(raw)
	if err != nil {
		return nil, nil, 0, err
	}
	return &b, ext, idLen, nil
}

// writeBlob inserts or replaces the blob's row.
func writeBlob(ctx context.Context, tx *sql.Tx, a, container string, b Blob, idLen int, ext []extent) error {
	h := b.Headers
	_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO blobs (account, container, name, size, etag,
		created, modified, content_type, content_encoding, content_language, content_disposition,
		cache_control, content_md5, metadata, id_len, extents) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		a, container, b.Name, b.Size, b.ETag, b.Created.Unix(), b.LastModified.Unix(), h.ContentType,
		h.ContentEncoding, h.ContentLanguage, h.ContentDisposition, h.CacheControl, h.ContentMD5,
		encodeMetadata(b.Metadata), idLen, encodeExtents(ext))
	if err != nil {
		return fmt.Errorf("blobstore: write blob: %w", err)
	}
	return nil
}

// containerExists reports whether the container is there.
func containerExists(ctx context.Context, q queryer, a, name string) error {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM containers WHERE account = ? AND name = ?`, a, name).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrContainerNotFound
	}
	if err != nil {
		return fmt.Errorf("blobstore: read container: %w", err)
	}
	return nil
}

// collectFiles adds every content file of the blobs and staged blocks
// selected by where (over account, container, name/blob columns) to g.
func collectFiles(ctx context.Context, tx *sql.Tx, g *garbage, where string, args ...any) error {
	rows, err := tx.QueryContext(ctx, `SELECT extents FROM blobs WHERE `+where, args...)
	if err != nil {
		return fmt.Errorf("blobstore: collect files: %w", err)
	}
	for rows.Next() {
		var raw []byte
		if err := rows.Scan(&raw); err != nil {
			rows.Close()
			return fmt.Errorf("blobstore: collect files: %w", err)
		}
		ext, err := decodeExtents(raw)
		if err != nil {
			rows.Close()
			return err
		}
		g.add(fileIDs(ext)...)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("blobstore: collect files: %w", err)
	}
	return collectStaged(ctx, tx, g, where, args...)
}

func collectStaged(ctx context.Context, tx *sql.Tx, g *garbage, where string, args ...any) error {
	rows, err := tx.QueryContext(ctx, `SELECT file FROM blocks WHERE `+where, args...)
	if err != nil {
		return fmt.Errorf("blobstore: collect staged: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var f string
		if err := rows.Scan(&f); err != nil {
			return fmt.Errorf("blobstore: collect staged: %w", err)
		}
		g.add(f)
	}
	return rows.Err()
}
