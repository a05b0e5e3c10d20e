package tokenauth

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// fetchTimeout bounds one JWKS fetch, which runs detached from the request
// that caused it so that one cancelled request does not fail the others
// waiting on the same fetch.
const fetchTimeout = 10 * time.Second

var errUnknownKey = errors.New("no published key has this kid")

// keyCache holds the issuer's keys. Lookups of known kids take no lock; an
// unknown kid causes at most one fetch per RefreshInterval, shared by every
// request that waits for it, so rotation needs no restart and forged kids
// cannot turn into a flood of fetches.
type keyCache struct {
	client   *http.Client
	jwksURI  string
	now      func() time.Time
	interval time.Duration
	maxAge   time.Duration
	log      func(msg string, args ...any)

	keys atomic.Pointer[keySnapshot]

	mu       sync.Mutex
	inflight *fetchCall // nil when no fetch runs
	lastTry  time.Time  // start of the last fetch, successful or not
}

type keySnapshot struct {
	byKID   map[string]publicKey
	fetched time.Time
}

type fetchCall struct {
	done chan struct{}
	err  error
}

// key returns the key with this kid, fetching the JWKS again when the kid
// is unknown and the last fetch is older than the refresh interval.
func (c *keyCache) key(ctx context.Context, kid string) (publicKey, error) {
	snap := c.keys.Load()
	if k, ok := snap.byKID[kid]; ok {
		if c.now().Sub(snap.fetched) > c.maxAge {
			c.startFetch(false) // keep serving the known key while it refreshes
		}
		return k, nil
	}
	call := c.startFetch(true)
	if call == nil {
		return publicKey{}, errUnknownKey
	}
	select {
	case <-call.done:
	case <-ctx.Done():
		return publicKey{}, ctx.Err()
	}
	if k, ok := c.keys.Load().byKID[kid]; ok {
		return k, nil
	}
	if call.err != nil {
		return publicKey{}, call.err
	}
	return publicKey{}, errUnknownKey
}

// startFetch joins the running fetch or starts one; it returns nil when
// limited is set and a fetch started less than the interval ago.
func (c *keyCache) startFetch(limited bool) *fetchCall {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.inflight != nil {
		return c.inflight
	}
	now := c.now()
	if limited && !c.lastTry.IsZero() && now.Sub(c.lastTry) < c.interval {
		return nil
	}
	if !limited && now.Sub(c.lastTry) < c.interval {
		return nil // background refresh failed recently: do not retry on every request
	}
	c.lastTry = now
	call := &fetchCall{done: make(chan struct{})}
	c.inflight = call
	go c.fetch(call)
	return call
}

func (c *keyCache) fetch(call *fetchCall) {
	ctx, cancel := context.WithTimeout(context.Background(), fetchTimeout)
	defer cancel()
	call.err = c.load(ctx)
	if call.err != nil {
		c.log("tokenauth: refreshing signing keys failed; keeping the previous ones", "jwks_uri", c.jwksURI, "err", call.err)
	}
	c.mu.Lock()
	c.inflight = nil
	c.mu.Unlock()
	close(call.done)
}

// load fetches the JWKS and replaces the cached keys.
func (c *keyCache) load(ctx context.Context) error {
	body, err := getDocument(ctx, c.client, c.jwksURI)
	if err != nil {
		return err
	}
	keys, err := parseJWKS(body)
	if err != nil {
		return err
	}
	c.keys.Store(&keySnapshot{byKID: keys, fetched: c.now()})
	return nil
}

// newKeyCache fetches the keys once, so New fails early on a wrong setup.
func newKeyCache(ctx context.Context, o Options, jwksURI string) (*keyCache, error) {
	c := &keyCache{client: o.HTTPClient, jwksURI: jwksURI, now: o.Now, interval: o.RefreshInterval,
		maxAge: o.KeyMaxAge, log: o.Logger.Warn}
	c.lastTry = o.Now()
	if err := c.load(ctx); err != nil {
		return nil, err
	}
	return c, nil
}
