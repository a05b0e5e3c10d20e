package msi

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/fabric"
	"github.com/lanyardhq/lanyard/internal/store"
)

func TestTokenCacheHalfLife(t *testing.T) {
	e := newEnv(t, "RS256")
	w := newWorld(t, e)
	ctx := context.Background()
	f := e.svc.For(w.vm1.ID)
	get := func(req fabric.TokenRequest) fabric.Token {
		t.Helper()
		tok, err := f.Token(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	sys := fabric.TokenRequest{Resource: w.siteA.ID, Audience: storage}
	first := get(sys)
	e.clock.add(time.Hour)
	if got := get(sys); got.AccessToken != first.AccessToken {
		t.Error("second call minted a new token; want the cached one")
	}
	// The same identity selected another way shares the entry.
	if got := get(fabric.TokenRequest{Resource: w.siteA.ID, Audience: storage, ObjectID: w.sysA.ID}); got.AccessToken != first.AccessToken {
		t.Error("the same identity by object_id got another token")
	}
	if got := get(fabric.TokenRequest{Resource: w.siteA.ID, Audience: storage + "/"}); got.AccessToken == first.AccessToken {
		t.Error("another audience got the cached token")
	}
	if got := get(fabric.TokenRequest{Resource: w.siteA.ID, Audience: storage, ClientID: w.uai1.ClientID}); got.AccessToken == first.AccessToken {
		t.Error("another identity got the cached token")
	}
	e.clock.add(DefaultLifetime/2 - time.Hour - time.Second)
	if got := get(sys); got.AccessToken != first.AccessToken {
		t.Error("just before half-life: want the cached token")
	}
	e.clock.add(time.Second)
	second := get(sys)
	if second.AccessToken == first.AccessToken {
		t.Fatal("at half-life: want a new token")
	}
	e.verify(t, second, w.sysA, storage)
	if !second.ExpiresOn.Equal(e.clock.now().Add(DefaultLifetime)) {
		t.Errorf("new token expires %v, want now+24h", second.ExpiresOn)
	}
}

// Authorization is decided before the cache: taking the identity away stops
// issuance at once even with a cached token.
func TestTokenRevocationBeatsCache(t *testing.T) {
	e := newEnv(t, "ES256")
	w := newWorld(t, e)
	ctx := context.Background()
	f := e.svc.For(w.vm1.ID)
	uai := fabric.TokenRequest{Resource: w.siteA.ID, Audience: storage, ClientID: w.uai1.ClientID}
	sys := fabric.TokenRequest{Resource: w.siteA.ID, Audience: storage}
	for _, req := range []fabric.TokenRequest{uai, sys} {
		if _, err := f.Token(ctx, req); err != nil {
			t.Fatal(err)
		}
	}
	steps := []struct {
		name   string
		change func(ctx context.Context, tx store.Tx) error
		req    fabric.TokenRequest
		host   string
		code   string
	}{
		{"detach", func(ctx context.Context, tx store.Tx) error { return tx.DetachIdentity(ctx, w.siteA.ID, w.uai1Res.ID) },
			uai, w.vm1.ID, fabric.CodeIdentityNotFound},
		{"disable system identity", func(ctx context.Context, tx store.Tx) error {
			return tx.UpdatePrincipal(ctx, w.sysA.ID, func(p store.Principal) (store.Principal, error) { p.Disabled = true; return p, nil })
		}, sys, w.vm1.ID, fabric.CodeIdentityNotFound},
		{"move app to another host", func(ctx context.Context, tx store.Tx) error {
			return tx.UpdateResource(ctx, w.siteA.ID, func(r store.Resource) (store.Resource, error) { r.Host = w.vm2.ID; return r, nil })
		}, sys, w.vm1.ID, fabric.CodeResourceNotFound},
	}
	for _, s := range steps {
		e.update(t, s.change)
		_, err := e.svc.For(s.host).Token(ctx, s.req)
		if code := codeOf(err); code != s.code {
			t.Errorf("after %s: code %q (%v), want %q", s.name, code, err, s.code)
		}
	}
}

// Concurrent misses for one key sign once: every caller gets the same token.
func TestTokenSingleFlight(t *testing.T) {
	e := newEnv(t, "RS256")
	w := newWorld(t, e)
	f := e.svc.For(w.vm1.ID)
	const n = 16
	got := make([]string, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			tok, err := f.Token(context.Background(), fabric.TokenRequest{Resource: w.siteA.ID, Audience: storage})
			if err != nil {
				t.Error(err)
			}
			got[i] = tok.AccessToken
		})
	}
	close(start)
	wg.Wait()
	for i := range n {
		if got[i] != got[0] {
			t.Fatalf("caller %d got another token: %d mints for one key", i, n)
		}
	}
}

func TestCacheFlightSharesOneMint(t *testing.T) {
	c := newCache(10)
	now := func() time.Time { return time.Unix(1000, 0) }
	release := make(chan struct{})
	var mints sync.WaitGroup
	calls := 0
	mint := func() (fabric.Token, error) {
		calls++ // only ever one mint runs for the key
		<-release
		return fabric.Token{AccessToken: "t", NotBefore: now(), ExpiresOn: now().Add(time.Hour)}, nil
	}
	k := cacheKey{"p", "a"}
	for range 8 {
		mints.Go(func() {
			if tok, err := c.get(context.Background(), k, now, mint); err != nil || tok.AccessToken != "t" {
				t.Errorf("got %q, %v", tok.AccessToken, err)
			}
		})
	}
	time.Sleep(10 * time.Millisecond) // let the waiters queue; correctness does not depend on it
	close(release)
	mints.Wait()
	if calls != 1 {
		t.Errorf("%d mints, want 1", calls)
	}
	// A waiter whose context ends stops waiting.
	block := make(chan struct{})
	go c.get(context.Background(), cacheKey{"p", "b"}, now, func() (fabric.Token, error) { <-block; return fabric.Token{}, nil })
	for {
		c.mu.Lock()
		_, inflight := c.flights[cacheKey{"p", "b"}]
		c.mu.Unlock()
		if inflight {
			break
		}
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.get(ctx, cacheKey{"p", "b"}, now, mint); err != context.Canceled {
		t.Errorf("cancelled waiter: %v, want context.Canceled", err)
	}
	close(block)
}

func TestCacheBounded(t *testing.T) {
	c := newCache(3)
	t0 := time.Unix(1_000_000, 0)
	clock := t0
	now := func() time.Time { return clock }
	put := func(i int) {
		k := cacheKey{fmt.Sprint(i), "a"}
		c.get(context.Background(), k, now, func() (fabric.Token, error) {
			return fabric.Token{AccessToken: fmt.Sprint(i), NotBefore: clock, ExpiresOn: clock.Add(time.Hour)}, nil
		})
	}
	for i := range 5 {
		put(i)
	}
	if n := c.len(); n != 3 {
		t.Fatalf("len %d, want 3", n)
	}
	for i, want := range []bool{false, false, true, true, true} {
		if _, ok := c.entries[cacheKey{fmt.Sprint(i), "a"}]; ok != want {
			t.Errorf("entry %d present %t, want %t (oldest evicted first)", i, ok, want)
		}
	}
	// Past half-life entries are useless and dropped on the next insert.
	clock = clock.Add(30 * time.Minute)
	put(9)
	if n := c.len(); n != 1 {
		t.Errorf("after half-life: len %d, want 1 (only the new entry)", n)
	}
}
