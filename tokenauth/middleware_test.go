package tokenauth

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lanyardhq/lanyard/internal/signing"
	"github.com/lanyardhq/lanyard/internal/tokens"
)

func TestMiddleware(t *testing.T) {
	ti := newTestIssuer(t, signing.RS256)
	a := ti.authenticator(t, nil)
	var seen *Principal
	h := a.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen, _ = FromContext(r.Context())
		w.WriteHeader(http.StatusNoContent)
	}))
	valid := ti.token(t, tokens.Claims{})
	wrongAud := ti.token(t, tokens.Claims{Audience: "api://other"})

	tests := []struct {
		name        string
		headers     []string
		wantStatus  int
		wantError   string // error in the JSON body and the challenge; "" for no token
		wantPassing bool
	}{
		{"valid", []string{"Bearer " + valid}, http.StatusNoContent, "", true},
		{"lower-case scheme", []string{"bearer " + valid}, http.StatusNoContent, "", true},
		{"no header", nil, http.StatusUnauthorized, "", false},
		{"basic scheme", []string{"Basic " + valid}, http.StatusUnauthorized, "", false},
		{"empty bearer", []string{"Bearer "}, http.StatusUnauthorized, "", false},
		{"two headers", []string{"Bearer " + valid, "Bearer " + valid}, http.StatusUnauthorized, "", false},
		{"wrong audience", []string{"Bearer " + wrongAud}, http.StatusUnauthorized, "invalid_token", false},
		{"garbage", []string{"Bearer not.a.token"}, http.StatusUnauthorized, "invalid_token", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen = nil
			r := httptest.NewRequest(http.MethodGet, "/orders", nil)
			for _, v := range tt.headers {
				r.Header.Add("Authorization", v)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tt.wantStatus || (seen != nil) != tt.wantPassing {
				t.Fatalf("status %d (principal %v), want %d; body %s", w.Code, seen, tt.wantStatus, w.Body)
			}
			if tt.wantPassing {
				if seen.ObjectID != testOID {
					t.Fatalf("principal = %+v", seen)
				}
				return
			}
			ch := w.Header().Get("WWW-Authenticate")
			if !strings.HasPrefix(ch, "Bearer") || (tt.wantError != "") != strings.Contains(ch, `error="invalid_token"`) {
				t.Fatalf("WWW-Authenticate = %q", ch)
			}
			var body errorBody
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.Error == "" || body.ErrorDescription == "" {
				t.Fatalf("body %q: %v", w.Body, err)
			}
			for _, v := range tt.headers {
				if tok := strings.TrimPrefix(strings.TrimPrefix(v, "Bearer "), "Basic "); len(tok) > 8 &&
					(strings.Contains(w.Body.String(), tok) || strings.Contains(ch, tok)) {
					t.Fatal("the response echoes the token")
				}
			}
		})
	}
}
