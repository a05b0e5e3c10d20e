package tokens

import "sync"

// DefaultReplayCapacity bounds the jti cache. Only assertions whose
// signature verified reach it, so filling it takes a client's private key.
const DefaultReplayCapacity = 100_000

// replayCache remembers the jti of each accepted certificate assertion
// until the assertion expires, so a captured assertion cannot be replayed
// (RFC 7523 §3, item 7). When full it refuses rather than forgets: forgetting
// would reopen the replay window.
type replayCache struct {
	mu   sync.Mutex
	max  int
	seen map[string]int64 // key → unix time after which it may be forgotten
}

func newReplayCache(max int) *replayCache {
	return &replayCache{max: max, seen: map[string]int64{}}
}

// claim records key until the unix time until. It reports false with
// full=false if key was already recorded and has not expired, and false
// with full=true if there is no room.
func (c *replayCache) claim(key string, until, now int64) (ok, full bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if exp, dup := c.seen[key]; dup && now <= exp {
		return false, false
	}
	if len(c.seen) >= c.max {
		for k, exp := range c.seen {
			if now > exp {
				delete(c.seen, k)
			}
		}
		if len(c.seen) >= c.max {
			return false, true
		}
	}
	c.seen[key] = until
	return true, false
}
