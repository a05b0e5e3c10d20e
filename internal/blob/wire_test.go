package blob

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"io"
	"net/http"
	"strings"
	"testing"
)

// do sends a raw request as token and returns the response with its body read.
func (e *env) do(t *testing.T, token, method, path string, body string, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range hdr {
		switch k {
		case "Content-Length":
			if v == "-1" {
				req.ContentLength = -1
				req.Body = io.NopCloser(strings.NewReader(body)) // chunked
			} else {
				req.Header.Set(k, v)
			}
		default:
			req.Header.Set(k, v)
		}
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

// TestWireErrors: bad input gets Azure's status and code, in the XML body
// and the x-ms-error-code header, and stores nothing.
func TestWireErrors(t *testing.T) {
	e := newEnv(t)
	tok := e.principal(contributorOID, "Storage Blob Data Contributor", accountID)
	const a = "/" + testAccount
	if r, _ := e.do(t, tok, "PUT", a+"/box?restype=container", "", nil); r.StatusCode != 201 {
		t.Fatalf("create: %d", r.StatusCode)
	}
	if r, _ := e.do(t, tok, "PUT", a+"/box/keep.txt", "0123456789", map[string]string{"x-ms-blob-type": "BlockBlob"}); r.StatusCode != 201 {
		t.Fatalf("put: %d", r.StatusCode)
	}
	sum := md5.Sum([]byte("other"))
	blockID := base64.StdEncoding.EncodeToString([]byte("block-0001"))
	bb := map[string]string{"x-ms-blob-type": "BlockBlob"}
	tests := []struct {
		name, token, method, path, body string
		hdr                             map[string]string
		status                          int
		code                            string
	}{
		{"no token", "", "GET", a + "/box/keep.txt", "", nil, 401, "NoAuthenticationInformation"},
		{"garbage token", "x.y.z", "GET", a + "/box/keep.txt", "", nil, 401, "InvalidAuthenticationInfo"},
		{"unknown account", tok, "GET", "/nosuchacct/box/keep.txt", "", nil, 404, "ResourceNotFound"},
		{"bad container name", tok, "PUT", a + "/Bad_Name?restype=container", "", nil, 400, "InvalidResourceName"},
		{"dot segment", tok, "PUT", a + "/box/a/../keep.txt", "x", bb, 400, "InvalidResourceName"},
		{"encoded dot segment", tok, "PUT", a + "/box/a%2F..%2Fx", "x", bb, 400, "InvalidResourceName"},
		{"control char", tok, "PUT", a + "/box/a%01b", "x", bb, 400, "InvalidResourceName"},
		{"page blob", tok, "PUT", a + "/box/p", "x", map[string]string{"x-ms-blob-type": "PageBlob"}, 400, "InvalidHeaderValue"},
		{"no blob type", tok, "PUT", a + "/box/p", "x", nil, 400, "MissingRequiredHeader"},
		{"chunked body", tok, "PUT", a + "/box/p", "x", map[string]string{"x-ms-blob-type": "BlockBlob", "Content-Length": "-1"}, 411, "MissingContentLengthHeader"},
		{"md5 mismatch", tok, "PUT", a + "/box/p", "x", map[string]string{"x-ms-blob-type": "BlockBlob",
			"Content-MD5": base64.StdEncoding.EncodeToString(sum[:])}, 400, "Md5Mismatch"},
		{"bad md5", tok, "PUT", a + "/box/p", "x", map[string]string{"x-ms-blob-type": "BlockBlob", "Content-MD5": "nope"}, 400, "InvalidMd5"},
		{"bad metadata name", tok, "PUT", a + "/box/p", "x", map[string]string{"x-ms-blob-type": "BlockBlob", "x-ms-meta-1abc": "v"}, 400, "InvalidMetadata"},
		{"block id not base64", tok, "PUT", a + "/box/p?comp=block&blockid=%%%", "x", nil, 400, "InvalidQueryParameterValue"},
		{"block id too long", tok, "PUT", a + "/box/p?comp=block&blockid=" + base64.StdEncoding.EncodeToString(make([]byte, 65)), "x", nil, 400, "InvalidQueryParameterValue"},
		{"malformed block list", tok, "PUT", a + "/box/p?comp=blocklist", "<BlockList><Latest>", nil, 400, "InvalidXmlDocument"},
		{"unknown block element", tok, "PUT", a + "/box/p?comp=blocklist", "<BlockList><Newest>" + blockID + "</Newest></BlockList>", nil, 400, "InvalidXmlDocument"},
		{"missing block", tok, "PUT", a + "/box/p?comp=blocklist", "<BlockList><Latest>" + blockID + "</Latest></BlockList>", nil, 400, "InvalidBlockList"},
		{"maxresults 0", tok, "GET", a + "/box?restype=container&comp=list&maxresults=0", "", nil, 400, "OutOfRangeQueryParameterValue"},
		{"maxresults 5001", tok, "GET", a + "/box?restype=container&comp=list&maxresults=5001", "", nil, 400, "OutOfRangeQueryParameterValue"},
		{"unknown comp", tok, "GET", a + "/box/keep.txt?comp=tags", "", nil, 400, "UnsupportedQueryParameter"},
		{"bad verb", tok, "POST", a + "/box/keep.txt", "", nil, 405, "UnsupportedHttpVerb"},
		{"bad blocklisttype", tok, "GET", a + "/box/keep.txt?comp=blocklist&blocklisttype=some", "", nil, 400, "InvalidQueryParameterValue"},
		{"range past end", tok, "GET", a + "/box/keep.txt", "", map[string]string{"x-ms-range": "bytes=10-"}, 416, "InvalidRange"},
		{"public access", tok, "PUT", a + "/pub?restype=container", "", map[string]string{"x-ms-blob-public-access": "blob"}, 409, "PublicAccessNotPermitted"},
		{"head missing", tok, "HEAD", a + "/box/none", "", nil, 404, "BlobNotFound"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, body := e.do(t, tt.token, tt.method, tt.path, tt.body, tt.hdr)
			if r.StatusCode != tt.status || r.Header.Get("x-ms-error-code") != tt.code {
				t.Fatalf("got %d %q (%s), want %d %s", r.StatusCode, r.Header.Get("x-ms-error-code"), body, tt.status, tt.code)
			}
			if r.Header.Get("x-ms-request-id") == "" {
				t.Error("no x-ms-request-id")
			}
			if tt.method == "HEAD" {
				return
			}
			if !strings.Contains(body, "<Code>"+tt.code+"</Code>") || !strings.Contains(body, "RequestId:"+r.Header.Get("x-ms-request-id")) {
				t.Errorf("body %q", body)
			}
			if tt.status == 401 {
				ch := r.Header.Get("WWW-Authenticate")
				if !strings.Contains(ch, "authorization_uri="+e.srv.URL+"/"+testTenant+"/oauth2/authorize") || !strings.Contains(ch, "resource_id=https://storage.azure.com") {
					t.Errorf("challenge %q", ch)
				}
			}
		})
	}
	// Nothing was stored: the container still holds only keep.txt, unchanged.
	page, err := e.blobs.ListBlobs(context.Background(), e.acct(), "box", blobListAll())
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Blobs) != 1 || page.Blobs[0].Name != "keep.txt" || page.Blobs[0].Size != 10 {
		t.Fatalf("store changed: %+v", page.Blobs)
	}
	if r, _ := e.do(t, tok, "GET", a+"/pub?restype=container", "", nil); r.StatusCode != 404 {
		t.Fatalf("refused container exists: %d", r.StatusCode)
	}
}

// TestWireReads checks the headers of reads azblob depends on.
func TestWireReads(t *testing.T) {
	e := newEnv(t)
	tok := e.principal(contributorOID, "Storage Blob Data Contributor", accountID)
	const a = "/" + testAccount
	e.do(t, tok, "PUT", a+"/box?restype=container", "", nil)
	r, _ := e.do(t, tok, "PUT", a+"/box/f", "0123456789", map[string]string{"x-ms-blob-type": "BlockBlob", "x-ms-version": "2025-01-05"})
	etag := r.Header.Get("ETag")
	if r.Header.Get("x-ms-version") != "2025-01-05" || r.Header.Get("x-ms-request-server-encrypted") != "true" || etag == "" {
		t.Fatalf("put headers %v", r.Header)
	}
	r, body := e.do(t, tok, "GET", a+"/box/f", "", map[string]string{"Range": "bytes=0-1", "x-ms-range": "bytes=2-4"})
	if r.StatusCode != 206 || body != "234" || r.Header.Get("Content-Range") != "bytes 2-4/10" || r.Header.Get("Content-Length") != "3" ||
		r.Header.Get("Content-MD5") != "" || r.Header.Get("x-ms-blob-content-md5") == "" || r.Header.Get("Accept-Ranges") != "bytes" {
		t.Fatalf("ranged: %d %q %v", r.StatusCode, body, r.Header)
	}
	r, body = e.do(t, tok, "GET", a+"/box/f", "", map[string]string{"Range": "bytes=5-2"})
	if r.StatusCode != 200 || body != "0123456789" || r.Header.Get("Content-MD5") == "" || r.Header.Get("x-ms-blob-type") != "BlockBlob" {
		t.Fatalf("malformed range: %d %q", r.StatusCode, body)
	}
	r, _ = e.do(t, tok, "GET", a+"/box/f", "", map[string]string{"x-ms-range": "bytes=10-"})
	if r.Header.Get("Content-Range") != "bytes */10" {
		t.Fatalf("416 Content-Range %q", r.Header.Get("Content-Range"))
	}
	r, body = e.do(t, tok, "GET", a+"/box/f", "", map[string]string{"If-None-Match": etag})
	if r.StatusCode != 304 || body != "" || r.Header.Get("ETag") != etag {
		t.Fatalf("304: %d %q %v", r.StatusCode, body, r.Header)
	}
	r, _ = e.do(t, tok, "HEAD", a+"/box/f", "", nil)
	if r.StatusCode != 200 || r.Header.Get("Content-Length") != "10" || r.Header.Get("x-ms-creation-time") == "" {
		t.Fatalf("head: %d %v", r.StatusCode, r.Header)
	}
	if _, err := http.ParseTime(r.Header.Get("Last-Modified")); err != nil {
		t.Fatal(err)
	}
}
