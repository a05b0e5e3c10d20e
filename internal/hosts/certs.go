package hosts

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"

	"github.com/lanyardhq/lanyard/internal/fabric"
)

// maxCSR bounds the PEM we parse; a P-256 CSR is under 1 KiB.
const maxCSR = 8 << 10

// parseCSR accepts exactly one PEM "CERTIFICATE REQUEST" with a valid
// self-signature over an ECDSA P-256 key. Only the public key is used:
// the subject and extensions the agent asks for are ignored, so an agent
// cannot obtain a certificate naming anything but its own host.
func parseCSR(s string) (*ecdsa.PublicKey, error) {
	if len(s) > maxCSR {
		return nil, fabric.Errorf(fabric.CodeInvalidRequest, "csr: too large")
	}
	block, rest := pem.Decode([]byte(s))
	if block == nil || block.Type != "CERTIFICATE REQUEST" {
		return nil, fabric.Errorf(fabric.CodeInvalidRequest, "csr: expected one PEM CERTIFICATE REQUEST block")
	}
	if len(bytes.TrimSpace(rest)) != 0 {
		return nil, fabric.Errorf(fabric.CodeInvalidRequest, "csr: unexpected data after the PEM block")
	}
	csr, err := x509.ParseCertificateRequest(block.Bytes)
	if err != nil {
		return nil, fabric.Errorf(fabric.CodeInvalidRequest, "csr: not a valid certificate request")
	}
	if err := csr.CheckSignature(); err != nil {
		return nil, fabric.Errorf(fabric.CodeInvalidRequest, "csr: the signature does not verify")
	}
	pub, ok := csr.PublicKey.(*ecdsa.PublicKey)
	if !ok || pub.Curve != elliptic.P256() {
		return nil, fabric.Errorf(fabric.CodeInvalidRequest, "csr: the key must be ECDSA P-256")
	}
	return pub, nil
}

// serialOf is how certificate serials are written in store.Host: lower-case
// hex, no leading zeros.
func serialOf(n *big.Int) string { return n.Text(16) }

// issued is a signed client certificate.
type issued struct {
	der    []byte
	serial string
	notAft time.Time
}

// sign issues a client certificate for pub naming hostID. The common name
// is informational: authentication goes by serial (Authenticate).
func (s *Service) sign(pub *ecdsa.PublicKey, hostID string) (issued, error) {
	der, err := s.cfg.CA.SignClient(pub, hostID, s.cfg.CertLifetime)
	if err != nil {
		return issued{}, fmt.Errorf("hosts: sign certificate for %s: %w", hostID, err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return issued{}, fmt.Errorf("hosts: parse issued certificate: %w", err)
	}
	return issued{der: der, serial: serialOf(c.SerialNumber), notAft: c.NotAfter}, nil
}

// enrolment is the wire answer for c; the agent renews at half its
// remaining life.
func (s *Service) enrolment(hostID string, c issued) fabric.Enrolment {
	now := s.cfg.Now()
	return fabric.Enrolment{
		HostID:        hostID,
		Certificate:   string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.der})),
		CACertificate: s.caPEM(),
		ExpiresOn:     c.notAft.UTC(),
		RenewAfter:    now.Add(c.notAft.Sub(now) / 2).UTC(),
	}
}

func (s *Service) caPEM() string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.cfg.CA.Certificate().Raw}))
}
