package tokens

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/lanyardhq/lanyard/internal/store"
)

// MaxCertificateAssertionLife bounds exp minus nbf (or iat): a certificate
// assertion is a one-shot proof, not a bearer token to keep.
const MaxCertificateAssertionLife = time.Hour

// certificateAssertion verifies an assertion the client signed with one of
// its registered certificates: the thumbprint selects the certificate, its
// key the algorithm; iss and sub are the client, aud is this token
// endpoint, and the jti is single-use.
func (h *Handler) certificateAssertion(a *assertion, p store.Principal, creds []store.Credential) *oauthError {
	now := h.cfg.Now()
	thumb := base64.RawURLEncoding.EncodeToString(a.thumbprint)
	var cert *x509.Certificate
	for _, c := range creds {
		if c.Kind != store.CredentialCertificate || !bytes.Equal(thumbprintOf(c.Data, a.sha256), a.thumbprint) {
			continue
		}
		if now.Before(c.StartsAt) || !c.ExpiresAt.IsZero() && !now.Before(c.ExpiresAt) {
			return invalidClient(700027, errors.New("certificate credential outside its validity"),
				"Client assertion failed signature validation. [Reason - The key used is expired., Thumbprint of key used by client: '%s']", thumb)
		}
		parsed, err := x509.ParseCertificate(c.Data)
		if err != nil {
			return serverError(fmt.Errorf("stored certificate %s: %w", c.ID, err))
		}
		cert = parsed
		break
	}
	if cert == nil {
		return invalidClient(700027, errors.New("no certificate with this thumbprint"),
			"Client assertion failed signature validation. [Reason - The key was not found., Thumbprint of key used by client: '%s']", thumb)
	}
	claims, err := a.verify(cert.PublicKey)
	if err != nil {
		return invalidClient(700027, err, "Client assertion failed signature validation. [Reason - The provided signature value did not match the expected signature value., Thumbprint of key used by client: '%s']", thumb)
	}
	if claims.Issuer != p.ClientID || claims.Subject != p.ClientID {
		return invalidClient(700021, fmt.Errorf("iss %q sub %q", truncate(claims.Issuer, 64), truncate(claims.Subject, 64)),
			"Client assertion application identifier doesn't match 'client_id' parameter.")
	}
	if !h.audienceIsUs(claims.Audience) {
		return invalidClient(700023, fmt.Errorf("aud %q", truncate(fmt.Sprint([]string(claims.Audience)), 200)),
			"Client assertion audience claim does not match Realm issuer.")
	}
	if err := checkTimes(claims, now, MaxCertificateAssertionLife); err != nil {
		return invalidClient(700024, err, "Client assertion is not within its valid time range. Current time: %s.", now.UTC().Format("2006-01-02T15:04:05.0000000Z"))
	}
	if claims.ID == "" || len(claims.ID) > 256 {
		return invalidClient(50027, errors.New("jti missing or too long"), "Invalid JWT token. The client assertion must have a jti claim of at most 256 characters.")
	}
	until := claims.Expiry.Time().Add(AssertionSkew).Unix()
	ok, full := h.replay.claim(p.ID+"\x00"+claims.ID, until, now.Unix())
	switch {
	case full:
		return &oauthError{Status: http.StatusServiceUnavailable, Code: "temporarily_unavailable", AADSTS: 90033,
			Description: "Too many client assertions are in flight; try again later.", Err: errors.New("replay cache full")}
	case !ok:
		return invalidClient(50027, errors.New("jti replayed"), "Invalid JWT token. The client assertion's jti has already been used; sign a new assertion for every request.")
	}
	return nil
}

// thumbprintOf is the certificate's SHA-256 (x5t#S256) or SHA-1 (x5t) digest.
func thumbprintOf(der []byte, sha256Digest bool) []byte {
	if sha256Digest {
		s := sha256.Sum256(der)
		return s[:]
	}
	s := sha1.Sum(der)
	return s[:]
}
