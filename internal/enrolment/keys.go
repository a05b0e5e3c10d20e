package enrolment

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/lanyardhq/lanyard/internal/fabric"
)

// newKeyAndCSR makes a fresh P-256 key and a PEM CSR for it. The server
// chooses the certificate's subject; the CSR only proves possession.
func newKeyAndCSR() (*ecdsa.PrivateKey, string, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, "", err
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject: pkix.Name{CommonName: "lanyard-agent"},
	}, key)
	if err != nil {
		return nil, "", err
	}
	return key, string(pemBytes("CERTIFICATE REQUEST", der)), nil
}

// checkEnrolment verifies what the server issued before it is saved: a
// client certificate for our key, chaining to the CA we already trust (not
// whatever CA the answer names), for the host we expect (wantHost "" on
// join).
func checkEnrolment(e fabric.Enrolment, key *ecdsa.PrivateKey, ca *x509.Certificate, wantHost string) ([]byte, *x509.Certificate, error) {
	if e.HostID == "" || (wantHost != "" && e.HostID != wantHost) {
		return nil, nil, fmt.Errorf("server issued a certificate for host %q, expected %q", e.HostID, wantHost)
	}
	if caDER, ok := firstPEM([]byte(e.CACertificate), "CERTIFICATE"); ok && !bytes.Equal(caDER, ca.Raw) {
		return nil, nil, errors.New("server answered with a different CA certificate than the one pinned at join")
	}
	der, ok := firstPEM([]byte(e.Certificate), "CERTIFICATE")
	if !ok {
		return nil, nil, errors.New("server answer holds no certificate")
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, fmt.Errorf("server issued an unreadable certificate: %w", err)
	}
	if !key.PublicKey.Equal(leaf.PublicKey) {
		return nil, nil, errors.New("server issued a certificate for another key")
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	if _, err := leaf.Verify(x509.VerifyOptions{
		Roots:       roots,
		CurrentTime: leaf.NotBefore,
		KeyUsages:   []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}); err != nil {
		return nil, nil, fmt.Errorf("server issued a certificate the pinned CA does not vouch for: %w", err)
	}
	return der, leaf, nil
}

func firstPEM(data []byte, typ string) ([]byte, bool) {
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return nil, false
		}
		if b.Type == typ {
			return b.Bytes, true
		}
	}
}

// loadKeyPair reads key.pem and cert.pem, first completing a renewal that a
// crash interrupted between writing its certificate and renaming its key.
func loadKeyPair(dir string) (tls.Certificate, *x509.Certificate, error) {
	if err := finishRenewal(dir); err != nil {
		return tls.Certificate{}, nil, err
	}
	keyPath := filepath.Join(dir, keyFile)
	info, err := os.Stat(keyPath)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	if info.Mode().Perm()&0o077 != 0 {
		return tls.Certificate{}, nil, fmt.Errorf("%s has mode %04o; a private key must not be readable by group or others", keyPath, info.Mode().Perm())
	}
	pair, err := tls.LoadX509KeyPair(filepath.Join(dir, certFile), keyPath)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	return pair, pair.Leaf, nil
}

// finishRenewal resolves a leftover key.next.pem: if cert.pem is already
// the renewed certificate, the new key belongs with it; otherwise the
// renewal never got its certificate and the key is garbage.
func finishRenewal(dir string) error {
	next := filepath.Join(dir, nextKeyFile)
	if _, err := os.Stat(next); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if _, err := tls.LoadX509KeyPair(filepath.Join(dir, certFile), next); err == nil {
		return os.Rename(next, filepath.Join(dir, keyFile))
	}
	return os.Remove(next)
}

func loadCA(dir string) (*x509.Certificate, error) {
	data, err := os.ReadFile(filepath.Join(dir, caFile))
	if err != nil {
		return nil, err
	}
	der, ok := firstPEM(data, "CERTIFICATE")
	if !ok {
		return nil, fmt.Errorf("%s holds no certificate", filepath.Join(dir, caFile))
	}
	return x509.ParseCertificate(der)
}
