package agent

import (
	"math"
	"sync"
	"time"
)

// limiter guards fetches from the token service for the whole host, with
// Azure's semantics: a rate (20/s) and a concurrency cap (5). Only cache
// misses pass through it. Cache hits are not limited: Azure's limits exist
// to protect the token service, which a hit never reaches, and the cache
// already means an app asks the server about once per token lifetime.
type limiter struct {
	now func() time.Time

	mu     sync.Mutex
	rate   float64 // tokens per second; < 0 = unlimited
	burst  float64
	tokens float64
	last   time.Time

	sem chan struct{} // nil = unlimited concurrency
}

func newLimiter(rate float64, burst, maxConcurrent int, now func() time.Time) *limiter {
	l := &limiter{now: now, rate: rate, burst: float64(burst), tokens: float64(burst), last: now()}
	if maxConcurrent > 0 {
		l.sem = make(chan struct{}, maxConcurrent)
	}
	return l
}

// acquire takes one fetch slot. If the host is over its limits it returns
// ok=false and how long to wait; otherwise the caller must call release.
func (l *limiter) acquire() (ok bool, retryAfter time.Duration) {
	if l.sem != nil {
		select {
		case l.sem <- struct{}{}:
		default:
			// A slot frees when a fetch finishes, typically well under a second.
			return false, time.Second
		}
	}
	if ok, wait := l.take(); !ok {
		l.releaseSlot()
		return false, wait
	}
	return true, 0
}

func (l *limiter) release() { l.releaseSlot() }

func (l *limiter) releaseSlot() {
	if l.sem != nil {
		<-l.sem
	}
}

// take removes a token from the bucket, refilled by the time elapsed.
func (l *limiter) take() (bool, time.Duration) {
	if l.rate < 0 {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if elapsed := now.Sub(l.last).Seconds(); elapsed > 0 {
		l.tokens = math.Min(l.burst, l.tokens+elapsed*l.rate)
	}
	l.last = now
	if l.tokens >= 1 {
		l.tokens--
		return true, 0
	}
	if l.rate == 0 {
		return false, time.Hour
	}
	return false, time.Duration((1 - l.tokens) / l.rate * float64(time.Second))
}

// retryAfterSeconds renders a wait as Retry-After: whole seconds, at
// least 1 (a 0 would invite an immediate, equally refused, retry).
func retryAfterSeconds(d time.Duration) int {
	s := int(math.Ceil(d.Seconds()))
	return max(s, 1)
}
