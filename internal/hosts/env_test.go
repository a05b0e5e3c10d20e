package hosts

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/fabric"
	"github.com/lanyardhq/lanyard/internal/pki"
	"github.com/lanyardhq/lanyard/internal/store"
	"github.com/lanyardhq/lanyard/internal/store/sqlite"
)

const (
	testRG = "/subscriptions/00000000-0000-0000-0000-00000000000a/resourceGroups/rg1"
	vmA    = testRG + "/providers/Microsoft.Compute/virtualMachines/VmA"
	vmB    = testRG + "/providers/Microsoft.Compute/virtualMachines/vmB"
	siteX  = testRG + "/providers/Microsoft.Web/sites/app1"
)

// clock is a fake clock shared by the service, the CA and the TLS server.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// echoFabric answers with the host it was built for, so a test can see
// which host the server authenticated.
type echoFabric struct{ host string }

func (f echoFabric) Token(_ context.Context, req fabric.TokenRequest) (fabric.Token, error) {
	return fabric.Token{AccessToken: "token-for " + f.host, Audience: req.Audience, MIResourceID: req.Resource}, nil
}

func (f echoFabric) App(_ context.Context, name string) (fabric.App, error) {
	switch name {
	case "boom":
		return fabric.App{}, errors.New("database on fire at /secret/path")
	case "missing":
		return fabric.App{}, fabric.Errorf(fabric.CodeResourceNotFound, "no app %q on this host", name)
	}
	return fabric.App{ID: f.host, Name: name}, nil
}

// env is the service on the real SQLite store and a real CA, behind a real
// TLS server that asks for client certificates as the server's port does.
type env struct {
	t   testing.TB
	st  store.Store
	ca  *pki.CA
	clk *clock
	svc *Service
	srv *httptest.Server
}

func newEnv(t testing.TB) *env {
	t.Helper()
	dir := t.TempDir()
	st, err := sqlite.Open(filepath.Join(dir, "lanyard.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	// Real time to start with: the test's HTTP client checks the server
	// certificate against the wall clock.
	clk := &clock{t: time.Now().UTC().Truncate(time.Second)}
	ca, err := pki.LoadOrCreateCA(filepath.Join(dir, "pki"), pki.WithNow(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	svc, err := New(Config{Store: st, CA: ca, Now: clk.Now,
		Fabric: func(h string) fabric.Fabric { return echoFabric{h} }})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, st: st, ca: ca, clk: clk, svc: svc}
	for _, id := range []string{vmA, vmB} {
		e.resource(id, typeVM)
	}
	e.resource(siteX, "Microsoft.Web/sites")

	mux := http.NewServeMux()
	NewHandler(svc).Routes(mux)
	serverCert, err := ca.ServerCertificate(filepath.Join(dir, "pki"), nil, []net.IP{net.ParseIP("127.0.0.1")})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewUnstartedServer(mux)
	e.srv.TLS = &tls.Config{
		Certificates: []tls.Certificate{serverCert},
		ClientAuth:   tls.VerifyClientCertIfGiven,
		ClientCAs:    ca.CertPool(),
		Time:         clk.Now,
	}
	e.srv.StartTLS()
	t.Cleanup(e.srv.Close)
	return e
}

func (e *env) resource(id, typ string) {
	e.t.Helper()
	err := e.st.CreateResource(context.Background(), store.Resource{ID: id, Type: typ,
		SubscriptionID: "00000000-0000-0000-0000-00000000000a", ResourceGroup: "rg1", Name: filepath.Base(id)})
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) joinToken(host string) string {
	e.t.Helper()
	tok, _, err := e.svc.CreateJoinToken(context.Background(), host)
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// client is an HTTPS client trusting the CA and presenting cert, if any.
func (e *env) client(cert *tls.Certificate) *http.Client {
	cfg := &tls.Config{RootCAs: e.ca.CertPool()}
	if cert != nil {
		cfg.Certificates = []tls.Certificate{*cert}
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}}
}

// post sends body to path and returns the status and the raw answer; a
// transport error (a refused TLS handshake) is status 0.
func (e *env) post(cert *tls.Certificate, path, body string) (int, []byte) {
	e.t.Helper()
	resp, err := e.client(cert).Post(e.srv.URL+path, "application/json", bytes.NewBufferString(body))
	if err != nil {
		return 0, []byte(err.Error())
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func newKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func csrPEM(t testing.TB, key any) string {
	t.Helper()
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "agent"}}, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// join enrols through the HTTP API and returns the agent's TLS certificate.
func (e *env) join(token string) (tls.Certificate, fabric.Enrolment) {
	e.t.Helper()
	key := newKey(e.t)
	code, body := e.post(nil, fabric.PathJoin, mustJSON(e.t, fabric.JoinRequest{JoinToken: token, CSR: csrPEM(e.t, key)}))
	if code != http.StatusOK {
		e.t.Fatalf("join: %d %s", code, body)
	}
	return e.enrolled(body, key)
}

func (e *env) enrolled(body []byte, key *ecdsa.PrivateKey) (tls.Certificate, fabric.Enrolment) {
	e.t.Helper()
	var en fabric.Enrolment
	if err := json.Unmarshal(body, &en); err != nil {
		e.t.Fatal(err)
	}
	block, _ := pem.Decode([]byte(en.Certificate))
	if block == nil {
		e.t.Fatalf("no certificate in %s", body)
	}
	leaf, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		e.t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{block.Bytes}, PrivateKey: key, Leaf: leaf}, en
}

// tokenAs calls the token path with cert and returns the status and, on
// success, the host the server authenticated.
func (e *env) tokenAs(cert *tls.Certificate) (int, string) {
	e.t.Helper()
	code, body := e.post(cert, fabric.PathToken, `{"resource":"`+siteX+`","audience":"https://vault.azure.net"}`)
	if code != http.StatusOK {
		return code, string(body)
	}
	var tok fabric.Token
	if err := json.Unmarshal(body, &tok); err != nil {
		e.t.Fatal(err)
	}
	return code, tok.AccessToken
}
