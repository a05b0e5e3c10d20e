// Package seal encrypts secrets at rest (signing keys, later vault secrets)
// under a master key that lives in a file outside the database, so a copy of
// the database alone reveals nothing.
package seal
