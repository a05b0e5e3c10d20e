package fabric

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
)

// A join token is "LJ1.<secret>.<ca-pin>": 32 random bytes (base64url) that
// the server keeps only as a SHA-256 hash, and the hex SHA-256 of the CA
// certificate's DER, so an agent that has nothing but the token can verify
// the server it joins (as kubeadm's discovery-token-ca-cert-hash).
const joinPrefix = "LJ1."

// NewJoinToken returns a fresh token pinning the CA certificate caDER, and
// the hash to store.
func NewJoinToken(caDER []byte) (token, hash string, err error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", "", err
	}
	secret := base64.RawURLEncoding.EncodeToString(b[:])
	pin := sha256.Sum256(caDER)
	return joinPrefix + secret + "." + hex.EncodeToString(pin[:]), HashJoinSecret(secret), nil
}

// ErrMalformedJoinToken is returned for anything that is not a join token.
var ErrMalformedJoinToken = errors.New("malformed join token: expected LJ1.<secret>.<ca-pin> as printed by 'lanyard host create'")

// ParseJoinToken splits a token into its secret and CA pin (hex SHA-256).
func ParseJoinToken(token string) (secret, caPin string, err error) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(token), joinPrefix)
	if !ok {
		return "", "", ErrMalformedJoinToken
	}
	secret, caPin, ok = strings.Cut(rest, ".")
	if !ok || len(secret) != 43 || len(caPin) != 64 {
		return "", "", ErrMalformedJoinToken
	}
	if _, err := base64.RawURLEncoding.DecodeString(secret); err != nil {
		return "", "", ErrMalformedJoinToken
	}
	if _, err := hex.DecodeString(caPin); err != nil {
		return "", "", ErrMalformedJoinToken
	}
	return secret, strings.ToLower(caPin), nil
}

// HashJoinSecret is what the server stores and looks tokens up by.
func HashJoinSecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// PinMatches reports whether caDER is the certificate caPin names.
func PinMatches(caDER []byte, caPin string) bool {
	h := sha256.Sum256(caDER)
	want, err := hex.DecodeString(caPin)
	return err == nil && subtle.ConstantTimeCompare(h[:], want) == 1
}
