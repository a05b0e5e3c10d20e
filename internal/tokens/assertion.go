package tokens

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// JWTBearer is the only client_assertion_type (RFC 7523 §2.2).
const JWTBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// AssertionSkew is the clock skew allowed on client assertions, Entra's 5 minutes.
const AssertionSkew = 5 * time.Minute

// assertionAlgs are the only algorithms a client assertion may use; "none"
// and the HMAC family are refused while parsing, before any key is chosen.
var assertionAlgs = []jose.SignatureAlgorithm{jose.RS256, jose.PS256, jose.ES256}

// assertion is a parsed, not yet verified, client assertion.
type assertion struct {
	tok    *jwt.JSONWebToken
	header jose.Header
	claims jwt.Claims // unverified until verify succeeds
	// thumbprint of the certificate that signed it ("" for a federated
	// assertion) and whether it is SHA-256 (x5t#S256) or SHA-1 (x5t).
	thumbprint []byte
	sha256     bool
}

// parseAssertion parses a compact JWS. The raw value is trimmed of the
// whitespace a token file ends with (WorkloadIdentityCredential sends the
// file as it is). It checks structure only, never the signature.
func parseAssertion(raw string) (*assertion, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" || len(raw) > MaxTokenSize {
		return nil, fmt.Errorf("assertion empty or larger than %d bytes", MaxTokenSize)
	}
	tok, err := jwt.ParseSigned(raw, assertionAlgs)
	if err != nil {
		return nil, fmt.Errorf("malformed assertion or disallowed algorithm: %w", err)
	}
	if len(tok.Headers) != 1 {
		return nil, errors.New("want exactly one signature")
	}
	a := &assertion{tok: tok, header: tok.Headers[0]}
	if err := tok.UnsafeClaimsWithoutVerification(&a.claims); err != nil {
		return nil, fmt.Errorf("assertion claims: %w", err)
	}
	for name, isSHA256 := range map[jose.HeaderKey]bool{"x5t#S256": true, "x5t": false} {
		v, ok := a.header.ExtraHeaders[name]
		if !ok || a.thumbprint != nil && !isSHA256 {
			continue
		}
		s, _ := v.(string)
		b, err := decodeThumbprint(s)
		if err != nil {
			return nil, fmt.Errorf("header %s: %w", name, err)
		}
		a.thumbprint, a.sha256 = b, isSHA256
	}
	return a, nil
}

// thumbprintAlphabet maps standard base64 to base64url: RFC 7515 says
// base64url, but MSAL Go sends standard base64 with padding.
var thumbprintAlphabet = strings.NewReplacer("+", "-", "/", "_", "=", "")

// decodeThumbprint accepts base64url and standard base64, padded or not.
func decodeThumbprint(s string) ([]byte, error) {
	b, err := base64.RawURLEncoding.DecodeString(thumbprintAlphabet.Replace(s))
	if err != nil || len(b) != 20 && len(b) != 32 {
		return nil, errors.New("not a base64url SHA-1 or SHA-256 thumbprint")
	}
	return b, nil
}

// algFits reports whether the header's algorithm is one the key can make:
// RS256 or PS256 for RSA (2048 bits at least), ES256 for P-256.
func algFits(alg string, key any) bool {
	switch k := key.(type) {
	case *rsa.PublicKey:
		return (alg == string(jose.RS256) || alg == string(jose.PS256)) && k.N.BitLen() >= 2048
	case *ecdsa.PublicKey:
		return alg == string(jose.ES256) && k.Curve == elliptic.P256()
	}
	return false
}

// verify checks the signature with key and returns the verified claims.
func (a *assertion) verify(key any) (jwt.Claims, error) {
	if !algFits(a.header.Algorithm, key) {
		return jwt.Claims{}, fmt.Errorf("algorithm %q does not fit the key", truncate(a.header.Algorithm, 16))
	}
	var c jwt.Claims
	if err := a.tok.Claims(key, &c); err != nil {
		return jwt.Claims{}, fmt.Errorf("signature: %w", err)
	}
	return c, nil
}

// checkTimes checks exp (required), nbf and, when maxLife > 0, that the
// assertion is not valid for longer than maxLife.
func checkTimes(c jwt.Claims, now time.Time, maxLife time.Duration) error {
	if c.Expiry == nil {
		return errors.New("no exp claim")
	}
	exp := c.Expiry.Time()
	if now.After(exp.Add(AssertionSkew)) {
		return fmt.Errorf("expired at %s", exp.UTC().Format(time.RFC3339))
	}
	start := now
	if c.NotBefore != nil {
		nbf := c.NotBefore.Time()
		if nbf.After(now.Add(AssertionSkew)) {
			return fmt.Errorf("not valid before %s", nbf.UTC().Format(time.RFC3339))
		}
		start = nbf
	} else if c.IssuedAt != nil {
		start = c.IssuedAt.Time()
	}
	if maxLife > 0 && exp.Sub(start) > maxLife {
		return fmt.Errorf("valid for %s, more than %s", exp.Sub(start), maxLife)
	}
	return nil
}
