package msi

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/fabric"
	"github.com/lanyardhq/lanyard/internal/store"
	"github.com/lanyardhq/lanyard/internal/tokens"
	"github.com/lanyardhq/lanyard/internal/tokens/tokentest"
)

const (
	testTenant = "8f2b2c44-1d2e-4f4e-9c3a-0a1b2c3d4e5f"
	testIssuer = "https://lanyard.test/" + testTenant + "/v2.0"
	testSub    = "00000000-0000-4000-8000-000000000001"
	rgPrefix   = "/subscriptions/" + testSub + "/resourceGroups/"
)

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

// env is a Service on the real SQLite store with real signing keys
// (tokentest).
type env struct {
	st       store.Store
	svc      *Service
	verifier *tokens.Verifier
	clock    *clock
	n        int // GUID counter
}

func newEnv(t testing.TB, alg string) *env {
	t.Helper()
	e := &env{clock: &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}}
	p := tokentest.New(t, tokentest.Config{IssuerURL: testIssuer, TenantID: testTenant, Alg: alg, Now: e.clock.now})
	e.st, e.verifier = p.Store, p.Verifier
	var err error
	e.svc, err = New(Config{Store: p.Store, Issuer: p.Issuer, Now: e.clock.now})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// guid returns a distinct, valid lower-case GUID.
func (e *env) guid() string {
	e.n++
	return fmt.Sprintf("%08x-0000-4000-8000-%012x", e.n, e.n)
}

func (e *env) update(t testing.TB, fn func(ctx context.Context, tx store.Tx) error) {
	t.Helper()
	ctx := context.Background()
	if err := e.st.Update(ctx, func(tx store.Tx) error { return fn(ctx, tx) }); err != nil {
		t.Fatal(err)
	}
}

// resource creates a resource as package resources does; system adds its
// system-assigned principal (ResourceID = the resource's ID), returned.
func (e *env) resource(t testing.TB, typ, rg, name, host string, system bool) (store.Resource, store.Principal) {
	t.Helper()
	now := e.clock.now()
	r := store.Resource{ID: rgPrefix + rg + "/providers/" + typ + "/" + name, Type: typ, SubscriptionID: testSub,
		ResourceGroup: rg, Name: name, Location: "local", Properties: json.RawMessage(`{}`),
		SystemAssigned: system, Host: host, CreatedAt: now, UpdatedAt: now}
	var p store.Principal
	if system || typ == typeUAI {
		p = store.Principal{ID: e.guid(), ClientID: e.guid(), Kind: store.KindManagedIdentity, IdentityType: store.SystemAssigned,
			ResourceID: r.ID, DisplayName: name, CreatedAt: now}
		if typ == typeUAI {
			p.IdentityType = store.UserAssigned
		}
	}
	e.update(t, func(ctx context.Context, tx store.Tx) error {
		if err := tx.CreateResource(ctx, r); err != nil {
			return err
		}
		if p.ID == "" {
			return nil
		}
		return tx.CreatePrincipal(ctx, p)
	})
	return r, p
}

func (e *env) attach(t testing.TB, resID, uaiID string) {
	t.Helper()
	e.update(t, func(ctx context.Context, tx store.Tx) error { return tx.AttachIdentity(ctx, resID, uaiID) })
}

func (e *env) disable(t testing.TB, principalID string) {
	t.Helper()
	e.update(t, func(ctx context.Context, tx store.Tx) error {
		return tx.UpdatePrincipal(ctx, principalID, func(p store.Principal) (store.Principal, error) {
			p.Disabled = true
			return p, nil
		})
	})
}

// verify checks tok with the real verifier and its claims against p.
func (e *env) verify(t testing.TB, tok fabric.Token, p store.Principal, aud string) {
	t.Helper()
	c, err := e.verifier.Verify(tok.AccessToken)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	want := tokens.Claims{Audience: aud, Issuer: testIssuer, ObjectID: p.ID, Subject: p.ID, TenantID: testTenant,
		AppID: p.ClientID, AuthorizedParty: p.ClientID, IdentityType: "app", Version: "2.0",
		AppDisplayName: p.DisplayName, ManagedIdentityResourceID: p.ResourceID}
	got := *c
	got.IssuedAt, got.NotBefore, got.Expires, got.UniqueTokenID = 0, 0, 0, ""
	if got != want {
		t.Errorf("claims:\n got %+v\nwant %+v", got, want)
	}
	if d := time.Unix(c.Expires, 0).Sub(time.Unix(c.NotBefore, 0)); d != DefaultLifetime {
		t.Errorf("lifetime %v, want %v", d, DefaultLifetime)
	}
	if !tok.ExpiresOn.Equal(time.Unix(c.Expires, 0)) || !tok.NotBefore.Equal(time.Unix(c.NotBefore, 0)) {
		t.Errorf("Token times %v..%v disagree with claims nbf %d exp %d", tok.NotBefore, tok.ExpiresOn, c.NotBefore, c.Expires)
	}
	if tok.Audience != aud || tok.PrincipalID != p.ID || tok.ClientID != p.ClientID || tok.MIResourceID != p.ResourceID {
		t.Errorf("Token fields %+v do not describe %+v", tok, p)
	}
}
