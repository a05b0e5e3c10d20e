package blob

import (
	"net/http"
	"strings"
	"time"

	"github.com/lanyardhq/lanyard/internal/blobstore"
)

// conditions are a request's HTTP conditional headers. They are turned
// into a blobstore.Precondition so the engine evaluates them inside the
// write's transaction (or against the very snapshot a read serves): a
// check-then-act race cannot slip a change in between.
type conditions struct {
	ifMatch, ifNoneMatch     []string // "*" or quoted ETags as sent
	ifModified, ifUnmodified time.Time
	read                     bool // GET/HEAD: a failed If-None-Match / If-Modified-Since is 304
}

func parseConditions(r *http.Request) (conditions, *StorageError) {
	c := conditions{
		ifMatch:     etagList(r.Header.Get("If-Match")),
		ifNoneMatch: etagList(r.Header.Get("If-None-Match")),
		read:        r.Method == http.MethodGet || r.Method == http.MethodHead,
	}
	for _, d := range []struct {
		name string
		dst  *time.Time
	}{{"If-Modified-Since", &c.ifModified}, {"If-Unmodified-Since", &c.ifUnmodified}} {
		v := r.Header.Get(d.name)
		if v == "" {
			continue
		}
		t, err := http.ParseTime(v)
		if err != nil {
			return c, badRequest("InvalidHeaderValue", "The value for one of the HTTP headers is not in the correct format.")
		}
		*d.dst = t
	}
	return c, nil
}

func etagList(v string) []string {
	var out []string
	for e := range strings.SplitSeq(v, ",") {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// matches reports whether etag is one of list ("*" matches any existing).
func matches(list []string, etag string) bool {
	for _, e := range list {
		if e == "*" || e == etag || strings.TrimPrefix(e, "W/") == etag {
			return true
		}
	}
	return false
}

// check evaluates the conditions against the current state: exists, its
// ETag and last-modified time. A blob that does not exist fails If-Match
// (even "*") and passes everything else.
func (c conditions) check(exists bool, etag string, modified time.Time) *StorageError {
	if c.ifMatch != nil && (!exists || !matches(c.ifMatch, etag)) {
		return errConditionNotMet
	}
	if !exists {
		return nil
	}
	// HTTP dates have whole seconds.
	modified = modified.Truncate(time.Second)
	if !c.ifUnmodified.IsZero() && modified.After(c.ifUnmodified) {
		return errConditionNotMet
	}
	notModified := (c.ifNoneMatch != nil && matches(c.ifNoneMatch, etag)) ||
		(!c.ifModified.IsZero() && !modified.After(c.ifModified))
	switch {
	case !notModified:
		return nil
	case c.read:
		return &StorageError{Status: http.StatusNotModified, Code: "ConditionNotMet", ETag: etag}
	case len(c.ifNoneMatch) == 1 && c.ifNoneMatch[0] == "*":
		// Azure answers a create-only write (If-None-Match: *) on an
		// existing blob with 409, which SDKs map to "already exists".
		return errBlobExists
	}
	return errConditionNotMet
}

// blob is the Precondition for blob operations; extra, if not nil, runs
// after the conditions passed (the add-only rule, say).
func (c conditions) blob(extra blobstore.Precondition) blobstore.Precondition {
	return func(cur *blobstore.Blob) error {
		var err *StorageError
		if cur == nil {
			err = c.check(false, "", time.Time{})
		} else {
			err = c.check(true, cur.ETag, cur.LastModified)
		}
		if err != nil {
			return err
		}
		if extra != nil {
			return extra(cur)
		}
		return nil
	}
}

// container is the Precondition for container operations.
func (c conditions) container() blobstore.ContainerPrecondition {
	return func(cur *blobstore.Container) error {
		if cur == nil {
			if err := c.check(false, "", time.Time{}); err != nil {
				return err
			}
			return nil
		}
		if err := c.check(true, cur.ETag, cur.LastModified); err != nil {
			return err
		}
		return nil
	}
}
