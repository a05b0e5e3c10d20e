package hosts

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/pki"
	"github.com/lanyardhq/lanyard/internal/store"
)

// withPeer is a request whose TLS state claims a verified chain ending in
// cert, as the TLS stack would report it.
func withPeer(cert *x509.Certificate) *http.Request {
	r := httptest.NewRequest("POST", "/", nil)
	r.TLS = &tls.ConnectionState{PeerCertificates: []*x509.Certificate{cert},
		VerifiedChains: [][]*x509.Certificate{{cert}}}
	return r
}

func TestAuthenticate(t *testing.T) {
	e := newEnv(t)
	a, _ := e.join(e.joinToken(vmA))
	e.clk.Add(time.Hour)
	b, _ := e.renew(&a)
	revoked, _ := e.join(e.joinToken(vmB))
	if err := e.svc.Revoke(t.Context(), vmB); err != nil {
		t.Fatal(err)
	}
	// Same key, same CA, never recorded in the store.
	der, err := e.ca.SignClient(newKey(t).Public(), vmA, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	unknown, _ := x509.ParseCertificate(der)
	otherCA, err := pki.LoadOrCreateCA(filepath.Join(t.TempDir(), "other"), pki.WithNow(e.clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	der, _ = otherCA.SignClient(newKey(t).Public(), vmA, time.Hour)
	foreign, _ := x509.ParseCertificate(der)
	serverCert, err := e.ca.ServerCertificate(filepath.Join(t.TempDir(), "srv"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Give vmB the serials of the server and the foreign certificate, so
	// that only the usage and chain checks can refuse them: a serial alone
	// is not enough.
	err = e.st.UpdateHost(t.Context(), vmB, func(h store.Host) (store.Host, error) {
		h.CertSerial, h.CertExpiresAt = serialOf(serverCert.Leaf.SerialNumber), e.clk.Now().Add(time.Hour)
		h.PrevCertSerial, h.PrevCertExpiresAt = serialOf(foreign.SerialNumber), e.clk.Now().Add(time.Hour)
		return h, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	noTLS := httptest.NewRequest("POST", "/", nil)
	noChain := withPeer(b.Leaf)
	noChain.TLS.VerifiedChains = nil

	cases := []struct {
		name string
		r    *http.Request
		host string
	}{
		{"current", withPeer(b.Leaf), vmA},
		{"previous", withPeer(a.Leaf), vmA},
		{"no TLS", noTLS, ""},
		{"not verified by TLS", noChain, ""},
		{"revoked", withPeer(revoked.Leaf), ""},
		{"unknown serial", withPeer(unknown), ""},
		{"other CA", withPeer(foreign), ""},
		{"server certificate", withPeer(serverCert.Leaf), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			host, serial, err := e.svc.Authenticate(c.r)
			if c.host == "" {
				if err == nil {
					t.Fatalf("accepted as %s", host)
				}
				return
			}
			if err != nil || host != c.host || serial != serialOf(c.r.TLS.PeerCertificates[0].SerialNumber) {
				t.Fatalf("got %q %q %v", host, serial, err)
			}
		})
	}
	// Expiry follows the service's clock: a (previous) lapses first.
	e.clk.Add(23*time.Hour + time.Second)
	if _, _, err := e.svc.Authenticate(withPeer(a.Leaf)); err == nil {
		t.Fatal("expired previous certificate accepted")
	}
	if _, _, err := e.svc.Authenticate(withPeer(b.Leaf)); err != nil {
		t.Fatalf("current certificate: %v", err)
	}
	e.clk.Add(time.Hour)
	if _, _, err := e.svc.Authenticate(withPeer(b.Leaf)); err == nil {
		t.Fatal("expired current certificate accepted")
	}
}

// TestTLSRefusesForeignCertificates checks the listener's own refusals,
// which the integrator's tls.Config must reproduce.
func TestTLSRefusesForeignCertificates(t *testing.T) {
	e := newEnv(t)
	otherCA, err := pki.LoadOrCreateCA(filepath.Join(t.TempDir(), "other"), pki.WithNow(e.clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	key := newKey(t)
	der, _ := otherCA.SignClient(key.Public(), vmA, time.Hour)
	foreign := tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	serverCert, err := e.ca.ServerCertificate(filepath.Join(t.TempDir(), "srv"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*tls.Certificate{"other CA": &foreign, "server certificate": &serverCert} {
		if code, body := e.tokenAs(c); code == 200 {
			t.Fatalf("%s accepted: %s", name, body)
		}
	}
}
