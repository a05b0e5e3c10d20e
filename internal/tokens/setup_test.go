package tokens

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/seal"
	"github.com/lanyardhq/lanyard/internal/signing"
	"github.com/lanyardhq/lanyard/internal/store"
	"github.com/lanyardhq/lanyard/internal/store/sqlite"
)

const (
	testTenant   = "8f2b2c44-1d2e-4f4e-9c3a-0a1b2c3d4e5f"
	testAppID    = "11111111-2222-4333-8444-555555555555"
	testAppOID   = "aaaaaaaa-2222-4333-8444-555555555555"
	testSecret   = "s3cr3t~value+with/odd=chars"
	testUserOID  = "bbbbbbbb-2222-4333-8444-555555555555"
	testUserName = "alice@lanyard.local"
	testPassword = "correct horse"
)

// newKeysStore is the real embedded store, for its Keys.
func newKeysStore(t testing.TB) store.Keys {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "keys.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// testAuth knows one app and one user.
type testAuth struct{ calls int }

func (a *testAuth) AuthenticateUser(_ context.Context, user, pass string) (store.Principal, error) {
	a.calls++
	if strings.EqualFold(user, testUserName) && pass == testPassword {
		return store.Principal{ID: testUserOID, Kind: store.KindUser, UserName: testUserName, DisplayName: "Alice"}, nil
	}
	if user == "broken@lanyard.local" {
		return store.Principal{}, context.DeadlineExceeded
	}
	return store.Principal{}, ErrInvalidCredentials
}

func (a *testAuth) AuthenticateClientSecret(_ context.Context, clientID, secret string) (store.Principal, error) {
	a.calls++
	if clientID == testAppID && secret == testSecret {
		return store.Principal{ID: testAppOID, Kind: store.KindServicePrincipal, ClientID: testAppID, DisplayName: "build-bot"}, nil
	}
	return store.Principal{}, ErrInvalidCredentials
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type env struct {
	srv      *httptest.Server
	keys     *signing.KeySet
	issuer   *Issuer
	verifier *Verifier
	auth     *testAuth
	clock    *clock
}

func newKeySet(t testing.TB, alg string, now func() time.Time) *signing.KeySet {
	s, err := seal.New(bytes.Repeat([]byte{9}, seal.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	ks := signing.New(newKeysStore(t), s, alg, now)
	if err := ks.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	return ks
}

// newEnv starts the real handler on a TLS test server. The clock is real
// time unless advanced, because azidentity checks expiry with its own clock.
func newEnv(t testing.TB, alg string) *env {
	e := &env{auth: &testAuth{}, clock: &clock{t: time.Now()}}
	e.keys = newKeySet(t, alg, e.clock.now)
	mux := http.NewServeMux()
	e.srv = httptest.NewUnstartedServer(mux)
	e.srv.StartTLS()
	t.Cleanup(e.srv.Close)
	iss := IssuerURL(e.srv.URL, testTenant)
	e.issuer = NewIssuer(e.keys, iss, testTenant, e.clock.now)
	e.verifier = NewVerifier(e.keys, iss, e.clock.now)
	NewHandler(Config{BaseURL: e.srv.URL, TenantID: testTenant, Issuer: e.issuer, Keys: e.keys, Auth: e.auth, Now: e.clock.now}).Routes(mux)
	return e
}
