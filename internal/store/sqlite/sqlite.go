package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/lanyardhq/lanyard/internal/store"
	"github.com/lanyardhq/lanyard/internal/store/sqlstore"
)

// Dialect is SQLite's sqlstore dialect.
var Dialect = sqlstore.Dialect{
	Name:        "sqlite",
	BlobType:    "BLOB",
	IsConflict:  isConflict,
	IsRetryable: isRetryable,
}

// Connection settings, applied by the driver to every new connection.
//
// WAL lets readers run alongside the one writer. synchronous=NORMAL in WAL
// mode fsyncs only at checkpoints: a committed transaction is in the WAL
// file (the OS page cache) before Commit returns, so an acknowledged write
// survives the process being killed (SIGKILL, a crash); only a power loss
// or kernel crash can lose the last transactions, and never corrupts the
// database.
const (
	common = "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)"
	// BEGIN IMMEDIATE takes the write lock at the start of the transaction,
	// so a read-modify-write never fails to upgrade its lock half-way.
	writeParams = common + "&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	// The read pool cannot write: a write that missed the write pool fails
	// loudly instead of racing the writer.
	readParams = common + "&_pragma=query_only(1)"
)

// Open opens (creating if needed) the database file at path and migrates it.
// Writes go through a single connection; reads use a separate pool, so
// readers never wait for the writer.
func Open(path string) (store.Store, error) {
	s, err := OpenContext(context.Background(), path)
	if err != nil {
		return nil, err // not a typed nil inside the interface
	}
	return s, nil
}

// OpenContext is Open with a context for the migration.
func OpenContext(ctx context.Context, path string) (*sqlstore.Store, error) {
	if path == "" || path == ":memory:" || strings.HasPrefix(path, "file:") {
		// Each pooled connection to ":memory:" would be its own database.
		return nil, fmt.Errorf("sqlite: need a file path, not %q (tests: a file in t.TempDir())", path)
	}
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("sqlite: path %q may not contain '?' or '#'", path)
	}
	write, err := sql.Open("sqlite", path+"?"+writeParams)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxIdleTime(0)
	write.SetConnMaxLifetime(0)
	// The write connection sets WAL mode (persistent in the file) before
	// any reader connects.
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	read, err := sql.Open("sqlite", path+"?"+readParams)
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	s, err := sqlstore.New(ctx, sqlstore.Config{Write: write, Read: read, Dialect: Dialect})
	if err != nil {
		write.Close()
		read.Close()
		return nil, fmt.Errorf("sqlite: %s: %w", path, err)
	}
	return s, nil
}

func isConflict(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return true
	}
	return false
}

func isRetryable(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code() & 0xff { // primary code, whatever the extended one
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return true
	}
	return false
}
