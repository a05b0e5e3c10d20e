package msi

import (
	"container/list"
	"context"
	"sync"
	"time"

	"github.com/lanyardhq/lanyard/internal/fabric"
)

// cache holds one token per (identity, audience), as Azure's managed-
// identity back end does. A token is served while more than half of its
// lifetime remains: every client then gets at least 12 h of a 24 h token,
// and a client refreshing at half-life (MSAL does) lands on a new one.
//
// Entries are kept in insertion order. With one lifetime for every token
// that is also expiry order, so stale entries are always at the front and
// eviction is O(1) per insert.
type cache struct {
	max int

	mu      sync.Mutex
	entries map[cacheKey]*list.Element // of *entry
	order   *list.List                 // oldest first
	flights map[cacheKey]*flight
}

type cacheKey struct{ principal, audience string }

type entry struct {
	key cacheKey
	tok fabric.Token
}

// flight is a mint in progress that concurrent misses for the same key wait
// for, so a burst of cold requests signs once.
type flight struct {
	done chan struct{}
	tok  fabric.Token
	err  error
}

func newCache(max int) *cache {
	return &cache{max: max, entries: map[cacheKey]*list.Element{}, order: list.New(), flights: map[cacheKey]*flight{}}
}

// fresh reports whether more than half of t's lifetime remains at now.
func fresh(t fabric.Token, now time.Time) bool {
	return now.Before(t.NotBefore.Add(t.ExpiresOn.Sub(t.NotBefore) / 2))
}

// get returns the cached token for k if it is fresh, else the result of
// mint, which it caches. Only one mint per key runs at a time.
func (c *cache) get(ctx context.Context, k cacheKey, now func() time.Time, mint func() (fabric.Token, error)) (fabric.Token, error) {
	c.mu.Lock()
	if el, ok := c.entries[k]; ok {
		if tok := el.Value.(*entry).tok; fresh(tok, now()) {
			c.mu.Unlock()
			return tok, nil
		}
	}
	if fl, ok := c.flights[k]; ok {
		c.mu.Unlock()
		select {
		case <-fl.done:
			return fl.tok, fl.err
		case <-ctx.Done():
			return fabric.Token{}, ctx.Err()
		}
	}
	fl := &flight{done: make(chan struct{})}
	c.flights[k] = fl
	c.mu.Unlock()

	fl.tok, fl.err = mint()

	c.mu.Lock()
	delete(c.flights, k)
	if fl.err == nil {
		c.put(k, fl.tok, now())
	}
	c.mu.Unlock()
	close(fl.done)
	return fl.tok, fl.err
}

// put stores tok under k, then drops stale entries and the oldest beyond
// max. c.mu must be held.
func (c *cache) put(k cacheKey, tok fabric.Token, now time.Time) {
	if el, ok := c.entries[k]; ok {
		c.order.Remove(el)
	}
	c.entries[k] = c.order.PushBack(&entry{key: k, tok: tok})
	for front := c.order.Front(); front != nil; front = c.order.Front() {
		e := front.Value.(*entry)
		if len(c.entries) <= c.max && fresh(e.tok, now) {
			break
		}
		c.order.Remove(front)
		delete(c.entries, e.key)
	}
}

// len is the number of cached tokens.
func (c *cache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
