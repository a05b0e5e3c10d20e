package credential

import (
	"errors"
	"fmt"
)

// UnavailableError means a source cannot be used in this environment (its
// configuration is absent, its tool is not installed, its endpoint does not
// answer). A chain moves on to its next source only on this error.
type UnavailableError struct {
	Credential string // e.g. "ManagedIdentityCredential"
	Reason     string // why it cannot be used
	Fix        string // what the user can do about it; may be empty
	Err        error  // underlying cause, if any
}

func (e *UnavailableError) Error() string {
	msg := e.Credential + ": unavailable: " + e.Reason
	if e.Fix != "" {
		msg += "; to fix: " + e.Fix
	}
	return msg
}

func (e *UnavailableError) Unwrap() error { return e.Err }

// AuthenticationError means a source is configured but the token request
// failed: wrong secret, unknown client, a refused identity, a broken
// endpoint. A chain stops here, because silently falling through to another
// identity would hide a misconfiguration and act as someone else.
type AuthenticationError struct {
	Credential string
	StatusCode int    // HTTP status, 0 when there was none
	Message    string // what the server or tool said, never a token or secret
	Err        error
}

func (e *AuthenticationError) Error() string {
	msg := e.Credential + ": authentication failed"
	if e.StatusCode != 0 {
		msg += fmt.Sprintf(" (HTTP %d)", e.StatusCode)
	}
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

func (e *AuthenticationError) Unwrap() error { return e.Err }

// IsUnavailable reports whether err says a source is unavailable rather
// than failing. A chain's error counts as unavailable only when every
// source in it was, so a chain nested in another chain behaves like one
// source.
func IsUnavailable(err error) bool {
	var c *ChainError
	if errors.As(err, &c) {
		return !c.Stopped
	}
	var u *UnavailableError
	return errors.As(err, &u)
}

func unavailable(cred, reason, fix string) *UnavailableError {
	return &UnavailableError{Credential: cred, Reason: reason, Fix: fix}
}
