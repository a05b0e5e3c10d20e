package blobstore

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
)

// Listings page by name: a marker is the name the next page starts at
// (inclusive), base64-encoded so it is opaque and XML-safe. A marker that
// does not decode is taken as a name: it can only move the start.

func encodeMarker(name string) string { return base64.RawURLEncoding.EncodeToString([]byte(name)) }

func decodeMarker(m string) string {
	b, err := base64.RawURLEncoding.DecodeString(m)
	if err != nil {
		return m
	}
	return string(b)
}

// prefixEnd is the least string greater than every string with prefix p;
// ok is false when there is none (p empty or all 0xFF bytes).
func prefixEnd(p string) (end string, ok bool) {
	b := []byte(p)
	for len(b) > 0 && b[len(b)-1] == 0xFF {
		b = b[:len(b)-1]
	}
	if len(b) == 0 {
		return "", false
	}
	b[len(b)-1]++
	return string(b), true
}

func pageSize(max int) int {
	if max <= 0 || max > MaxListResults {
		return DefaultListResults
	}
	return max
}

// nameRange is the SQL condition and arguments selecting names in
// [from, end of prefix); name order is SQLite's BINARY collation, i.e.
// byte order of UTF-8.
func nameRange(from, prefix string) (string, []any) {
	if end, ok := prefixEnd(prefix); ok {
		return ` AND name >= ? AND name < ?`, []any{from, end}
	}
	return ` AND name >= ?`, []any{from}
}

func (s *Store) ListContainers(ctx context.Context, a Account, o ListOptions) (items []Container, next string, err error) {
	if err := s.checkGeneration(ctx, a); err != nil {
		return nil, "", err
	}
	limit := pageSize(o.Max)
	from := max(decodeMarker(o.Marker), o.Prefix)
	cond, args := nameRange(from, o.Prefix)
	rows, err := s.read.QueryContext(ctx, `SELECT `+containerCols+` FROM containers WHERE account = ?`+cond+
		` ORDER BY name LIMIT ?`, append(append([]any{a.Name}, args...), limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("blobstore: list containers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanContainer(rows)
		if err != nil {
			return nil, "", fmt.Errorf("blobstore: list containers: %w", err)
		}
		if len(items) == limit {
			return items, encodeMarker(c.Name), nil
		}
		items = append(items, c)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("blobstore: list containers: %w", err)
	}
	return items, "", nil
}

// ListBlobs lists committed blobs in name order (byte order of UTF-8).
//
// With a delimiter, a name that has it after the prefix yields a BlobPrefix
// (once: the scan then seeks past every name under it), which counts
// toward Max like a blob. Each page is one or more indexed range scans;
// nothing beyond the page is read.
func (s *Store) ListBlobs(ctx context.Context, a Account, container string, o ListBlobsOptions) (BlobListing, error) {
	if err := s.checkGeneration(ctx, a); err != nil {
		return BlobListing{}, err
	}
	tx, err := s.read.BeginTx(ctx, nil) // one snapshot for the whole page
	if err != nil {
		return BlobListing{}, fmt.Errorf("blobstore: begin: %w", err)
	}
	defer tx.Rollback()
	if err := containerExists(ctx, tx, a.Name, container); err != nil {
		return BlobListing{}, err
	}
	limit := pageSize(o.Max)
	from := max(decodeMarker(o.Marker), o.Prefix)
	var out BlobListing
	for {
		cond, args := nameRange(from, o.Prefix)
		rows, err := tx.QueryContext(ctx, `SELECT `+blobCols+` FROM blobs WHERE account = ? AND container = ?`+cond+
			` ORDER BY name LIMIT ?`, append(append([]any{a.Name, container}, args...), limit-len(out.Blobs)-len(out.Prefixes)+1)...)
		if err != nil {
			return BlobListing{}, fmt.Errorf("blobstore: list blobs: %w", err)
		}
		seek, done, err := s.scanPage(rows, o, limit, &out)
		rows.Close()
		if err != nil {
			return BlobListing{}, err
		}
		if done {
			return out, nil
		}
		from = seek
	}
}

// scanPage adds rows to out until the page is full (setting NextMarker),
// the rows run out (done), or a delimiter prefix asks to seek past it.
func (s *Store) scanPage(rows interface {
	Next() bool
	Err() error
	scanner
}, o ListBlobsOptions, limit int, out *BlobListing) (seek string, done bool, err error) {
	for rows.Next() {
		b, err := scanBlob(rows)
		if err != nil {
			return "", false, fmt.Errorf("blobstore: list blobs: %w", err)
		}
		if len(out.Blobs)+len(out.Prefixes) == limit {
			out.NextMarker = encodeMarker(b.Name)
			return "", true, nil
		}
		if o.Delimiter != "" {
			if i := strings.Index(b.Name[len(o.Prefix):], o.Delimiter); i >= 0 {
				p := b.Name[:len(o.Prefix)+i+len(o.Delimiter)]
				out.Prefixes = append(out.Prefixes, p)
				end, ok := prefixEnd(p)
				return end, !ok, nil
			}
		}
		out.Blobs = append(out.Blobs, b)
	}
	if err := rows.Err(); err != nil {
		return "", false, fmt.Errorf("blobstore: list blobs: %w", err)
	}
	return "", true, nil
}
