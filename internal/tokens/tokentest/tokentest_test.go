package tokentest

import (
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/signing"
)

const (
	tenant = "8f2b2c44-1d2e-4f4e-9c3a-0a1b2c3d4e5f"
	oid    = "aaaaaaaa-2222-4333-8444-555555555555"
	aud    = "https://vault.azure.net"
)

func TestPartsMintAndVerify(t *testing.T) {
	for _, alg := range []string{signing.ES256, signing.RS256} {
		t.Run(alg, func(t *testing.T) {
			now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
			clock := func() time.Time { return now }
			p := New(t, Config{IssuerURL: "https://lanyard.test/" + tenant + "/v2.0", TenantID: tenant, Alg: alg, Now: clock})
			tok := p.AppToken(t, oid, aud)
			c, err := p.Verifier.Verify(tok)
			if err != nil {
				t.Fatal(err)
			}
			if c.ObjectID != oid || c.Subject != oid || c.Audience != aud || c.TenantID != tenant {
				t.Fatalf("claims %+v", c)
			}
			if got := time.Unix(c.Expires, 0); !got.Equal(now.Add(time.Hour)) {
				t.Fatalf("expires %v, want an hour after %v", got, now)
			}
			// The injected clock drives expiry, for issuer and verifier alike.
			now = now.Add(2 * time.Hour)
			if _, err := p.Verifier.Verify(tok); err == nil {
				t.Fatal("token accepted an hour after it expired")
			}
			if _, err := p.Verifier.Verify(p.AppToken(t, oid, aud)); err != nil {
				t.Fatalf("fresh token after the clock moved: %v", err)
			}
		})
	}
}

func TestOtherIssuerRefused(t *testing.T) {
	a := New(t, Config{IssuerURL: "https://a.test/" + tenant + "/v2.0", TenantID: tenant})
	b := New(t, Config{IssuerURL: "https://b.test/" + tenant + "/v2.0", TenantID: tenant})
	if _, err := b.Verifier.Verify(a.AppToken(t, oid, aud)); err == nil {
		t.Fatal("b's verifier accepted a token from a's issuer and keys")
	}
}
