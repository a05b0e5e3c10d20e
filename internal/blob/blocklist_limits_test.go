package blob

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
)

// allocated runs f and returns the bytes it allocated.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// A Put Block List body is parsed as it streams: the count limit stops
// it at entry 50,001, and unknown elements at the first one. Before, the
// whole body (up to 16 MiB of "<a/>") was decoded into a slice first,
// hundreds of megabytes for one request.
func TestParseBlockListBounded(t *testing.T) {
	id := "QUFBQQ==" // "AAAA"
	for _, c := range []struct {
		name     string
		body     string
		status   int
		code     string
		maxAlloc uint64
	}{
		{"tiny unknown elements", "<BlockList>" + strings.Repeat("<a/>", 4<<20) + "</BlockList>", 400, "InvalidXmlDocument", 1 << 20},
		{"too many entries", "<BlockList>" + strings.Repeat("<Latest>"+id+"</Latest>", 200000) + "</BlockList>", 409, "BlockCountExceedsLimit", 64 << 20},
		{"nested junk", "<BlockList><Latest>" + strings.Repeat("<x>", 100000) + "</BlockList>", 400, "InvalidXmlDocument", 1 << 20},
		{"huge id", "<BlockList><Latest>" + strings.Repeat("A", 10<<20) + "</Latest></BlockList>", 400, "InvalidBlockList", 48 << 20},
	} {
		t.Run(c.name, func(t *testing.T) {
			var bad *StorageError
			n := allocated(func() {
				r := httptest.NewRequest(http.MethodPut, "/c/b?comp=blocklist", strings.NewReader(c.body))
				_, bad = parseBlockList(httptest.NewRecorder(), r)
			})
			if bad == nil || bad.Status != c.status || bad.Code != c.code {
				t.Fatalf("got %+v, want %d %s", bad, c.status, c.code)
			}
			if n > c.maxAlloc {
				t.Errorf("allocated %d MiB parsing a %d MiB body", n>>20, len(c.body)>>20)
			}
		})
	}
}

func TestParseBlockListEntries(t *testing.T) {
	body := `<?xml version="1.0" encoding="utf-8"?>
<BlockList>
  <Latest>QUFBQQ==</Latest>
  <Committed>QkJCQg==</Committed>
  <Uncommitted>Q0NDQw==</Uncommitted>
</BlockList>`
	r := httptest.NewRequest(http.MethodPut, "/c/b?comp=blocklist", strings.NewReader(body))
	got, bad := parseBlockList(httptest.NewRecorder(), r)
	if bad != nil {
		t.Fatal(bad)
	}
	if len(got) != 3 || got[0].ID != "AAAA" || got[1].ID != "BBBB" || got[2].ID != "CCCC" {
		t.Fatalf("got %+v", got)
	}
	for _, b := range []string{
		"<BlockList><Latest>QUFBQQ==</Latest></BlockList><x/>",
		"<Other><Latest>QUFBQQ==</Latest></Other>",
		"<BlockList><Latest><x/>QUFBQQ==</Latest></BlockList>",
		"<BlockList><Latest>QUFBQQ==</Latest>",
		"",
	} {
		r := httptest.NewRequest(http.MethodPut, "/c/b?comp=blocklist", bytes.NewReader([]byte(b)))
		if _, bad := parseBlockList(httptest.NewRecorder(), r); bad == nil {
			t.Errorf("%q accepted", b)
		}
	}
}
