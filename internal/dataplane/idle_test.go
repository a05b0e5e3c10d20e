package dataplane

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// A body that stalls ends with an error after idle; one that trickles
// steadily takes as long as it needs. The margins are wide (trickle every
// idle/5) because the whole suite shares two cores; results are buffered so
// a failing test never leaves a handler blocked, which would hang srv.Close.
func TestIdleBody(t *testing.T) {
	const idle = time.Second
	type result struct {
		n   int
		err error
	}
	got := make(chan result, 4)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		IdleBody(w, r, idle)
		b, err := io.ReadAll(r.Body)
		got <- result{len(b), err}
	}))
	srv.EnableHTTP2 = false
	srv.StartTLS()
	defer srv.Close()
	dial := func() *tls.Conn {
		c, err := tls.Dial("tcp", srv.Listener.Addr().String(), &tls.Config{InsecureSkipVerify: true})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	const head = "PUT /acct/c/b HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n"

	// Stalled after 10 bytes.
	c := dial()
	defer c.Close()
	start := time.Now()
	fmt.Fprint(c, head+strings.Repeat("x", 10))
	select {
	case r := <-got:
		if r.err == nil || time.Since(start) > 5*idle {
			t.Fatalf("stalled body: read %d bytes, err %v after %v", r.n, r.err, time.Since(start))
		}
	case <-time.After(10 * idle):
		t.Fatal("stalled body still being read")
	}

	// Trickling: 10 bytes every idle/5, ten times, takes two idles.
	c2 := dial()
	defer c2.Close()
	c2.SetDeadline(time.Now().Add(20 * idle))
	fmt.Fprint(c2, head)
	for range 10 {
		time.Sleep(idle / 5)
		fmt.Fprint(c2, strings.Repeat("y", 10))
	}
	var r result
	select {
	case r = <-got:
	case <-time.After(10 * idle):
		t.Fatal("trickling body not read")
	}
	if r.err != nil || r.n != 100 {
		t.Fatalf("trickling body: read %d bytes, err %v", r.n, r.err)
	}
	// The handler wrote nothing: the server answers 200 on the same connection.
	res, err := http.ReadResponse(bufio.NewReader(c2), nil)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("response %v %v", res, err)
	}
}

// Unread body after the handler returns: Go discards it before reusing
// the connection (and, without a deadline, the 401 was never even sent).
// A client that never sends it cannot keep the connection, and its
// goroutine, past idle.
func TestIdleBodyUnread(t *testing.T) {
	const idle = time.Second
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		IdleBody(w, r, idle)
		w.WriteHeader(http.StatusUnauthorized)
	}))
	srv.EnableHTTP2 = false
	srv.StartTLS()
	defer srv.Close()
	c, err := tls.Dial("tcp", srv.Listener.Addr().String(), &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * idle))
	fmt.Fprint(c, "PUT /acct/c/b HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n")
	br := bufio.NewReader(c)
	res, err := http.ReadResponse(br, nil)
	if err != nil || res.StatusCode != 401 {
		t.Fatalf("response %v %v", res, err)
	}
	io.Copy(io.Discard, res.Body)
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("connection not closed after idle: %v", err)
	}
}
