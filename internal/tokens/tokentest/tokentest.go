package tokentest

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/seal"
	"github.com/lanyardhq/lanyard/internal/signing"
	"github.com/lanyardhq/lanyard/internal/store"
	"github.com/lanyardhq/lanyard/internal/store/sqlite"
	"github.com/lanyardhq/lanyard/internal/tokens"
)

// Config says which token service to build; only IssuerURL and TenantID
// have no default.
type Config struct {
	IssuerURL string // e.g. tokens.IssuerURL(srv.URL, tenant)
	TenantID  string
	// Path is the SQLite file; "" is a new one in t.TempDir(). Tests that
	// inspect the database name it.
	Path string
	Alg  string           // signing algorithm; "" is ES256
	Now  func() time.Time // nil is time.Now; a fake clock drives expiry tests
}

// Parts is a token service without its HTTP front, on the real store.
type Parts struct {
	Store    store.Store
	Sealer   *seal.Sealer
	Keys     *signing.KeySet
	Issuer   *tokens.Issuer
	Verifier *tokens.Verifier
}

// sealKey is a fixed test key: these databases hold nothing worth sealing.
var sealKey = bytes.Repeat([]byte{7}, seal.KeySize)

// New opens the store (closed when t ends), loads a keyset on it and
// returns it with an issuer and a verifier for c.IssuerURL. Any failure
// ends the test.
func New(t testing.TB, c Config) *Parts {
	t.Helper()
	if c.Path == "" {
		c.Path = filepath.Join(t.TempDir(), "lanyard.db")
	}
	if c.Alg == "" {
		c.Alg = signing.ES256
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	st, err := sqlite.Open(c.Path)
	if err != nil {
		t.Fatalf("tokentest: open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	sl, err := seal.New(sealKey)
	if err != nil {
		t.Fatalf("tokentest: sealer: %v", err)
	}
	keys := signing.New(st, sl, c.Alg, c.Now)
	if err := keys.Load(context.Background()); err != nil {
		t.Fatalf("tokentest: load keys: %v", err)
	}
	return &Parts{
		Store:    st,
		Sealer:   sl,
		Keys:     keys,
		Issuer:   tokens.NewIssuer(keys, c.IssuerURL, c.TenantID, c.Now),
		Verifier: tokens.NewVerifier(keys, c.IssuerURL, c.Now),
	}
}

// Mint returns a signed token with claims, valid for an hour.
func (p *Parts) Mint(t testing.TB, claims tokens.Claims) string {
	t.Helper()
	raw, _, err := p.Issuer.Mint(claims, time.Hour)
	if err != nil {
		t.Fatalf("tokentest: mint: %v", err)
	}
	return raw
}

// AppToken is Mint for the common case: an app-only token for the
// principal oid, for audience aud.
func (p *Parts) AppToken(t testing.TB, oid, aud string) string {
	t.Helper()
	return p.Mint(t, tokens.Claims{Audience: aud, ObjectID: oid, Subject: oid, IdentityType: tokens.IdentityApp})
}
