package tokenauth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/tokens"
	"github.com/lanyardhq/lanyard/internal/tokens/tokentest"
)

const (
	testTenant   = "11111111-2222-3333-4444-555555555555"
	testAudience = "api://orders"
	testOID      = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
)

// clock is a fake clock shared by the issuer and the Authenticator.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// testIssuer is Lanyard's real token issuer and key set (tokentest) behind
// an httptest server that serves discovery and the JWKS the way
// internal/tokens does, with the JWKS it serves under the test's control.
type testIssuer struct {
	*tokentest.Parts
	srv       *httptest.Server
	url       string
	clock     *clock
	jwks      atomic.Pointer[[]byte]
	jwksHits  atomic.Int64
	discovery atomic.Int64
}

func newTestIssuer(t testing.TB, alg string) *testIssuer {
	t.Helper()
	ti := &testIssuer{clock: &clock{t: time.Now()}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{tenant}/v2.0/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		ti.discovery.Add(1)
		base := ti.srv.URL + "/" + r.PathValue("tenant")
		_ = json.NewEncoder(w).Encode(map[string]any{"issuer": ti.url, "jwks_uri": base + "/discovery/v2.0/keys"})
	})
	mux.HandleFunc("GET /{tenant}/discovery/v2.0/keys", func(w http.ResponseWriter, r *http.Request) {
		ti.jwksHits.Add(1)
		_, _ = w.Write(*ti.jwks.Load())
	})
	ti.srv = httptest.NewServer(mux)
	t.Cleanup(ti.srv.Close)
	ti.url = tokens.IssuerURL(ti.srv.URL, testTenant)
	ti.Parts = tokentest.New(t, tokentest.Config{IssuerURL: ti.url, TenantID: testTenant, Alg: alg, Now: ti.clock.Now})
	ti.publish()
	return ti
}

// publish makes the JWKS endpoint serve the key set's current keys.
func (ti *testIssuer) publish() {
	b := ti.Keys.JWKS()
	ti.jwks.Store(&b)
}

func (ti *testIssuer) token(t testing.TB, c tokens.Claims) string {
	t.Helper()
	if c.Audience == "" {
		c.Audience = testAudience
	}
	if c.ObjectID == "" {
		c.ObjectID = testOID
	}
	return ti.Mint(t, c)
}

func (ti *testIssuer) authenticator(t testing.TB, mod func(*Options)) *Authenticator {
	t.Helper()
	o := Options{Issuer: ti.url, Audiences: []string{testAudience}, HTTPClient: ti.srv.Client(), Now: ti.clock.Now}
	if mod != nil {
		mod(&o)
	}
	a, err := New(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// forge assembles a compact JWS from parts chosen by the test.
func forge(header, payload any, sig []byte) string {
	h, _ := json.Marshal(header)
	p, _ := json.Marshal(payload)
	enc := base64.RawURLEncoding.EncodeToString
	return enc(h) + "." + enc(p) + "." + enc(sig)
}

// segments splits a token and decodes its header and payload.
func segments(t testing.TB, raw string) (header, payload map[string]any, sig string) {
	t.Helper()
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWS: %d parts", len(parts))
	}
	for i, v := range []*map[string]any{&header, &payload} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatal(err)
		}
	}
	return header, payload, parts[2]
}
