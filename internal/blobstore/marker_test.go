package blobstore

import (
	"strings"
	"testing"
)

// FuzzPrefixEnd checks the bound every prefix scan rests on: end is above
// every string with the prefix and at or below every greater string.
func FuzzPrefixEnd(f *testing.F) {
	for _, s := range []string{"", "a", "a/", "\xff", "a\xff\xff", "é"} {
		f.Add(s, "x")
	}
	f.Fuzz(func(t *testing.T, p, suffix string) {
		end, ok := prefixEnd(p)
		if !ok {
			if strings.Count(p, "\xff") != len(p) { // only all-0xff prefixes have no end
				t.Fatalf("no end for %q", p)
			}
			return
		}
		if s := p + suffix; s >= end {
			t.Fatalf("%q has prefix %q but is not below %q", s, p, end)
		}
		if !strings.HasPrefix(end, p) && end <= p {
			t.Fatalf("end %q not above %q", end, p)
		}
		if strings.HasPrefix(end, p) {
			t.Fatalf("end %q itself has prefix %q", end, p)
		}
		if decodeMarker(encodeMarker(p)) != p {
			t.Fatalf("marker round trip of %q", p)
		}
	})
}
