package sqlstore

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// timeLayout is fixed-width UTC (always nine fractional digits), so stored
// timestamps sort as text on every engine and cover years 1-9999, unlike
// integer nanoseconds (1678-2262).
const timeLayout = "2006-01-02T15:04:05.000000000Z"

func encTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

func decTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("store: bad stored time %q: %w", s, err)
	}
	return t, nil
}

// decTimes decodes src[i] into dst[i].
func decTimes(dst []*time.Time, src ...string) error {
	for i, s := range src {
		t, err := decTime(s)
		if err != nil {
			return err
		}
		*dst[i] = t
	}
	return nil
}

// key is the case-insensitive identity of an ID, name or scope.
func key(s string) string { return strings.ToLower(s) }

// nullKey is key(s), or NULL for "" so that UNIQUE columns allow any number
// of records without the value.
func nullKey(s string) any {
	if s == "" {
		return nil
	}
	return key(s)
}

// resKey is a resource ID's key without a trailing slash ("/" stays).
func resKey(id string) string {
	k := key(id)
	for len(k) > 1 && strings.HasSuffix(k, "/") {
		k = k[:len(k)-1]
	}
	return k
}

// below returns a predicate "col is strictly below prefixKey" and its
// arguments. substr counts characters on both engines, so the length is in
// runes. It avoids LIKE, whose wildcards ('_' is common in names) and case
// rules differ between engines.
func below(col, prefixKey string) (string, []any) {
	p := prefixKey + "/"
	return "substr(" + col + ", 1, ?) = ?", []any{utf8.RuneCountInString(p), p}
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// encJSON stores v as JSON text.
func encJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("store: encode: %w", err)
	}
	return string(b), nil
}

func decJSON(s string, v any) error {
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return fmt.Errorf("store: bad stored JSON: %w", err)
	}
	return nil
}

// rawOrNull stores a json.RawMessage, NULL when absent.
func rawOrNull(m json.RawMessage) any {
	if len(m) == 0 {
		return nil
	}
	return string(m)
}
