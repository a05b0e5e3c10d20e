package tokens

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lanyardhq/lanyard/internal/signing"
)

// IssuerURL is the issuer for a tenant: "<base>/<tenantID>/v2.0", as Entra.
func IssuerURL(baseURL, tenantID string) string {
	return strings.TrimSuffix(baseURL, "/") + "/" + tenantID + "/v2.0"
}

// Issuer mints signed access tokens.
type Issuer struct {
	keys     *signing.KeySet
	issuer   string
	tenantID string
	now      func() time.Time
}

// NewIssuer returns an Issuer; issuerURL is the full issuer (see IssuerURL).
func NewIssuer(keys *signing.KeySet, issuerURL, tenantID string, now func() time.Time) *Issuer {
	if now == nil {
		now = time.Now
	}
	return &Issuer{keys: keys, issuer: issuerURL, tenantID: tenantID, now: now}
}

// URL is the issuer URL put in iss.
func (is *Issuer) URL() string { return is.issuer }

// Mint signs c for lifetime, filling iss, tid, iat, nbf, exp, uti and ver.
// The caller supplies aud and the identity claims.
func (is *Issuer) Mint(c Claims, lifetime time.Duration) (raw string, expiresAt time.Time, err error) {
	if c.Audience == "" {
		return "", time.Time{}, errors.New("tokens: mint: empty audience")
	}
	if lifetime <= 0 {
		return "", time.Time{}, errors.New("tokens: mint: non-positive lifetime")
	}
	now := is.now().Truncate(time.Second)
	expiresAt = now.Add(lifetime)
	c.Issuer, c.TenantID, c.Version = is.issuer, is.tenantID, "2.0"
	c.IssuedAt, c.NotBefore, c.Expires = now.Unix(), now.Unix(), expiresAt.Unix()
	var id [16]byte
	if _, err := rand.Read(id[:]); err != nil {
		return "", time.Time{}, fmt.Errorf("tokens: mint: %w", err)
	}
	c.UniqueTokenID = base64.RawURLEncoding.EncodeToString(id[:])
	payload, err := json.Marshal(c)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("tokens: mint: %w", err)
	}
	raw, _, err = is.keys.Sign(payload)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("tokens: mint: %w", err)
	}
	return raw, expiresAt, nil
}
