package agent

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// openSocketSession posts to the session socket over a raw connection the
// test controls, returning the connection and the first line.
func openSocketSession(t *testing.T, path, body string) (net.Conn, *http.Response, *bufio.Reader) {
	t.Helper()
	c, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", "http://agent"+SessionsPath, strings.NewReader(body))
	if err := req.Write(c); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, req)
	if err != nil {
		t.Fatal(err)
	}
	return c, resp, bufio.NewReader(resp.Body)
}

func TestSessionSocket(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "agent.sock")
	env := startAgent(t, func(c *Config) { c.SocketPath = sock })
	fi, err := os.Stat(sock)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("socket mode: %v %v", fi.Mode(), err)
	}

	conn, resp, body := openSocketSession(t, sock, `{"app":"web1"}`)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	line, err := body.ReadBytes('\n')
	if err != nil {
		t.Fatal(err)
	}
	var info SessionInfo
	if err := json.Unmarshal(line, &info); err != nil {
		t.Fatal(err)
	}
	if info.AppID != testApp || info.IdentityEndpoint != env.agent.IdentityEndpoint() || len(info.IdentityHeader) != headerLen {
		t.Fatalf("info %+v", info)
	}
	u := info.IdentityEndpoint + "?api-version=2019-08-01&resource=https://sock.example"
	hdr := map[string]string{"X-IDENTITY-HEADER": info.IdentityHeader}
	if st, _, _ := env.do(t, "GET", u, hdr); st != 200 {
		t.Fatalf("with session header: %d", st)
	}

	// The client process dies: its connection closes, the header is revoked.
	conn.Close()
	deadline := time.Now().Add(5 * time.Second)
	for env.agent.sessions.len() > 1 {
		if time.Now().After(deadline) {
			t.Fatal("session not revoked after the client disconnected")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if st, body, _ := env.do(t, "GET", u, hdr); st != 401 {
		t.Fatalf("after disconnect: %d %v", st, body)
	}

	bad := []struct {
		body   string
		status int
		code   string
	}{
		{`{"app":"nope"}`, 404, "resource_not_found"},
		{`{"app":""}`, 400, "invalid_request"},
		{`{"app":"web1","extra":1}`, 400, "invalid_request"},
		{`not json`, 400, "invalid_request"},
		{`{"app":"web1"} {}`, 400, "invalid_request"},
	}
	for _, tc := range bad {
		c, resp, br := openSocketSession(t, sock, tc.body)
		var e struct{ Error, ErrorDescription string }
		json.NewDecoder(br).Decode(&e)
		c.Close()
		if resp.StatusCode != tc.status || e.Error != tc.code {
			t.Errorf("%s: %d %+v, want %d %s", tc.body, resp.StatusCode, e, tc.status, tc.code)
		}
	}
	if n := env.agent.sessions.len(); n != 1 {
		t.Errorf("%d sessions after refused requests, want 1", n)
	}
}

func TestSocketStaleAndInUse(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "agent.sock")
	// A stale socket: bound, then its owner vanished without unlinking.
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	ln.Close()
	env := startAgent(t, func(c *Config) { c.SocketPath = sock })
	// In use: a second agent must refuse it.
	if _, err := New(Config{Fabric: env.fab, SocketPath: sock}); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("second agent on a live socket: %v", err)
	}
	// Not a socket: never removed.
	file := filepath.Join(dir, "file")
	os.WriteFile(file, []byte("x"), 0o600)
	if _, err := New(Config{Fabric: env.fab, SocketPath: file}); err == nil {
		t.Fatal("agent replaced a regular file")
	}
	if _, err := os.Stat(file); err != nil {
		t.Fatal(err)
	}
}

func TestServeStopsAndRemovesSocket(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "agent.sock")
	clk := &clock{t: time.Unix(1_700_000_000, 0)}
	a, err := New(Config{Fabric: newTestFabric(clk.Now), SocketPath: sock, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx) }()
	conn, resp, _ := openSocketSession(t, sock, `{"app":"web1"}`)
	defer conn.Close()
	if resp.StatusCode != 200 {
		t.Fatal(resp.StatusCode)
	}
	cancel() // a held session must not keep Serve from returning
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return")
	}
	if _, err := os.Stat(sock); !os.IsNotExist(err) {
		t.Errorf("socket left behind: %v", err)
	}
	if a.sessions.len() != 0 {
		t.Errorf("%d sessions survive Serve", a.sessions.len())
	}
}

func TestConfigValidation(t *testing.T) {
	fab := newTestFabric(time.Now)
	tests := []struct {
		cfg Config
		ok  bool
	}{
		{Config{Fabric: fab}, true},
		{Config{}, false},
		{Config{Fabric: fab, IdentityAddr: "0.0.0.0:0"}, false},
		{Config{Fabric: fab, IdentityAddr: "localhost:0"}, false},
		{Config{Fabric: fab, IdentityAddr: "10.1.2.3:0"}, false},
		{Config{Fabric: fab, IdentityAddr: "[::1]:0"}, true},
		{Config{Fabric: fab, IMDSAddr: "0.0.0.0:80"}, false},
		{Config{Fabric: fab, IMDSAddr: "127.0.0.1:0"}, true},
		{Config{Fabric: fab, Burst: -1}, false},
		{Config{Fabric: fab, MaxStale: -time.Second}, false},
	}
	for _, tc := range tests {
		a, err := New(tc.cfg)
		if (err == nil) != tc.ok {
			t.Errorf("%+v: err %v, want ok=%v", tc.cfg, err, tc.ok)
		}
		if a != nil {
			a.closeListeners()
		}
	}
}
