package hosts

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/lanyardhq/lanyard/internal/store"
)

// Authenticate identifies the host agent behind r by its TLS client
// certificate. The certificate must have been verified by the TLS stack,
// chain to Lanyard's CA (checked again here, at the service's clock, so
// the answer does not depend on how the listener's tls.Config was built),
// be for client authentication, and have a serial that store.Hosts lists
// as the host's current or previous certificate, unexpired. The common
// name is ignored. Nothing is cached: a revocation applies to the next
// request.
//
// A refusal is a *fabric.Error (CodeUnauthorized); a store failure is
// returned wrapped.
func (s *Service) Authenticate(r *http.Request) (hostID, serial string, err error) {
	if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 || len(r.TLS.PeerCertificates) == 0 {
		return "", "", errUnauthorized()
	}
	leaf := r.TLS.PeerCertificates[0]
	if !slices.Contains(leaf.ExtKeyUsage, x509.ExtKeyUsageClientAuth) {
		return "", "", errUnauthorized()
	}
	now := s.cfg.Now()
	_, err = leaf.Verify(x509.VerifyOptions{
		Roots:       s.cfg.CA.CertPool(),
		CurrentTime: now,
		KeyUsages:   []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
	if err != nil {
		return "", "", errUnauthorized()
	}
	serial = serialOf(leaf.SerialNumber)
	h, err := s.cfg.Store.GetHostByCertSerial(r.Context(), serial)
	if errors.Is(err, store.ErrNotFound) {
		return "", "", errUnauthorized()
	}
	if err != nil {
		return "", "", fmt.Errorf("hosts: authenticate: %w", err)
	}
	if !validSerial(serial, h.CertSerial, h.CertExpiresAt, now) &&
		!validSerial(serial, h.PrevCertSerial, h.PrevCertExpiresAt, now) {
		return "", "", errUnauthorized()
	}
	return h.ID, serial, nil
}
