package enrolment

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/fabric"
	"github.com/lanyardhq/lanyard/internal/pki"
)

// fakeClock is a settable clock whose timers fire only when the test says.
type fakeClock struct {
	mu    sync.Mutex
	t     time.Time
	waits chan fakeWait
}

type fakeWait struct {
	d    time.Duration
	fire chan time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Now().UTC().Truncate(time.Second), waits: make(chan fakeWait, 16)}
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *fakeClock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	w := fakeWait{d: d, fire: make(chan time.Time, 1)}
	c.waits <- w
	return w.fire
}

// next waits for Run's next timer, advances the clock by it and fires it.
func (c *fakeClock) next(t *testing.T) time.Duration {
	t.Helper()
	select {
	case w := <-c.waits:
		c.Advance(w.d)
		w.fire <- c.Now()
		return w.d
	case <-time.After(10 * time.Second):
		t.Fatal("Run set no timer")
		return 0
	}
}

// fabricServer stands in for the server's hosts handler: one-time join
// tokens, client certificates from a real pki.CA, renewal keeping the
// previous certificate valid, revocation, and a token endpoint that reports
// which certificate serial called it.
type fabricServer struct {
	*httptest.Server
	ca       *pki.CA
	clock    *fakeClock
	lifetime time.Duration
	hostID   string

	mu          sync.Mutex
	tokenHashes map[string]bool
	serials     map[string]bool // accepted client certificate serials
	joins       int
	renewals    int
	failRenew   bool
	lastSerial  string
}

func newFabricServer(t *testing.T, clock *fakeClock) *fabricServer {
	t.Helper()
	dir := t.TempDir()
	ca, err := pki.LoadOrCreateCA(dir, pki.WithNow(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.ServerCertificate(dir, nil, []net.IP{net.ParseIP("127.0.0.1")})
	if err != nil {
		t.Fatal(err)
	}
	s := &fabricServer{ca: ca, clock: clock, lifetime: 24 * time.Hour, hostID: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1",
		tokenHashes: map[string]bool{}, serials: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+fabric.PathCA, func(w http.ResponseWriter, _ *http.Request) {
		w.Write(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Certificate().Raw}))
	})
	mux.HandleFunc("POST "+fabric.PathJoin, s.join)
	mux.HandleFunc("POST "+fabric.PathRenew, s.renew)
	mux.HandleFunc("POST "+fabric.PathToken, s.token)
	s.Server = httptest.NewUnstartedServer(mux)
	s.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, ClientAuth: tls.VerifyClientCertIfGiven, ClientCAs: ca.CertPool(), Time: clock.Now}
	s.StartTLS()
	t.Cleanup(s.Close)
	return s
}

// newToken issues a one-time join token pinning the server's CA.
func (s *fabricServer) newToken(t *testing.T) string {
	tok, hash, err := fabric.NewJoinToken(s.ca.Certificate().Raw)
	if err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	s.tokenHashes[hash] = true
	s.mu.Unlock()
	return tok
}

func (s *fabricServer) revoke() { s.mu.Lock(); clear(s.serials); s.mu.Unlock() }

func fail(w http.ResponseWriter, code, msg string) {
	e := fabric.Errorf(code, "%s", msg)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.Status)
	json.NewEncoder(w).Encode(e)
}

func (s *fabricServer) issue(w http.ResponseWriter, csrPEM string) (serial string, ok bool) {
	b, _ := pem.Decode([]byte(csrPEM))
	if b == nil {
		fail(w, fabric.CodeInvalidRequest, "no CSR")
		return "", false
	}
	csr, err := x509.ParseCertificateRequest(b.Bytes)
	if err != nil || csr.CheckSignature() != nil {
		fail(w, fabric.CodeInvalidRequest, "bad CSR")
		return "", false
	}
	der, err := s.ca.SignClient(csr.PublicKey, "vm1", s.lifetime)
	if err != nil {
		fail(w, fabric.CodeServerError, err.Error())
		return "", false
	}
	leaf, _ := x509.ParseCertificate(der)
	now := s.clock.Now()
	json.NewEncoder(w).Encode(fabric.Enrolment{
		HostID:        s.hostID,
		Certificate:   string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		CACertificate: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.ca.Certificate().Raw})),
		ExpiresOn:     leaf.NotAfter,
		RenewAfter:    now.Add(s.lifetime / 2),
	})
	return serialHex(leaf), true
}

func (s *fabricServer) join(w http.ResponseWriter, r *http.Request) {
	var req fabric.JoinRequest
	json.NewDecoder(r.Body).Decode(&req)
	secret, _, err := fabric.ParseJoinToken(req.JoinToken)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.joins++
	if err != nil || !s.tokenHashes[fabric.HashJoinSecret(secret)] {
		fail(w, fabric.CodeUnauthorized, "invalid join token")
		return
	}
	delete(s.tokenHashes, fabric.HashJoinSecret(secret))
	if serial, ok := s.issue(w, req.CSR); ok {
		s.serials[serial] = true
	}
}

// caller is the serial of an accepted client certificate, or "".
func (s *fabricServer) caller(r *http.Request) string {
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		return ""
	}
	serial := serialHex(r.TLS.PeerCertificates[0])
	if !s.serials[serial] {
		return ""
	}
	return serial
}

func (s *fabricServer) renew(w http.ResponseWriter, r *http.Request) {
	var req fabric.RenewRequest
	json.NewDecoder(r.Body).Decode(&req)
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.caller(r)
	if old == "" {
		fail(w, fabric.CodeUnauthorized, "no valid client certificate")
		return
	}
	if s.failRenew {
		fail(w, fabric.CodeServerError, "store unavailable")
		return
	}
	s.renewals++
	if serial, ok := s.issue(w, req.CSR); ok {
		s.serials = map[string]bool{old: true, serial: true} // previous stays valid
	}
}

func (s *fabricServer) token(w http.ResponseWriter, r *http.Request) {
	var req fabric.TokenRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		fail(w, fabric.CodeInvalidRequest, "bad body")
		return
	}
	s.mu.Lock()
	serial := s.caller(r)
	s.lastSerial = serial
	s.mu.Unlock()
	if serial == "" {
		fail(w, fabric.CodeUnauthorized, "no valid client certificate")
		return
	}
	if req.Resource != s.hostID {
		fail(w, fabric.CodeResourceNotFound, fmt.Sprintf("resource %s is not placed on this host", req.Resource))
		return
	}
	json.NewEncoder(w).Encode(fabric.Token{AccessToken: "tok-" + serial, Audience: req.Audience, ExpiresOn: s.clock.Now().Add(24 * time.Hour)})
}
