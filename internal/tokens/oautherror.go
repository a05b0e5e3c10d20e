package tokens

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"time"
)

// oauthError is a client-visible OAuth error in Entra's shape. Err, if set,
// is the logged cause and is never sent.
type oauthError struct {
	Status      int
	Code        string // OAuth error: invalid_request, invalid_client, …
	AADSTS      int
	Description string
	Err         error
}

func (e *oauthError) Error() string {
	return fmt.Sprintf("%s: AADSTS%d: %s: %v", e.Code, e.AADSTS, e.Description, e.Err)
}

func (e *oauthError) Unwrap() error { return e.Err }

func badRequest(code string, aadsts int, format string, args ...any) *oauthError {
	return &oauthError{Status: http.StatusBadRequest, Code: code, AADSTS: aadsts, Description: fmt.Sprintf(format, args...)}
}

func missingParam(name string) *oauthError {
	return badRequest("invalid_request", 900144, "The request body must contain the following parameter: '%s'.", name)
}

var guidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// writeOAuthError renders e as Entra does, with a trace ID that also
// appears in the log line so an operator can find the cause.
func writeOAuthError(w http.ResponseWriter, r *http.Request, e *oauthError, now time.Time) {
	trace := newGUID()
	corr := r.Header.Get("Client-Request-Id")
	if !guidRE.MatchString(corr) {
		corr = newGUID()
	}
	ts := now.UTC().Format("2006-01-02 15:04:05Z")
	level := slog.LevelInfo
	if e.Status >= 500 {
		level = slog.LevelError
	}
	slog.Log(r.Context(), level, "token request refused", "error", e.Code, "aadsts", e.AADSTS, "cause", e.Err, "trace_id", trace)
	body := map[string]any{
		"error":             e.Code,
		"error_description": fmt.Sprintf("AADSTS%d: %s Trace ID: %s Correlation ID: %s Timestamp: %s", e.AADSTS, e.Description, trace, corr, ts),
		"error_codes":       []int{e.AADSTS},
		"timestamp":         ts,
		"trace_id":          trace,
		"correlation_id":    corr,
	}
	if e.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="lanyard"`)
	}
	writeJSON(w, e.Status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func newGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
