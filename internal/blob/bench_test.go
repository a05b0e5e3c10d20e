package blob

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// BenchmarkGet1KiB is one authenticated, authorized 1 KiB Get Blob over
// real HTTPS (keep-alive): token verification, RBAC, the engine's read and
// the response.
func BenchmarkGet1KiB(b *testing.B) {
	e := newEnv(b)
	tok := e.principal(contributorOID, "Storage Blob Data Contributor", accountID)
	const a = "/" + testAccount
	put := func(method, path, body string, hdr map[string]string) {
		req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := e.srv.Client().Do(req)
		if err != nil || resp.StatusCode != 201 {
			b.Fatalf("%s %s: %v %v", method, path, err, resp)
		}
		resp.Body.Close()
	}
	put("PUT", a+"/bench?restype=container", "", nil)
	put("PUT", a+"/bench/k", strings.Repeat("x", 1024), map[string]string{"x-ms-blob-type": "BlockBlob"})
	req, _ := http.NewRequest("GET", e.srv.URL+a+"/bench/k", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	c := e.srv.Client()
	b.ReportAllocs()
	for b.Loop() {
		resp, err := c.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || n != 1024 {
			b.Fatalf("%d %d", resp.StatusCode, n)
		}
	}
}
