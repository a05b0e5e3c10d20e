package tokenauth

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/lanyardhq/lanyard/internal/signing"
	"github.com/lanyardhq/lanyard/internal/tokens"
)

// BenchmarkMiddleware is the per-request cost of Middleware with warm key
// cache: parse, RS256 signature check, claims, context. Goal < 100 µs.
func BenchmarkMiddleware(b *testing.B) {
	ti := newTestIssuer(b, signing.RS256)
	a := ti.authenticator(b, nil)
	h := a.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	r := httptest.NewRequest(http.MethodGet, "/orders", nil)
	r.Header.Set("Authorization", "Bearer "+ti.token(b, tokens.Claims{AppID: "client", Scope: "orders.read"}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		b.Fatalf("status %d: %s", w.Code, w.Body)
	}
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(w, r)
	}
}
