package signing

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"fmt"

	"github.com/go-jose/go-jose/v4"
)

// Supported algorithms.
const (
	RS256 = "RS256"
	ES256 = "ES256"
)

// rsaBits is the RSA modulus size; 2048 is what Entra uses.
const rsaBits = 2048

func generate(alg string) (crypto.Signer, error) {
	switch alg {
	case RS256:
		return rsa.GenerateKey(rand.Reader, rsaBits)
	case ES256:
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}
	return nil, fmt.Errorf("signing: unsupported algorithm %q (want RS256 or ES256)", alg)
}

// keyID is the RFC 7638 thumbprint of the public key: stable, unique and
// derivable by anyone holding the key.
func keyID(pub crypto.PublicKey) (string, error) {
	tp, err := (&jose.JSONWebKey{Key: pub}).Thumbprint(crypto.SHA256)
	if err != nil {
		return "", fmt.Errorf("signing: thumbprint: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(tp), nil
}

// AlgOf reports the JWS algorithm a public key is used with, so a token's
// header alg can be checked against the key rather than trusted.
func AlgOf(pub crypto.PublicKey) string {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return RS256
	case *ecdsa.PublicKey:
		if k.Curve == elliptic.P256() {
			return ES256
		}
	}
	return ""
}

func parsePrivate(der []byte, alg string) (crypto.Signer, error) {
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, err
	}
	s, ok := k.(crypto.Signer)
	if !ok || AlgOf(s.Public()) != alg {
		return nil, fmt.Errorf("key type %T does not match algorithm %s", k, alg)
	}
	return s, nil
}
