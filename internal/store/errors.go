package store

import "errors"

// ErrNotFound is returned (possibly wrapped) when a record does not exist.
var ErrNotFound = errors.New("store: not found")

// ErrConflict is returned (possibly wrapped) when a write would break a
// uniqueness rule: a duplicate ID, user name, client ID or role assignment.
var ErrConflict = errors.New("store: conflict")
