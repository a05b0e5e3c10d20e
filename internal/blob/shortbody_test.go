package blob

import (
	"bufio"
	"crypto/tls"
	"net/http"
	"strings"
	"testing"
)

// TestShortBody: a body shorter than its Content-Length is refused with
// 400 and nothing is stored.
func TestShortBody(t *testing.T) {
	e := newEnv(t)
	tok := e.principal(contributorOID, "Storage Blob Data Contributor", accountID)
	if r, _ := e.do(t, tok, "PUT", "/"+testAccount+"/box?restype=container", "", nil); r.StatusCode != 201 {
		t.Fatal(r.StatusCode)
	}
	conn, err := tls.Dial("tcp", e.srv.Listener.Addr().String(), &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	req := "PUT /" + testAccount + "/box/short HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + tok +
		"\r\nx-ms-blob-type: BlockBlob\r\nContent-Length: 10\r\n\r\nabc"
	if _, err := conn.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	if err := conn.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 || resp.Header.Get("x-ms-error-code") != "InvalidInput" {
		t.Fatalf("got %d %q", resp.StatusCode, resp.Header.Get("x-ms-error-code"))
	}
	if r, body := e.do(t, tok, "GET", "/"+testAccount+"/box/short", "", nil); r.StatusCode != 404 || !strings.Contains(body, "BlobNotFound") {
		t.Fatalf("short blob stored: %d %s", r.StatusCode, body)
	}
}
