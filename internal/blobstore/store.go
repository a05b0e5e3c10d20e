package blobstore

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // the database/sql driver "sqlite"
)

// Connection settings. synchronous=FULL fsyncs the WAL at every commit: a
// blob acknowledged to a client must survive a power loss, not only a
// process crash. BEGIN IMMEDIATE takes the write lock up front so a
// precondition read and the write that follows see the same row.
const (
	dbCommon    = "_pragma=busy_timeout(10000)"
	writeParams = dbCommon + "&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_txlock=immediate"
	readParams  = dbCommon + "&_pragma=query_only(1)"
)

// Store is one server's blob data under one directory.
type Store struct {
	now   func() time.Time
	write *sql.DB // one connection: writes are serialized
	read  *sql.DB
	files *files
	tags  etags

	genMu sync.Mutex
	gens  map[string]int64 // account name -> generation, as committed

	sweepMu sync.Mutex
	sweptAt time.Time // last expiry of staged blocks (expire.go)
}

// Open opens (creating if needed) the store in dir and removes debris a
// crash left: staged files no record names.
func Open(dir string, now func() time.Time) (*Store, error) {
	if now == nil {
		now = time.Now
	}
	if strings.ContainsAny(dir, "?#") {
		return nil, fmt.Errorf("blobstore: directory %q may not contain '?' or '#'", dir)
	}
	for _, d := range []string{dir, filepath.Join(dir, stagingDir), filepath.Join(dir, dataDir)} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("blobstore: %w", err)
		}
	}
	for i := range 256 {
		if err := os.MkdirAll(filepath.Join(dir, dataDir, fmt.Sprintf("%02x", i)), 0o700); err != nil {
			return nil, fmt.Errorf("blobstore: %w", err)
		}
	}
	path := filepath.Join(dir, "blobs.db")
	write, err := sql.Open("sqlite", path+"?"+writeParams)
	if err != nil {
		return nil, fmt.Errorf("blobstore: open %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxIdleTime(0)
	write.SetConnMaxLifetime(0)
	if _, err := write.Exec(schema); err != nil {
		write.Close()
		return nil, fmt.Errorf("blobstore: schema: %w", err)
	}
	read, err := sql.Open("sqlite", path+"?"+readParams)
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("blobstore: open %s: %w", path, err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	s := &Store{now: now, write: write, read: read, files: newFiles(dir), gens: map[string]int64{}, sweptAt: now()}
	if err := s.recover(context.Background()); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the metadata database.
func (s *Store) Close() error {
	err1 := s.read.Close()
	err2 := s.write.Close()
	if err1 != nil {
		return err1
	}
	return err2
}

const schema = `
CREATE TABLE IF NOT EXISTS accounts (
	name       TEXT PRIMARY KEY,
	generation INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS containers (
	account  TEXT NOT NULL,
	name     TEXT NOT NULL,
	metadata TEXT NOT NULL,
	etag     TEXT NOT NULL,
	modified INTEGER NOT NULL,
	PRIMARY KEY (account, name)
) WITHOUT ROWID;
-- extents is last: SQLite reads its overflow pages only when asked, so
-- listings never load block lists.
CREATE TABLE IF NOT EXISTS blobs (
	account             TEXT NOT NULL,
	container           TEXT NOT NULL,
	name                TEXT NOT NULL,
	size                INTEGER NOT NULL,
	etag                TEXT NOT NULL,
	created             INTEGER NOT NULL,
	modified            INTEGER NOT NULL,
	content_type        TEXT NOT NULL,
	content_encoding    TEXT NOT NULL,
	content_language    TEXT NOT NULL,
	content_disposition TEXT NOT NULL,
	cache_control       TEXT NOT NULL,
	content_md5         BLOB,
	metadata            TEXT NOT NULL,
	id_len              INTEGER NOT NULL,
	extents             BLOB NOT NULL,
	UNIQUE (account, container, name)
);
CREATE TABLE IF NOT EXISTS blocks (
	seq       INTEGER PRIMARY KEY,
	account   TEXT NOT NULL,
	container TEXT NOT NULL,
	blob      TEXT NOT NULL,
	id        BLOB NOT NULL,
	file      TEXT NOT NULL,
	size      INTEGER NOT NULL,
	staged    INTEGER NOT NULL,
	UNIQUE (account, container, blob, id)
);
`
