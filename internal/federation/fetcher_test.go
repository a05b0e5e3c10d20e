package federation

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// testIssuer serves discovery and a JWKS; its answers can be changed.
type testIssuer struct {
	srv       *httptest.Server
	kid       atomic.Value // string
	issuer    atomic.Value // string: the issuer the document claims ("" = its own URL)
	jwksFetch atomic.Int64
	bigJWKS   atomic.Bool
}

func newTestIssuer(t *testing.T) *testIssuer {
	ti := &testIssuer{}
	ti.kid.Store("k1")
	ti.issuer.Store("")
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		iss := ti.issuer.Load().(string)
		if iss == "" {
			iss = ti.srv.URL
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"issuer": iss, "jwks_uri": ti.srv.URL + "/jwks"})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		ti.jwksFetch.Add(1)
		w.Header().Set("Content-Type", "application/json")
		if ti.bigJWKS.Load() {
			w.Write([]byte(`{"keys":[],"pad":"` + strings.Repeat("x", MaxDocument) + `"}`))
			return
		}
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: ti.kid.Load().(string), Use: "sig"}}})
	})
	ti.srv = httptest.NewTLSServer(mux)
	t.Cleanup(ti.srv.Close)
	return ti
}

type fakeClock struct{ t atomic.Int64 }

func (c *fakeClock) now() time.Time      { return time.Unix(0, c.t.Load()) }
func (c *fakeClock) add(d time.Duration) { c.t.Add(int64(d)) }
func newFetcher(t *testing.T, ti *testIssuer, c *fakeClock) *Fetcher {
	f, err := New(Config{ExtraRoots: []*x509.Certificate{ti.srv.Certificate()}, Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestKeyCachingAndRefetch(t *testing.T) {
	ti := newTestIssuer(t)
	c := &fakeClock{}
	c.t.Store(time.Now().UnixNano())
	f := newFetcher(t, ti, c)
	ctx := t.Context()
	step := func(kid string, wantErr error, wantFetches int64) {
		t.Helper()
		_, err := f.Key(ctx, ti.srv.URL, kid)
		if !errors.Is(err, wantErr) && !(wantErr == nil && err == nil) {
			t.Fatalf("Key(%s) = %v, want %v", kid, err, wantErr)
		}
		if n := ti.jwksFetch.Load(); n != wantFetches {
			t.Fatalf("after Key(%s): %d JWKS fetches, want %d", kid, n, wantFetches)
		}
	}
	step("k1", nil, 1)
	step("k1", nil, 1)           // cached
	step("k2", ErrUnknownKey, 1) // unknown, but fetched less than a minute ago
	ti.kid.Store("k2")           // the issuer rotates
	c.add(61 * time.Second)
	step("k2", nil, 2) // refetched once on the unknown kid
	step("k1", ErrUnknownKey, 2)
	c.add(2 * DefaultTTL)
	step("k2", nil, 3) // TTL passed
}

func TestKeyRefusesBadIssuers(t *testing.T) {
	ti := newTestIssuer(t)
	c := &fakeClock{}
	c.t.Store(time.Now().UnixNano())
	for _, tc := range []struct {
		name, issuer string
		setup        func()
	}{
		{"plain http", strings.Replace(ti.srv.URL, "https", "http", 1), nil},
		{"fragment", ti.srv.URL + "#x", nil},
		{"document names another issuer", ti.srv.URL, func() { ti.issuer.Store("https://accounts.example.com") }},
		{"oversized JWKS", ti.srv.URL, func() { ti.bigJWKS.Store(true) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ti.issuer.Store("")
			ti.bigJWKS.Store(false)
			if tc.setup != nil {
				tc.setup()
			}
			_, err := newFetcher(t, ti, c).Key(t.Context(), tc.issuer, "k1")
			if !errors.Is(err, ErrIssuer) {
				t.Fatalf("got %v, want ErrIssuer", err)
			}
		})
	}
	// An untrusted TLS certificate is refused.
	f, _ := New(Config{Now: c.now})
	if _, err := f.Key(t.Context(), ti.srv.URL, "k1"); !errors.Is(err, ErrIssuer) {
		t.Fatalf("untrusted server: %v", err)
	}
}

func TestCredentialNormalize(t *testing.T) {
	long := strings.Repeat("s", MaxSubject+1)
	for _, tc := range []struct {
		name string
		c    Credential
		ok   bool
	}{
		{"defaults audience", Credential{Name: "gh-main", Issuer: "https://token.actions.githubusercontent.com", Subject: "repo:o/r:ref:refs/heads/main"}, true},
		{"http issuer", Credential{Name: "abc", Issuer: "http://issuer", Subject: "s"}, false},
		{"relative issuer", Credential{Name: "abc", Issuer: "issuer/x", Subject: "s"}, false},
		{"query in issuer", Credential{Name: "abc", Issuer: "https://i/?a=b", Subject: "s"}, false},
		{"empty subject", Credential{Name: "abc", Issuer: "https://i", Subject: ""}, false},
		{"long subject", Credential{Name: "abc", Issuer: "https://i", Subject: long}, false},
		{"two audiences", Credential{Name: "abc", Issuer: "https://i", Subject: "s", Audiences: []string{"a", "b"}}, false},
		{"bad name", Credential{Name: "a/b", Issuer: "https://i", Subject: "s"}, false},
		{"short name", Credential{Name: "ab", Issuer: "https://i", Subject: "s"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.c.Normalize()
			var ve *ValidationError
			if tc.ok != (err == nil) || err != nil && !errors.As(err, &ve) {
				t.Fatalf("Normalize = %v", err)
			}
			if tc.ok && tc.c.Audiences[0] != DefaultAudience {
				t.Fatalf("audiences %v", tc.c.Audiences)
			}
		})
	}
}
