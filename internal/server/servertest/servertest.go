// Package servertest starts a real Lanyard server on a loopback port for
// tests (the embedded store in a temporary directory, Lanyard's own CA).
// Only tests import it.
package servertest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"os"
	"sync"
	"testing"

	"github.com/lanyardhq/lanyard/internal/server"
)

// Server is a running server.
type Server struct {
	*server.Server
	URL     string // https://127.0.0.1:port
	CAFile  string
	DataDir string
	stop    func()
	once    sync.Once
}

// Start serves from dataDir (a new temporary directory when "") with the
// built-in agent on a free loopback port; configure, when set, adjusts the
// configuration first. The server stops at the end of the test, or at Stop.
func Start(t testing.TB, dataDir string, configure func(*server.Config)) *Server {
	t.Helper()
	if dataDir == "" {
		dataDir = t.TempDir()
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "https://" + ln.Addr().String()
	cfg := server.Config{DataDir: dataDir, Addr: ln.Addr().String(), PublicURL: url, IdentityAddr: "127.0.0.1:0"}
	if configure != nil {
		configure(&cfg)
	}
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := server.New(ctx, cfg)
	if err != nil {
		cancel()
		ln.Close()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	s := &Server{Server: srv, URL: url, CAFile: srv.CAFile(), DataDir: dataDir}
	s.stop = func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		srv.Close()
	}
	t.Cleanup(s.Stop)
	return s
}

// Stop shuts the server down; later calls do nothing.
func (s *Server) Stop() { s.once.Do(s.stop) }

// HTTPClient trusts only the server's CA.
func (s *Server) HTTPClient(t testing.TB) *http.Client {
	t.Helper()
	pem, err := os.ReadFile(s.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pem)
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
}
