package directory

import (
	"fmt"
	"net/http"

	"github.com/lanyardhq/lanyard/internal/store"
	"github.com/lanyardhq/lanyard/internal/tokens"
)

// ErrInvalidCredentials is returned for every failed sign-in: wrong
// password or secret, unknown user or client, disabled or expired account or
// credential. Callers must not learn which, so there is only one error. It
// is the token service's sentinel, so the token endpoint can tell a refused
// sign-in (OAuth invalid_grant/invalid_client) from a server failure.
var ErrInvalidCredentials = tokens.ErrInvalidCredentials

// Graph error codes (docs/rest-api.md).
const (
	codeBadRequest = "Request_BadRequest"
	codeNotFound   = "Request_ResourceNotFound"
	codeDenied     = "Authorization_RequestDenied"
	codeConflict   = "Conflict"
)

// Error is a client-visible directory error in Graph's vocabulary. It
// implements arm.Coder, so arm.WriteError renders it without this package's
// callers knowing about it.
type Error struct {
	Status  int
	Code    string
	Message string
	Err     error // cause, for errors.Is (store.ErrNotFound, store.ErrConflict)
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func (e *Error) Unwrap() error { return e.Err }

// ARMError implements arm.Coder.
func (e *Error) ARMError() (int, string, string) { return e.Status, e.Code, e.Message }

func badRequest(format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: codeBadRequest, Message: fmt.Sprintf(format, args...)}
}

func notFound(id string) *Error {
	return &Error{Status: http.StatusNotFound, Code: codeNotFound, Err: store.ErrNotFound,
		Message: fmt.Sprintf("Resource '%s' does not exist or one of its queried reference-property objects are not present.", id)}
}

func conflict(format string, args ...any) *Error {
	return &Error{Status: http.StatusConflict, Code: codeConflict, Err: store.ErrConflict, Message: fmt.Sprintf(format, args...)}
}
