package pki

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestCAFilesAndReload(t *testing.T) {
	dir := t.TempDir()
	ca, err := LoadOrCreateCA(dir)
	if err != nil {
		t.Fatal(err)
	}
	for name, mode := range map[string]os.FileMode{CACertFile: 0o644, CAKeyFile: 0o600} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || fi.Mode().Perm() != mode {
			t.Fatalf("%s: %v mode %v, want %v", name, err, fi.Mode().Perm(), mode)
		}
	}
	c := ca.Certificate()
	if !c.IsCA || c.PublicKeyAlgorithm != x509.ECDSA || c.NotAfter.Sub(c.NotBefore) < 9*365*24*time.Hour {
		t.Fatalf("bad CA certificate: isCA=%v alg=%v validity=%v", c.IsCA, c.PublicKeyAlgorithm, c.NotAfter.Sub(c.NotBefore))
	}
	again, err := LoadOrCreateCA(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Certificate().Equal(c) {
		t.Fatal("reload produced a different CA")
	}
	if ca.CertFile() != filepath.Join(dir, CACertFile) {
		t.Fatal(ca.CertFile())
	}
}

func TestCARefusesInconsistentFiles(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadOrCreateCA(dir); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, CAKeyFile))
	if _, err := LoadOrCreateCA(dir); err == nil {
		t.Fatal("loaded a CA without its key")
	}
	// A world-readable key is refused.
	dir2 := t.TempDir()
	LoadOrCreateCA(dir2)
	os.Chmod(filepath.Join(dir2, CAKeyFile), 0o644)
	if _, err := LoadOrCreateCA(dir2); err == nil {
		t.Fatal("loaded a world-readable CA key")
	}
}

func TestServerCertificateServesTLS(t *testing.T) {
	dir := t.TempDir()
	ca, err := LoadOrCreateCA(dir)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.ServerCertificate(dir, []string{"lanyard.example"}, []net.IP{net.ParseIP("10.1.2.3")})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{ServerCertFile, ServerKeyFile} {
		if fi, _ := os.Stat(filepath.Join(dir, name)); fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s mode %v", name, fi.Mode().Perm())
		}
	}
	leaf, _ := x509.ParseCertificate(cert.Certificate[0])
	for _, host := range []string{"localhost", "lanyard.example", "127.0.0.1", "::1", "10.1.2.3"} {
		if err := leaf.VerifyHostname(host); err != nil {
			t.Errorf("VerifyHostname(%s): %v", host, err)
		}
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.StartTLS()
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ca.CertPool()}}}
	resp, err := client.Get(srv.URL)
	if err != nil {
		t.Fatalf("TLS with CA pool: %v", err)
	}
	resp.Body.Close()
}

func TestServerCertificateRenewal(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{t: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	ca, err := LoadOrCreateCA(dir, WithNow(clk.now))
	if err != nil {
		t.Fatal(err)
	}
	serialOf := func(dns ...string) string {
		t.Helper()
		c, err := ca.ServerCertificate(dir, dns, nil)
		if err != nil {
			t.Fatal(err)
		}
		leaf, _ := x509.ParseCertificate(c.Certificate[0])
		return leaf.SerialNumber.String()
	}
	first := serialOf("a.example")
	if serialOf("A.example ") != first {
		t.Error("same names (other case) reissued")
	}
	second := serialOf("a.example", "b.example")
	if second == first {
		t.Error("changed names not reissued")
	}
	clk.t = clk.t.Add(ServerLifetime - RenewBefore - time.Hour)
	if serialOf("a.example", "b.example") != second {
		t.Error("reissued too early")
	}
	clk.t = clk.t.Add(2 * time.Hour)
	if serialOf("a.example", "b.example") == second {
		t.Error("not reissued within 30 days of expiry")
	}
	// A certificate from another CA is replaced.
	other, _ := LoadOrCreateCA(t.TempDir(), WithNow(clk.now))
	if _, err := other.ServerCertificate(dir, []string{"a.example", "b.example"}, nil); err != nil {
		t.Fatal(err)
	}
	c, _ := ca.ServerCertificate(dir, []string{"a.example", "b.example"}, nil)
	leaf, _ := x509.ParseCertificate(c.Certificate[0])
	if err := leaf.CheckSignatureFrom(ca.Certificate()); err != nil {
		t.Error("foreign server certificate kept")
	}
}

func TestSignClient(t *testing.T) {
	ca, _ := LoadOrCreateCA(t.TempDir())
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, err := ca.SignClient(&key.PublicKey, "host-1", 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	_, err = leaf.Verify(x509.VerifyOptions{Roots: ca.CertPool(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	if err != nil || leaf.Subject.CommonName != "host-1" {
		t.Fatalf("client cert: %v %q", err, leaf.Subject.CommonName)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: ca.CertPool(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err == nil {
		t.Fatal("client certificate usable as a server certificate")
	}
	if _, err := ca.SignClient(&key.PublicKey, "", time.Hour); err == nil {
		t.Fatal("empty common name accepted")
	}
}
