package tokenauth

import (
	"context"
	"sync"
	"time"
)

// maxDecisions bounds the cache; past it, expired entries are swept and,
// if that is not enough, everything is dropped (a burst of distinct
// principals then costs some extra checks, never memory).
const maxDecisions = 10000

// Decision is Lanyard's answer for one (principal, action, scope).
type Decision struct {
	Allowed bool
	Reason  string // Lanyard's one-sentence explanation
}

type decisionKey struct{ principal, action, scope string }

type decisionEntry struct {
	d       Decision
	expires time.Time
}

type decisionCall struct {
	done chan struct{}
	d    Decision
	err  error
}

// decisionCache reuses decisions for a TTL and lets one check run per key
// however many requests ask at once. Errors are not cached.
type decisionCache struct {
	ttl time.Duration
	now func() time.Time

	mu       sync.Mutex
	entries  map[decisionKey]decisionEntry
	inflight map[decisionKey]*decisionCall
}

func newDecisionCache(ttl time.Duration, now func() time.Time) *decisionCache {
	return &decisionCache{ttl: ttl, now: now, entries: map[decisionKey]decisionEntry{}, inflight: map[decisionKey]*decisionCall{}}
}

// get returns the cached decision for k or runs check once for everyone
// waiting on k.
func (c *decisionCache) get(ctx context.Context, k decisionKey, check func(context.Context) (Decision, error)) (Decision, error) {
	c.mu.Lock()
	if e, ok := c.entries[k]; ok && c.now().Before(e.expires) {
		c.mu.Unlock()
		return e.d, nil
	}
	call, running := c.inflight[k]
	if !running {
		call = &decisionCall{done: make(chan struct{})}
		c.inflight[k] = call
		go c.run(ctx, k, call, check)
	}
	c.mu.Unlock()
	select {
	case <-call.done:
		return call.d, call.err
	case <-ctx.Done():
		return Decision{}, ctx.Err()
	}
}

func (c *decisionCache) run(ctx context.Context, k decisionKey, call *decisionCall, check func(context.Context) (Decision, error)) {
	// Detached from the first request, bounded on its own: waiters other
	// than the first must not fail because the first one went away.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), fetchTimeout)
	defer cancel()
	call.d, call.err = check(ctx)
	c.mu.Lock()
	delete(c.inflight, k)
	if call.err == nil {
		c.store(k, call.d)
	}
	c.mu.Unlock()
	close(call.done)
}

// store adds a decision; callers hold c.mu.
func (c *decisionCache) store(k decisionKey, d Decision) {
	now := c.now()
	if len(c.entries) >= maxDecisions {
		for key, e := range c.entries {
			if !now.Before(e.expires) {
				delete(c.entries, key)
			}
		}
		if len(c.entries) >= maxDecisions {
			clear(c.entries)
		}
	}
	c.entries[k] = decisionEntry{d: d, expires: now.Add(c.ttl)}
}
