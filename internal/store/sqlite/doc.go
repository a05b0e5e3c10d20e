// Package sqlite is Lanyard's embedded store: SQLite (pure Go, no cgo)
// behind package sqlstore, in one file in the data directory.
package sqlite
