package blobstore

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// fileTimeEpoch is 1601-01-01 in 100 ns ticks before the Unix epoch;
// Azure's ETags are FILETIME-like tick counts, and so are ours.
const fileTimeEpoch = 116444736000000000

// etags hands out ETags unique within the store: a tick count of the
// clock, bumped past the last one given so two writes in the same tick
// (or a clock stepping back) still differ.
type etags struct {
	mu   sync.Mutex
	last uint64
}

func (e *etags) next(now time.Time) string {
	t := uint64(now.UnixNano()/100 + fileTimeEpoch)
	e.mu.Lock()
	t = max(t, e.last+1)
	e.last = t
	e.mu.Unlock()
	return fmt.Sprintf("\"0x%X\"", t)
}

// seen moves the counter past an ETag already stored (at Open), so a
// restart under a slower clock does not repeat one.
func (e *etags) seen(tag string) {
	h := strings.TrimPrefix(strings.Trim(tag, `"`), "0x")
	v, err := strconv.ParseUint(h, 16, 64)
	if err != nil {
		return
	}
	e.mu.Lock()
	e.last = max(e.last, v)
	e.mu.Unlock()
}

// stamp is a write's time: HTTP dates carry whole seconds, so stored
// times do too and a Last-Modified echoed back compares equal.
func stamp(now time.Time) time.Time {
	return now.Truncate(time.Second).UTC()
}
