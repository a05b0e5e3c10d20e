package hoststest

import (
	"context"
	"crypto/tls"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/fabric"
	"github.com/lanyardhq/lanyard/internal/hosts"
	"github.com/lanyardhq/lanyard/internal/pki"
	"github.com/lanyardhq/lanyard/internal/store"
	"github.com/lanyardhq/lanyard/internal/store/sqlite"
)

// VM is the one virtual machine that exists in the store, so a join token
// can be made for it.
const VM = "/subscriptions/00000000-0000-0000-0000-00000000000a/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/vm1"

// Config says which hosts server to run; only Fabric is required.
type Config struct {
	// Fabric answers an authenticated host's token and app calls.
	Fabric func(hostID string) fabric.Fabric
	// Now drives the CA, the hosts service and the TLS handshake's
	// certificate checks; nil is the real clock everywhere.
	Now func() time.Time
	Log *slog.Logger // nil discards
	// Wrap, if set, sees every request before the hosts handler, e.g. to
	// record the client certificate a call came with.
	Wrap func(http.Handler) http.Handler
}

// Server is a running hosts server and the parts behind it.
type Server struct {
	*httptest.Server
	Service *hosts.Service
	Store   store.Store
}

// Start runs the server until t ends. As on the server's port, TLS asks
// for client certificates signed by the CA but does not require them, for
// join and the CA download carry none. Any failure ends the test.
func Start(t testing.TB, c Config) *Server {
	t.Helper()
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	dir := t.TempDir()
	st, err := sqlite.Open(filepath.Join(dir, "lanyard.db"))
	if err != nil {
		t.Fatalf("hoststest: open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	var caOpts []pki.Option
	if c.Now != nil {
		caOpts = append(caOpts, pki.WithNow(c.Now))
	}
	ca, err := pki.LoadOrCreateCA(filepath.Join(dir, "pki"), caOpts...)
	if err != nil {
		t.Fatalf("hoststest: CA: %v", err)
	}
	err = st.CreateResource(context.Background(), store.Resource{ID: VM, Type: "Microsoft.Compute/virtualMachines",
		SubscriptionID: "00000000-0000-0000-0000-00000000000a", ResourceGroup: "rg1", Name: "vm1"})
	if err != nil {
		t.Fatalf("hoststest: create VM: %v", err)
	}
	svc, err := hosts.New(hosts.Config{Store: st, CA: ca, Now: c.Now, Log: c.Log, Fabric: c.Fabric})
	if err != nil {
		t.Fatalf("hoststest: hosts service: %v", err)
	}
	mux := http.NewServeMux()
	hosts.NewHandler(svc).Routes(mux)
	var h http.Handler = mux
	if c.Wrap != nil {
		h = c.Wrap(mux)
	}
	cert, err := ca.ServerCertificate(filepath.Join(dir, "pki"), nil, []net.IP{net.ParseIP("127.0.0.1")})
	if err != nil {
		t.Fatalf("hoststest: server certificate: %v", err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, ClientAuth: tls.VerifyClientCertIfGiven,
		ClientCAs: ca.CertPool(), Time: c.Now}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return &Server{Server: srv, Service: svc, Store: st}
}

// JoinToken returns a new one-time join token for VM.
func (s *Server) JoinToken(t testing.TB) string {
	t.Helper()
	tok, _, err := s.Service.CreateJoinToken(context.Background(), VM)
	if err != nil {
		t.Fatalf("hoststest: join token: %v", err)
	}
	return tok
}
