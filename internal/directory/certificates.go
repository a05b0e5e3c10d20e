package directory

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"strings"

	"github.com/lanyardhq/lanyard/internal/store"
)

// maxCertificate bounds an uploaded certificate (PEM or base64 DER).
const maxCertificate = 16 << 10

// parseCertificate reads a certificate given as PEM or as base64 DER (what
// Graph's keyCredential.key holds) and checks that its key can sign a
// client assertion: RSA of 2048 bits or more, or ECDSA P-256.
func parseCertificate(text string) (*x509.Certificate, error) {
	if len(text) > maxCertificate {
		return nil, badRequest("The certificate must be at most %d bytes.", maxCertificate)
	}
	var der []byte
	if b, _ := pem.Decode([]byte(text)); b != nil {
		if b.Type != "CERTIFICATE" {
			return nil, badRequest("The PEM block is not a CERTIFICATE; upload only the certificate, never a private key.")
		}
		der = b.Bytes
	} else {
		d, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(text), ""))
		if err != nil {
			return nil, badRequest("The certificate must be PEM or base64-encoded DER.")
		}
		der = d
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, badRequest("The certificate could not be parsed.")
	}
	switch k := cert.PublicKey.(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() < 2048 {
			return nil, badRequest("The certificate's RSA key must be at least 2048 bits.")
		}
	case *ecdsa.PublicKey:
		if k.Curve != elliptic.P256() {
			return nil, badRequest("The certificate's ECDSA key must be on P-256.")
		}
	default:
		return nil, badRequest("The certificate's key must be RSA or ECDSA P-256.")
	}
	return cert, nil
}

// thumbprint is Entra's customKeyIdentifier: SHA-1 of the DER, upper hex.
func thumbprint(der []byte) string {
	s := sha1.Sum(der)
	return strings.ToUpper(hex.EncodeToString(s[:]))
}

// AddCertificate registers a certificate (PEM or base64 DER) on a service
// principal; its validity becomes the credential's. The same certificate
// twice is a conflict.
func (s *Service) AddCertificate(ctx context.Context, principalID, certificate, displayName string) (store.Credential, error) {
	if len(displayName) > maxDisplayName {
		return store.Credential{}, badRequest("The credential's displayName must be at most %d characters.", maxDisplayName)
	}
	cert, err := parseCertificate(certificate)
	if err != nil {
		return store.Credential{}, err
	}
	now := s.now().UTC()
	if !now.Before(cert.NotAfter) {
		return store.Credential{}, badRequest("The certificate expired on %s.", cert.NotAfter.UTC().Format("2006-01-02T15:04:05Z"))
	}
	if displayName == "" {
		displayName = "CN=" + cert.Subject.CommonName
	}
	c := store.Credential{ID: newID(), PrincipalID: principalID, Kind: store.CredentialCertificate, DisplayName: displayName,
		Hint: thumbprint(cert.Raw), Data: cert.Raw, StartsAt: cert.NotBefore.UTC(), ExpiresAt: cert.NotAfter.UTC(), CreatedAt: now}
	err = s.st.Update(ctx, func(tx store.Tx) error {
		p, err := get(ctx, tx, principalID)
		if err != nil {
			return err
		}
		if err := secretsAllowed(p); err != nil {
			return err
		}
		creds, err := tx.ListCredentials(ctx, principalID)
		if err != nil {
			return err
		}
		for _, o := range creds {
			if o.Kind == store.CredentialCertificate && o.Hint == c.Hint {
				return conflict("This certificate is already registered as key %s.", o.ID)
			}
		}
		return tx.CreateCredential(ctx, c)
	})
	return c, err
}

// RemoveKey deletes the certificate keyID of a service principal.
func (s *Service) RemoveKey(ctx context.Context, principalID, keyID string) error {
	return s.removeCredential(ctx, principalID, keyID, store.CredentialCertificate)
}

func (s *Service) removeCredential(ctx context.Context, principalID, keyID, kind string) error {
	return s.st.Update(ctx, func(tx store.Tx) error {
		if _, err := get(ctx, tx, principalID); err != nil {
			return err
		}
		creds, err := tx.ListCredentials(ctx, principalID)
		if err != nil {
			return err
		}
		for _, c := range creds {
			if c.ID == keyID && c.Kind == kind {
				return tx.DeleteCredential(ctx, principalID, keyID)
			}
		}
		return notFound(keyID)
	})
}

// Credentials lists a principal's credentials of one kind, without secret hashes.
func (s *Service) Credentials(ctx context.Context, principalID, kind string) ([]store.Credential, error) {
	creds, err := s.st.ListCredentials(ctx, principalID)
	if err != nil {
		return nil, fmt.Errorf("directory: list credentials: %w", err)
	}
	out := creds[:0]
	for _, c := range creds {
		if c.Kind == kind {
			c.Hash = ""
			out = append(out, c)
		}
	}
	return out, nil
}
