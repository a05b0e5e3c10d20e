package blob

import (
	"net/http"
	"strconv"
	"strings"
)

// byteRange is an inclusive range of a blob's bytes.
type byteRange struct{ start, end int64 }

func (r byteRange) len() int64 { return r.end - r.start + 1 }

// rangeHeader returns the range a GET asked for: x-ms-range wins over
// Range, as in Azure.
func rangeHeader(r *http.Request) string {
	if v := r.Header.Get("x-ms-range"); v != "" {
		return v
	}
	return r.Header.Get("Range")
}

// parseRange interprets a "bytes=s-e", "bytes=s-" or "bytes=-n" header
// against a blob of size bytes. ok is false when the whole blob is to be
// served: no header, or one that does not parse (a malformed or multi-part
// range is ignored, as RFC 9110 §14.2 allows and Azure does). unsatisfiable
// is true when the range starts at or past the end (416).
func parseRange(h string, size int64) (br byteRange, ok, unsatisfiable bool) {
	spec, found := strings.CutPrefix(strings.TrimSpace(h), "bytes=")
	if !found || strings.Contains(spec, ",") {
		return byteRange{}, false, false
	}
	first, last, found := strings.Cut(spec, "-")
	if !found {
		return byteRange{}, false, false
	}
	if first == "" { // suffix: the last n bytes
		n, err := parseOffset(last)
		if err != nil || n == 0 {
			return byteRange{}, false, false
		}
		if size == 0 {
			return byteRange{}, false, true
		}
		return byteRange{start: max(0, size-n), end: size - 1}, true, false
	}
	start, err := parseOffset(first)
	if err != nil {
		return byteRange{}, false, false
	}
	end := int64(-1)
	if last != "" {
		if end, err = parseOffset(last); err != nil || end < start {
			return byteRange{}, false, false
		}
	}
	if start >= size {
		return byteRange{}, false, true
	}
	if end < 0 || end >= size {
		end = size - 1
	}
	return byteRange{start: start, end: end}, true, false
}

// parseOffset accepts decimal digits only (no sign, no spaces).
func parseOffset(s string) (int64, error) {
	if s == "" || s[0] < '0' || s[0] > '9' {
		return 0, strconv.ErrSyntax
	}
	return strconv.ParseInt(s, 10, 64)
}
