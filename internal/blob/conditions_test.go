package blob

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/blobstore"
)

func TestConditions(t *testing.T) {
	mod := time.Date(2026, 3, 1, 12, 0, 0, 500, time.UTC)
	cur := &blobstore.Blob{ETag: `"0x1"`, LastModified: mod}
	before, at, after := httpTime(mod.Add(-time.Hour)), httpTime(mod), httpTime(mod.Add(time.Hour))
	tests := []struct {
		name    string
		method  string
		headers map[string]string
		cur     *blobstore.Blob
		want    int // 0 = passes
	}{
		{"none", "GET", nil, cur, 0},
		{"if-match ok", "GET", map[string]string{"If-Match": `"0x1"`}, cur, 0},
		{"if-match list", "PUT", map[string]string{"If-Match": `"0x0", "0x1"`}, cur, 0},
		{"if-match stale", "GET", map[string]string{"If-Match": `"0x2"`}, cur, 412},
		{"if-match * missing", "PUT", map[string]string{"If-Match": "*"}, nil, 412},
		{"if-match * exists", "PUT", map[string]string{"If-Match": "*"}, cur, 0},
		{"if-none-match same get", "GET", map[string]string{"If-None-Match": `"0x1"`}, cur, 304},
		{"if-none-match same head", "HEAD", map[string]string{"If-None-Match": `"0x1"`}, cur, 304},
		{"if-none-match same put", "PUT", map[string]string{"If-None-Match": `"0x1"`}, cur, 412},
		{"if-none-match * put exists", "PUT", map[string]string{"If-None-Match": "*"}, cur, 409},
		{"if-none-match * put new", "PUT", map[string]string{"If-None-Match": "*"}, nil, 0},
		{"if-none-match other", "GET", map[string]string{"If-None-Match": `"0x9"`}, cur, 0},
		{"if-modified-since before", "GET", map[string]string{"If-Modified-Since": before}, cur, 0},
		{"if-modified-since at", "GET", map[string]string{"If-Modified-Since": at}, cur, 304},
		{"if-modified-since after put", "PUT", map[string]string{"If-Modified-Since": after}, cur, 412},
		{"if-unmodified-since at", "PUT", map[string]string{"If-Unmodified-Since": at}, cur, 0},
		{"if-unmodified-since before", "DELETE", map[string]string{"If-Unmodified-Since": before}, cur, 412},
		{"if-unmodified-since before get", "GET", map[string]string{"If-Unmodified-Since": before}, cur, 412},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, "/", nil)
			for k, v := range tt.headers {
				r.Header.Set(k, v)
			}
			c, bad := parseConditions(r)
			if bad != nil {
				t.Fatal(bad)
			}
			err := c.blob(nil)(tt.cur)
			if tt.want == 0 {
				if err != nil {
					t.Fatalf("got %v, want pass", err)
				}
				return
			}
			se := toStorageError(err)
			if se.Status != tt.want {
				t.Fatalf("got %d %s, want %d", se.Status, se.Code, tt.want)
			}
			if tt.want == 304 && se.ETag != cur.ETag {
				t.Errorf("304 without the ETag: %q", se.ETag)
			}
		})
	}
}

func TestConditionsBadDate(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("If-Modified-Since", "yesterday")
	if _, bad := parseConditions(r); bad == nil || bad.Status != 400 {
		t.Fatalf("got %v, want 400", bad)
	}
}
