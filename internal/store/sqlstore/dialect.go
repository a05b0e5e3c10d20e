package sqlstore

import (
	"database/sql"
	"strconv"
	"strings"
)

// Dialect is what one SQL engine needs beyond the portable SQL in this
// package.
type Dialect struct {
	// Name is for error messages ("sqlite", "postgres").
	Name string
	// Numbered placeholders: rewrite "?" to "$1".."$n" (PostgreSQL).
	Numbered bool
	// BlobType is the column type for byte strings ("BLOB", "BYTEA").
	BlobType string
	// ForUpdate is appended to the read of a read-modify-write (" FOR
	// UPDATE" on PostgreSQL; empty on SQLite, whose write transactions
	// already hold the database's write lock).
	ForUpdate string
	// MigrationLock, if set, runs first in the migration transaction so that
	// replicas starting together do not migrate twice (an advisory lock).
	MigrationLock string
	// TxOptions are passed to BeginTx by Update (nil: driver default).
	TxOptions *sql.TxOptions
	// IsConflict reports a unique-constraint violation.
	IsConflict func(error) bool
	// IsRetryable reports a serialization failure or busy database after
	// which the whole transaction may be run again.
	IsRetryable func(error) bool
}

// rebind rewrites q's "?" placeholders for the dialect. The SQL in this
// package never has "?" inside a string literal.
func (d *Dialect) rebind(q string) string {
	if !d.Numbered {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := range len(q) {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

func (d *Dialect) conflict(err error) bool {
	return err != nil && d.IsConflict != nil && d.IsConflict(err)
}

func (d *Dialect) retryable(err error) bool {
	return err != nil && d.IsRetryable != nil && d.IsRetryable(err)
}
