package tokenauth

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// TokenError is why a token was refused: Description is safe to show the
// client (it never contains the token), Err the cause for the log.
type TokenError struct {
	Description string
	Err         error
}

func (e *TokenError) Error() string {
	if e.Err != nil {
		return "invalid token: " + e.Description + ": " + e.Err.Error()
	}
	return "invalid token: " + e.Description
}

func (e *TokenError) Unwrap() error { return e.Err }

func invalid(desc string, err error) *TokenError { return &TokenError{Description: desc, Err: err} }

type header struct {
	Alg  string   `json:"alg"`
	Kid  string   `json:"kid"`
	Crit []string `json:"crit"`
}

// Verify checks a compact JWS access token: size, signature with the key
// its kid names (the key decides the algorithm), then issuer, audience and
// lifetime. It returns the token's principal or a *TokenError.
func (a *Authenticator) Verify(ctx context.Context, raw string) (*Principal, error) {
	if len(raw) > a.opts.MaxTokenSize {
		return nil, invalid("the token is too large", fmt.Errorf("%d bytes", len(raw)))
	}
	h64, rest, ok1 := strings.Cut(raw, ".")
	p64, s64, ok2 := strings.Cut(rest, ".")
	if !ok1 || !ok2 || strings.Contains(s64, ".") {
		return nil, invalid("the token is not a signed JWT", nil)
	}
	var h header
	if err := decodeSegment(h64, &h); err != nil {
		return nil, invalid("the token header is malformed", err)
	}
	if len(h.Crit) > 0 {
		return nil, invalid("the token uses unsupported critical headers", nil)
	}
	if h.Alg != algRS256 && h.Alg != algES256 {
		return nil, invalid("the token's signing algorithm is not accepted", fmt.Errorf("alg %q", h.Alg))
	}
	key, err := a.keys.key(ctx, h.Kid)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		return nil, invalid("the token is signed with an unknown key", fmt.Errorf("kid %q: %w", h.Kid, err))
	}
	if key.alg != h.Alg {
		return nil, invalid("the token's signing algorithm does not match its key", fmt.Errorf("alg %q, key %s", h.Alg, key.alg))
	}
	sig, err := b64Bytes(s64)
	if err != nil {
		return nil, invalid("the token signature is malformed", err)
	}
	if err := key.verify(raw[:len(h64)+1+len(p64)], sig); err != nil {
		return nil, invalid("the token signature is invalid", err)
	}
	var c claims
	if err := decodeSegment(p64, &c); err != nil {
		return nil, invalid("the token claims are malformed", err)
	}
	if err := a.checkClaims(&c); err != nil {
		return nil, err
	}
	return c.principal(), nil
}

func decodeSegment(seg string, v any) error {
	b, err := b64Bytes(seg)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func (k publicKey) verify(signed string, sig []byte) error {
	digest := sha256.Sum256([]byte(signed))
	switch k.alg {
	case algRS256:
		return rsa.VerifyPKCS1v15(k.rsa, crypto.SHA256, digest[:], sig)
	case algES256:
		// JWS ES256 signatures are r||s, 32 bytes each (RFC 7518 §3.4), not ASN.1.
		if len(sig) != 64 {
			return fmt.Errorf("ES256 signature of %d bytes", len(sig))
		}
		r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
		if !ecdsa.Verify(k.ec, digest[:], r, s) {
			return errors.New("ECDSA verification failed")
		}
		return nil
	}
	return fmt.Errorf("unsupported key algorithm %q", k.alg)
}
