package tokens

import (
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/lanyardhq/lanyard/internal/signing"
)

// Verification limits.
const (
	MaxTokenSize = 16 << 10
	ClockSkew    = time.Minute
)

// Verification errors; every error from Verify wraps exactly one of them.
var (
	ErrInvalidToken = errors.New("tokens: invalid token")
	ErrExpiredToken = errors.New("tokens: token expired")
)

// PublicKeys finds a verification key by key ID (*signing.KeySet does).
type PublicKeys interface {
	PublicKey(kid string) (crypto.PublicKey, bool)
}

// Verifier checks tokens minted by an Issuer with the same keys.
type Verifier struct {
	keys   PublicKeys
	issuer string
	now    func() time.Time
}

// NewVerifier returns a Verifier accepting only tokens whose iss is issuerURL.
func NewVerifier(keys PublicKeys, issuerURL string, now func() time.Time) *Verifier {
	if now == nil {
		now = time.Now
	}
	return &Verifier{keys: keys, issuer: issuerURL, now: now}
}

var allowedAlgs = []jose.SignatureAlgorithm{jose.RS256, jose.ES256}

// Verify checks raw's algorithm (RS256/ES256 only, and the one its key is
// for), key ID, signature, issuer, expiry and not-before (with ClockSkew),
// and returns its claims. It does not check the audience: see HasAudience.
func (v *Verifier) Verify(raw string) (*Claims, error) {
	if len(raw) > MaxTokenSize {
		return nil, fmt.Errorf("%w: token larger than %d bytes", ErrInvalidToken, MaxTokenSize)
	}
	tok, err := jwt.ParseSigned(raw, allowedAlgs)
	if err != nil {
		return nil, fmt.Errorf("%w: malformed or disallowed algorithm: %v", ErrInvalidToken, err)
	}
	if len(tok.Headers) != 1 {
		return nil, fmt.Errorf("%w: want exactly one signature", ErrInvalidToken)
	}
	h := tok.Headers[0]
	pub, ok := v.keys.PublicKey(h.KeyID)
	if h.KeyID == "" || !ok {
		return nil, fmt.Errorf("%w: unknown signing key %q", ErrInvalidToken, truncate(h.KeyID, 64))
	}
	// The key decides the algorithm, never the header (RFC 8725 §3.1).
	if signing.AlgOf(pub) != h.Algorithm {
		return nil, fmt.Errorf("%w: algorithm %q does not match key %s", ErrInvalidToken, truncate(h.Algorithm, 16), h.KeyID)
	}
	var payload json.RawMessage
	if err := tok.Claims(pub, &payload); err != nil {
		return nil, fmt.Errorf("%w: signature: %v", ErrInvalidToken, err)
	}
	var c Claims
	if err := json.Unmarshal(payload, &c); err != nil {
		return nil, fmt.Errorf("%w: claims: %v", ErrInvalidToken, err)
	}
	if c.Issuer != v.issuer {
		return nil, fmt.Errorf("%w: issuer %q is not %q", ErrInvalidToken, truncate(c.Issuer, 200), v.issuer)
	}
	now := v.now()
	if c.Expires == 0 {
		return nil, fmt.Errorf("%w: no exp claim", ErrInvalidToken)
	}
	if exp := time.Unix(c.Expires, 0); !now.Before(exp.Add(ClockSkew)) {
		return nil, fmt.Errorf("%w: expired at %s", ErrExpiredToken, exp.UTC().Format(time.RFC3339))
	}
	if nbf := time.Unix(c.NotBefore, 0); now.Add(ClockSkew).Before(nbf) {
		return nil, fmt.Errorf("%w: not valid before %s", ErrInvalidToken, nbf.UTC().Format(time.RFC3339))
	}
	return &c, nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
