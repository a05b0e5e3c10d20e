package tokenauth

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/signing"
	"github.com/lanyardhq/lanyard/internal/tokens"
)

// TestKeyRotation rotates the issuer's signing key while requests run: a
// token under the new kid is accepted after exactly one refetch, and
// unknown kids cause at most one fetch per RefreshInterval.
func TestKeyRotation(t *testing.T) {
	ti := newTestIssuer(t, signing.RS256)
	a := ti.authenticator(t, func(o *Options) { o.RefreshInterval = time.Minute })
	ctx := context.Background()
	old := ti.token(t, tokens.Claims{})
	if _, err := a.Verify(ctx, old); err != nil {
		t.Fatal(err)
	}
	if got := ti.jwksHits.Load(); got != 1 {
		t.Fatalf("JWKS fetched %d times at start, want 1", got)
	}

	if err := ti.Keys.Rotate(ctx); err != nil {
		t.Fatal(err)
	}
	ti.publish()
	ti.clock.Advance(2 * time.Minute) // the start-up fetch is older than the interval
	fresh := ti.token(t, tokens.Claims{})
	if h1, _, _ := segments(t, fresh); h1["kid"] == mustKid(t, old) {
		t.Fatal("rotation did not change the signing key")
	}

	// Many requests with the new kid at once: one fetch serves them all.
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for range 32 {
		wg.Go(func() {
			_, err := a.Verify(ctx, fresh)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("new-key token: %v", err)
		}
	}
	if got := ti.jwksHits.Load(); got != 2 {
		t.Fatalf("JWKS fetched %d times after rotation, want 2", got)
	}
	if _, err := a.Verify(ctx, old); err != nil {
		t.Fatalf("the old key is still published, its token must verify: %v", err)
	}

	// A forged kid: refused; repeated within the interval, no new fetch.
	h, p, _ := segments(t, fresh)
	h["kid"] = "forged"
	forged := forge(h, p, make([]byte, 256))
	for range 5 {
		var te *TokenError
		if _, err := a.Verify(ctx, forged); !errors.As(err, &te) || te.Description != "the token is signed with an unknown key" {
			t.Fatalf("forged kid: %v", err)
		}
	}
	if got := ti.jwksHits.Load(); got != 2 {
		t.Fatalf("JWKS fetched %d times for unknown kids within the interval, want still 2", got)
	}
	ti.clock.Advance(time.Minute + time.Second)
	for range 5 {
		_, _ = a.Verify(ctx, forged)
	}
	if got := ti.jwksHits.Load(); got != 3 {
		t.Fatalf("JWKS fetched %d times after the interval, want 3 (one more)", got)
	}
	if got := ti.discovery.Load(); got != 1 {
		t.Fatalf("discovery fetched %d times, want 1", got)
	}
}

// TestKeysRefreshWhenOld: a key the issuer withdrew stops verifying once
// the cached set is older than KeyMaxAge, without any unknown kid.
func TestKeysRefreshWhenOld(t *testing.T) {
	ti := newTestIssuer(t, signing.RS256)
	a := ti.authenticator(t, func(o *Options) { o.KeyMaxAge = 10 * time.Minute })
	ctx := context.Background()
	tok := ti.token(t, tokens.Claims{})
	empty := []byte(`{"keys":[{"kty":"EC","kid":"other","crv":"P-256","x":"` + "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4" + `","y":"` + "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM" + `"}]}`)
	ti.jwks.Store(&empty)
	ti.clock.Advance(11 * time.Minute)
	if _, err := a.Verify(ctx, tok); err != nil {
		t.Fatalf("the known key still serves while the refresh runs: %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err := a.Verify(ctx, tok)
		if err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a withdrawn key still verifies after KeyMaxAge")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if got := ti.jwksHits.Load(); got != 2 {
		t.Fatalf("JWKS fetched %d times, want 2", got)
	}
}

func mustKid(t testing.TB, raw string) any {
	h, _, _ := segments(t, raw)
	return h["kid"]
}
