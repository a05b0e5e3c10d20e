package tokenauth

import (
	"encoding/json"
	"net/http"
	"strings"
)

// errorBody is the JSON every refusal carries, shaped as RFC 6750's
// WWW-Authenticate parameters so clients read one vocabulary.
type errorBody struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

// writeUnauthorized answers 401. code is "" when no token was sent, as
// RFC 6750 §3.1 asks; desc is one of our fixed sentences, never input.
func writeUnauthorized(w http.ResponseWriter, code, desc string) {
	challenge := `Bearer`
	if code != "" {
		challenge += ` error="` + code + `", error_description="` + quoteSafe(desc) + `"`
	}
	w.Header().Set("WWW-Authenticate", challenge)
	if code == "" {
		code = "invalid_request"
	}
	writeJSONError(w, http.StatusUnauthorized, code, desc)
}

func writeJSONError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(errorBody{Error: code, ErrorDescription: desc})
}

// quoteSafe drops the characters that would end a quoted header value.
func quoteSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '"' || r == '\\' || r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
}
