package agent

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/lanyardhq/lanyard/internal/fabric"
)

// protocol distinguishes the two workload protocols, whose bodies differ.
type protocol uint8

const (
	protoAppService protocol = iota + 1
	protoIMDS
)

// cacheKey identifies one token: who asks (the app's or VM's resource ID),
// for which audience (exact: the token's aud echoes it), and which identity.
// Selector values are lower-cased because IDs compare case-insensitively.
type cacheKey struct {
	proto    protocol
	resource string
	audience string
	kind     selKind
	selector string
}

// entry is a cached token with its response pre-rendered, so that a hit
// only copies bytes.
type entry struct {
	token      fabric.Token
	freshUntil time.Time
	body       []byte    // App Service: the whole body
	imds       imdsParts // IMDS: the body around the two expires_in values
}

// flight is one fetch in progress; concurrent misses for a key wait on it.
type flight struct {
	done chan struct{}
	e    *entry
	err  error
}

// limitedError is a miss refused by the host's rate limits.
type limitedError struct{ after time.Duration }

func (e *limitedError) Error() string { return fmt.Sprintf("rate limited; retry after %v", e.after) }

const (
	maxEntries   = 4096
	fetchTimeout = 30 * time.Second
)

type cache struct {
	mu      sync.RWMutex
	entries map[cacheKey]*entry
	flights map[cacheKey]*flight
}

func newCache() *cache {
	return &cache{entries: make(map[cacheKey]*entry), flights: make(map[cacheKey]*flight)}
}

func (c *cache) fresh(k cacheKey, now time.Time) *entry {
	c.mu.RLock()
	e := c.entries[k]
	c.mu.RUnlock()
	if e != nil && now.Before(e.freshUntil) {
		return e
	}
	return nil
}

// token returns a fresh cached entry or fetches one, one fetch per key at a
// time, each fetch passing the host's rate limits.
func (a *Agent) token(ctx context.Context, k cacheKey, req fabric.TokenRequest) (*entry, error) {
	if e := a.cache.fresh(k, a.cfg.Now()); e != nil {
		return e, nil
	}
	c := a.cache
	c.mu.Lock()
	if e := c.entries[k]; e != nil && a.cfg.Now().Before(e.freshUntil) {
		c.mu.Unlock()
		return e, nil
	}
	if f := c.flights[k]; f != nil {
		c.mu.Unlock()
		select {
		case <-f.done:
			return f.e, f.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	f := &flight{done: make(chan struct{})}
	c.flights[k] = f
	c.mu.Unlock()

	f.e, f.err = a.fetch(ctx, k, req)

	c.mu.Lock()
	delete(c.flights, k)
	if f.err == nil {
		c.storeLocked(k, f.e, a.cfg.Now())
	}
	c.mu.Unlock()
	close(f.done)
	return f.e, f.err
}

func (a *Agent) fetch(ctx context.Context, k cacheKey, req fabric.TokenRequest) (*entry, error) {
	ok, after := a.limit.acquire()
	if !ok {
		return nil, &limitedError{after: after}
	}
	defer a.limit.release()
	// Waiters share this fetch, so it must not die with the first caller's
	// connection.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), fetchTimeout)
	defer cancel()
	fetched := a.cfg.Now()
	tok, err := a.cfg.Fabric.Token(ctx, req)
	if err != nil {
		return nil, err
	}
	return newEntry(k.proto, tok, fetched, a.cfg.MaxStale)
}

// newEntry renders tok. It stays fresh while at least half its lifetime
// remains (as Azure's managed-identity back end refreshes) and for at most
// maxStale, so that a revoked attachment stops being served soon.
func newEntry(p protocol, tok fabric.Token, fetched time.Time, maxStale time.Duration) (*entry, error) {
	issued := tok.NotBefore
	if issued.IsZero() || issued.After(fetched) {
		issued = fetched
	}
	half := tok.ExpiresOn.Sub(issued) / 2
	e := &entry{token: tok, freshUntil: tok.ExpiresOn.Add(-half)}
	if stale := fetched.Add(maxStale); stale.Before(e.freshUntil) {
		e.freshUntil = stale
	}
	var err error
	switch p {
	case protoAppService:
		e.body, err = renderAppService(tok)
	case protoIMDS:
		e.imds, err = renderIMDS(tok)
	}
	return e, err
}

// storeLocked inserts e, first dropping stale entries if the cache is full
// (distinct audiences are client-chosen, so the map must stay bounded).
func (c *cache) storeLocked(k cacheKey, e *entry, now time.Time) {
	if len(c.entries) >= maxEntries {
		for key, old := range c.entries {
			if !now.Before(old.freshUntil) {
				delete(c.entries, key)
			}
		}
		for key := range c.entries {
			if len(c.entries) < maxEntries {
				break
			}
			delete(c.entries, key)
		}
	}
	c.entries[k] = e
}

// keyFor builds a request's cache key.
func keyFor(p protocol, resource string, q *tokenQuery) cacheKey {
	return cacheKey{proto: p, resource: resource, audience: q.audience, kind: q.kind, selector: strings.ToLower(q.selector)}
}

// tokenRequest is the fabric request for q on behalf of resource.
func tokenRequest(resource string, q *tokenQuery) fabric.TokenRequest {
	req := fabric.TokenRequest{Resource: resource, Audience: q.audience}
	switch q.kind {
	case selClientID:
		req.ClientID = q.selector
	case selObjectID:
		req.ObjectID = q.selector
	case selResourceID:
		req.MIResourceID = q.selector
	}
	return req
}
