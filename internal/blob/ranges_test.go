package blob

import "testing"

func TestParseRange(t *testing.T) {
	tests := []struct {
		h             string
		size          int64
		want          byteRange
		ok, unsatisfy bool
	}{
		{"", 10, byteRange{}, false, false},
		{"bytes=0-4", 10, byteRange{0, 4}, true, false},
		{"bytes=5-", 10, byteRange{5, 9}, true, false},
		{"bytes=5-100", 10, byteRange{5, 9}, true, false}, // end clamped
		{"bytes=9-9", 10, byteRange{9, 9}, true, false},
		{"bytes=-3", 10, byteRange{7, 9}, true, false},
		{"bytes=-30", 10, byteRange{0, 9}, true, false},
		{"bytes=10-", 10, byteRange{}, false, true}, // starts at the end
		{"bytes=10-20", 10, byteRange{}, false, true},
		{"bytes=0-", 0, byteRange{}, false, true}, // empty blob: DownloadBuffer relies on 416
		{"bytes=-1", 0, byteRange{}, false, true},
		{"bytes=4-2", 10, byteRange{}, false, false}, // malformed: whole blob
		{"bytes=a-2", 10, byteRange{}, false, false},
		{"bytes=+1-2", 10, byteRange{}, false, false},
		{"bytes=-0", 10, byteRange{}, false, false},
		{"bytes=0-1,3-4", 10, byteRange{}, false, false},
		{"items=0-1", 10, byteRange{}, false, false},
		{"bytes=99999999999999999999-", 10, byteRange{}, false, false},
	}
	for _, tt := range tests {
		got, ok, uns := parseRange(tt.h, tt.size)
		if got != tt.want || ok != tt.ok || uns != tt.unsatisfy {
			t.Errorf("parseRange(%q, %d) = %v, %v, %v; want %v, %v, %v", tt.h, tt.size, got, ok, uns, tt.want, tt.ok, tt.unsatisfy)
		}
	}
}

func FuzzParseRange(f *testing.F) {
	for _, s := range []string{"bytes=0-4", "bytes=5-", "bytes=-3", "bytes=4-2", "bytes=0-1,2-3", "bytes=-", "bytes=9223372036854775807-"} {
		f.Add(s, int64(10))
	}
	f.Fuzz(func(t *testing.T, h string, size int64) {
		if size < 0 {
			size = -(size + 1)
		}
		br, ok, uns := parseRange(h, size)
		if ok && uns {
			t.Fatal("both satisfiable and unsatisfiable")
		}
		if ok && (br.start < 0 || br.start > br.end || br.end >= size || br.len() <= 0) {
			t.Fatalf("parseRange(%q, %d) = %+v: outside the blob", h, size, br)
		}
	})
}
