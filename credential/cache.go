package credential

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// Refresh timing. A token is refreshed at its RefreshOn (refresh_in) when
// the server gave one, else refreshBefore ahead of expiry, as azcore and
// MSAL do. While a refresh runs, callers keep getting the old token until
// it is within stillValid of expiry; a failed refresh is retried no sooner
// than retryAfter, so a broken endpoint is not hammered by every request.
const (
	refreshBefore = 5 * time.Minute
	stillValid    = 30 * time.Second
	retryAfter    = 30 * time.Second
	fetchTimeout  = time.Minute
)

// fetchFunc asks the source for a new token.
type fetchFunc func(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error)

// tokenCache holds one token per scope set and makes sure at most one
// request per scope set is in flight however many goroutines ask.
type tokenCache struct {
	now   func() time.Time
	mu    sync.Mutex
	items map[string]*cacheItem
}

type cacheItem struct {
	tok       azcore.AccessToken
	refreshAt time.Time
	flight    *flight
}

// flight is one token request; done closes when tok/err are set.
type flight struct {
	done chan struct{}
	tok  azcore.AccessToken
	err  error
}

func newTokenCache(now func() time.Time) *tokenCache {
	return &tokenCache{now: now, items: map[string]*cacheItem{}}
}

// cacheKey identifies a scope set (order does not matter) and tenant.
func cacheKey(opts policy.TokenRequestOptions) string {
	s := slices.Clone(opts.Scopes)
	slices.Sort(s)
	return opts.TenantID + "\x00" + strings.Join(s, " ")
}

// get returns a cached token or fetches one. A request with Claims (a CAE
// challenge) always goes to the source: the cached token was just refused.
func (c *tokenCache) get(ctx context.Context, opts policy.TokenRequestOptions, fetch fetchFunc) (azcore.AccessToken, error) {
	if opts.Claims != "" {
		return fetch(ctx, opts)
	}
	key := cacheKey(opts)
	c.mu.Lock()
	it := c.items[key]
	if it == nil {
		it = &cacheItem{}
		c.items[key] = it
	}
	now := c.now()
	valid := it.tok.Token != "" && now.Before(it.tok.ExpiresOn.Add(-stillValid))
	if valid && now.Before(it.refreshAt) {
		tok := it.tok
		c.mu.Unlock()
		return tok, nil
	}
	f := it.flight
	if f == nil {
		f = &flight{done: make(chan struct{})}
		it.flight = f
		// The request outlives any one caller: others may be waiting on
		// it, so the first caller's cancellation must not fail them.
		go c.run(context.WithoutCancel(ctx), key, it, f, opts, fetch)
	}
	if valid {
		tok := it.tok
		c.mu.Unlock()
		return tok, nil
	}
	c.mu.Unlock()
	select {
	case <-f.done:
		return f.tok, f.err
	case <-ctx.Done():
		return azcore.AccessToken{}, ctx.Err()
	}
}

func (c *tokenCache) run(ctx context.Context, key string, it *cacheItem, f *flight, opts policy.TokenRequestOptions, fetch fetchFunc) {
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	tok, err := fetch(ctx, opts)
	c.mu.Lock()
	now := c.now()
	if err == nil {
		it.tok = tok
		it.refreshAt = refreshTime(tok, now)
	} else if it.tok.Token != "" {
		it.refreshAt = now.Add(retryAfter)
	}
	it.flight = nil
	f.tok, f.err = tok, err
	c.mu.Unlock()
	close(f.done)
}

// refreshTime is when a token fetched at now should be replaced.
func refreshTime(tok azcore.AccessToken, now time.Time) time.Time {
	if !tok.RefreshOn.IsZero() && tok.RefreshOn.Before(tok.ExpiresOn) {
		return tok.RefreshOn
	}
	at := tok.ExpiresOn.Add(-refreshBefore)
	if at.Before(now) {
		// A token shorter-lived than five minutes: refresh half-way rather
		// than on every call.
		at = now.Add(tok.ExpiresOn.Sub(now) / 2)
	}
	return at
}
