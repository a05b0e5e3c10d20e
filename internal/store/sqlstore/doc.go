// Package sqlstore implements store.Store once, on database/sql, for every
// SQL backend. A Dialect carries what differs between engines (placeholders,
// a column type, error classification), so the SQL here is the subset that
// SQLite and PostgreSQL both accept.
package sqlstore
