package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"time"
)

// CALifetime is how long the generated CA is valid.
const CALifetime = 10 * 365 * 24 * time.Hour

// File names inside the PKI directory.
const (
	CACertFile     = "ca.crt"
	CAKeyFile      = "ca.key"
	ServerCertFile = "server.crt"
	ServerKeyFile  = "server.key"
)

// CA is Lanyard's certificate authority.
type CA struct {
	cert    *x509.Certificate
	key     *ecdsa.PrivateKey
	certPEM string // path of ca.crt
	now     func() time.Time
}

// Option configures LoadOrCreateCA.
type Option func(*CA)

// WithNow injects the clock used for validity periods and renewal decisions.
func WithNow(now func() time.Time) Option { return func(c *CA) { c.now = now } }

// LoadOrCreateCA loads dir/ca.crt and dir/ca.key, or creates both (ECDSA
// P-256, valid 10 years) if neither exists. If only one exists it fails: a
// lone certificate or key means something went wrong and regenerating would
// silently break every client that trusts the old CA.
func LoadOrCreateCA(dir string, opts ...Option) (*CA, error) {
	ca := &CA{certPEM: filepath.Join(dir, CACertFile), now: time.Now}
	for _, o := range opts {
		o(ca)
	}
	keyPath := filepath.Join(dir, CAKeyFile)
	_, certErr := os.Stat(ca.certPEM)
	_, keyErr := os.Stat(keyPath)
	switch {
	case errors.Is(certErr, fs.ErrNotExist) && errors.Is(keyErr, fs.ErrNotExist):
		if err := ca.create(dir, keyPath); err != nil {
			return nil, fmt.Errorf("pki: create CA: %w", err)
		}
		return ca, nil
	case certErr != nil || keyErr != nil:
		return nil, fmt.Errorf("pki: %s and %s must both exist or both be absent: %w", ca.certPEM, keyPath, errors.Join(certErr, keyErr))
	}
	der, err := readPEM(ca.certPEM, "CERTIFICATE")
	if err != nil {
		return nil, fmt.Errorf("pki: %w", err)
	}
	if ca.cert, err = x509.ParseCertificate(der); err != nil {
		return nil, fmt.Errorf("pki: %s: %w", ca.certPEM, err)
	}
	if ca.key, err = readKey(keyPath); err != nil {
		return nil, fmt.Errorf("pki: %w", err)
	}
	if !ca.key.PublicKey.Equal(ca.cert.PublicKey) {
		return nil, fmt.Errorf("pki: %s does not match %s", keyPath, ca.certPEM)
	}
	return ca, nil
}

func (ca *CA) create(dir, keyPath string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	now := ca.now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "Lanyard CA", Organization: []string{"Lanyard"}},
		NotBefore:             now.Add(-time.Hour), // tolerate clock skew
		NotAfter:              now.Add(CALifetime),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return err
	}
	if ca.cert, err = x509.ParseCertificate(der); err != nil {
		return err
	}
	ca.key = key
	// The key is written first: a crash in between leaves a key without a
	// certificate, which LoadOrCreateCA reports instead of overwriting.
	if err := writeKey(keyPath, key); err != nil {
		return err
	}
	return writePEM(ca.certPEM, "CERTIFICATE", der, 0o644)
}

// Certificate returns the CA certificate.
func (ca *CA) Certificate() *x509.Certificate { return ca.cert }

// CertFile is the path of ca.crt, which clients are told to trust.
func (ca *CA) CertFile() string { return ca.certPEM }

// CertPool is a pool holding only the CA certificate.
func (ca *CA) CertPool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.cert)
	return p
}

// SignClient issues a client-authentication certificate (DER) for pub, used
// by host agents to prove which host they are.
func (ca *CA) SignClient(pub crypto.PublicKey, commonName string, ttl time.Duration) ([]byte, error) {
	if commonName == "" || ttl <= 0 {
		return nil, errors.New("pki: client certificate needs a common name and a positive lifetime")
	}
	now := ca.now()
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: commonName},
		NotBefore:    now.Add(-5 * time.Minute),
		NotAfter:     minTime(now.Add(ttl), ca.cert.NotAfter),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, pub, ca.key)
	if err != nil {
		return nil, fmt.Errorf("pki: sign client certificate: %w", err)
	}
	return der, nil
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return n.Add(n, big.NewInt(1))
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
