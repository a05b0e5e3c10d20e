package vault

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
)

// apiError is a failure as Key Vault renders it. msg is client-visible;
// cause is for the log only and never sent.
type apiError struct {
	status int
	code   string
	msg    string
	inner  string // innererror.code, if any
	cause  error
}

func (e *apiError) Error() string {
	if e.cause != nil {
		return fmt.Sprintf("%s: %s: %v", e.code, e.msg, e.cause)
	}
	return e.code + ": " + e.msg
}

func (e *apiError) Unwrap() error { return e.cause }

func errorf(status int, code, format string, a ...any) *apiError {
	return &apiError{status: status, code: code, msg: fmt.Sprintf(format, a...)}
}

func badParameter(format string, a ...any) *apiError {
	return errorf(http.StatusBadRequest, "BadParameter", format, a...)
}

// internal hides cause from the client.
func internal(cause error) *apiError {
	return &apiError{status: http.StatusInternalServerError, code: "InternalServerError",
		msg: "The service encountered an internal error.", cause: cause}
}

func secretNotFound(name, version string) *apiError {
	return errorf(http.StatusNotFound, "SecretNotFound",
		"A secret with (name/version) = (%s/%s) was not found in this key vault. If you recently deleted "+
			"this secret you may be able to recover it using the correct recovery command.", name, version)
}

func deletedSecretNotFound(name string) *apiError {
	return errorf(http.StatusNotFound, "SecretNotFound", "Deleted Secret not found: %s", name)
}

type errorBody struct {
	Error errorJSON `json:"error"`
}

type errorJSON struct {
	Code       string     `json:"code"`
	Message    string     `json:"message"`
	InnerError *innerJSON `json:"innererror,omitempty"`
}

type innerJSON struct {
	Code string `json:"code"`
}

// writeError renders err, the one place errors reach the wire. Anything
// that is not an *apiError is an internal error.
func writeError(w http.ResponseWriter, err error) {
	e, ok := err.(*apiError)
	if !ok {
		e = internal(err)
	}
	if e.cause != nil {
		slog.Error("vault: request failed", "code", e.code, "err", e.cause)
	}
	body := errorBody{Error: errorJSON{Code: e.code, Message: e.msg}}
	if e.inner != "" {
		body.Error.InnerError = &innerJSON{Code: e.inner}
	}
	writeJSON(w, e.status, body)
}

// writeJSON writes v without a BOM (the SDK's decoder rejects one).
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":{"code":"InternalServerError","message":"The service encountered an internal error."}}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store") // bodies may hold secret values
	w.WriteHeader(status)
	w.Write(b)
}
