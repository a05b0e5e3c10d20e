// Package store defines Lanyard's persistent records and the small,
// context-first interfaces through which every domain package reads and
// writes them. Backends (the embedded SQLite store, later PostgreSQL) live in
// sub-packages and must all pass storetest.Run. Built-in role definitions are
// not stored: package rbac overlays them.
package store
