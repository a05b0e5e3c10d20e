package tokenauth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
)

// Algorithms a key may verify. The algorithm comes from the key's type, so
// a token's header can never choose a weaker one (HS256 with the public key
// as secret, or none).
const (
	algRS256 = "RS256"
	algES256 = "ES256"
)

// minRSABits refuses toy RSA keys even from a trusted JWKS.
const minRSABits = 2048

// publicKey is one verification key and the only algorithm it serves.
type publicKey struct {
	alg string
	rsa *rsa.PublicKey
	ec  *ecdsa.PublicKey
}

type jwk struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Use string `json:"use"`
	Alg string `json:"alg"`
	N   string `json:"n"`
	E   string `json:"e"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Y   string `json:"y"`
}

// parseJWKS returns the usable signing keys of a JWKS by kid. Keys it
// cannot use (other types, encryption keys, bad encodings) are skipped, as
// other verifiers skip them; a set with no usable key is an error.
func parseJWKS(body []byte) (map[string]publicKey, error) {
	var set struct {
		Keys []jwk `json:"keys"`
	}
	if err := json.Unmarshal(body, &set); err != nil {
		return nil, fmt.Errorf("decode JWKS: %w", err)
	}
	keys := make(map[string]publicKey, len(set.Keys))
	for _, k := range set.Keys {
		if k.Kid == "" || (k.Use != "" && k.Use != "sig") {
			continue
		}
		pk, err := k.publicKey()
		if err != nil {
			continue
		}
		keys[k.Kid] = pk
	}
	if len(keys) == 0 {
		return nil, errors.New("JWKS has no usable RS256 or ES256 signing key")
	}
	return keys, nil
}

func (k jwk) publicKey() (publicKey, error) {
	switch k.Kty {
	case "RSA":
		if k.Alg != "" && k.Alg != algRS256 {
			return publicKey{}, fmt.Errorf("RSA key with alg %q", k.Alg)
		}
		n, err1 := b64Int(k.N)
		e, err2 := b64Int(k.E)
		if err1 != nil || err2 != nil || n.BitLen() < minRSABits || !e.IsInt64() || e.Int64() < 3 || e.Int64() > 1<<31-1 || e.Bit(0) == 0 {
			return publicKey{}, errors.New("bad RSA key")
		}
		return publicKey{alg: algRS256, rsa: &rsa.PublicKey{N: n, E: int(e.Int64())}}, nil
	case "EC":
		if k.Crv != "P-256" || (k.Alg != "" && k.Alg != algES256) {
			return publicKey{}, fmt.Errorf("EC key on %q with alg %q", k.Crv, k.Alg)
		}
		x, err1 := b64Bytes(k.X)
		y, err2 := b64Bytes(k.Y)
		if err1 != nil || err2 != nil || len(x) != 32 || len(y) != 32 {
			return publicKey{}, errors.New("bad EC key")
		}
		// ParseUncompressedPublicKey rejects points off the curve.
		pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), append(append([]byte{4}, x...), y...))
		if err != nil {
			return publicKey{}, err
		}
		return publicKey{alg: algES256, ec: pub}, nil
	}
	return publicKey{}, fmt.Errorf("key type %q", k.Kty)
}

func b64Bytes(s string) ([]byte, error) { return base64.RawURLEncoding.DecodeString(s) }

func b64Int(s string) (*big.Int, error) {
	b, err := b64Bytes(s)
	if err != nil || len(b) == 0 {
		return nil, errors.New("bad integer")
	}
	return new(big.Int).SetBytes(b), nil
}
