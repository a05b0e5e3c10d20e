package arm

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/lanyardhq/lanyard/internal/store"
)

// Error is a client-visible ARM error. Err, if set, is the cause, which is
// logged but never sent.
type Error struct {
	Status  int
	Code    string
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Coder is implemented by domain errors that know their ARM rendering
// (for example rbac's denial), so packages need not import arm to fail well.
type Coder interface {
	ARMError() (status int, code, message string)
}

// Errorf builds an *Error.
func Errorf(status int, code, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// Common errors.
func BadRequest(code, format string, args ...any) *Error {
	return Errorf(http.StatusBadRequest, code, format, args...)
}

func NotFound(format string, args ...any) *Error {
	return Errorf(http.StatusNotFound, "ResourceNotFound", format, args...)
}

type body struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// WriteError renders err as ARM does. *Error and Coder values keep their
// status and code; store.ErrNotFound becomes 404 ResourceNotFound,
// store.ErrConflict 409 Conflict; anything else is a 500 whose cause is
// logged and not shown.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	var b body
	status := http.StatusInternalServerError
	var ae *Error
	var coder Coder
	switch {
	case errors.As(err, &ae):
		status, b.Error.Code, b.Error.Message = ae.Status, ae.Code, ae.Message
		if ae.Err != nil && status >= 500 {
			slog.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", ae.Err)
		}
	case errors.As(err, &coder):
		status, b.Error.Code, b.Error.Message = coder.ARMError()
	case errors.Is(err, store.ErrNotFound):
		status, b.Error.Code, b.Error.Message = http.StatusNotFound, "ResourceNotFound", "The resource was not found."
	case errors.Is(err, store.ErrConflict):
		status, b.Error.Code, b.Error.Message = http.StatusConflict, "Conflict", "The request conflicts with the current state of the resource."
	default:
		slog.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		b.Error.Code, b.Error.Message = "InternalServerError", "The server encountered an internal error; it has been logged."
	}
	WriteJSON(w, status, b)
}

// WriteJSON writes v as JSON (no BOM, as the Azure SDKs require).
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	if v != nil {
		_ = json.NewEncoder(w).Encode(v)
	}
}
