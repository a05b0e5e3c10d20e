package directory

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// Client secrets are 32 random bytes: with 256 bits of entropy no guessing
// is possible, so a fast keyed hash is enough (a slow password hash would
// only make the token endpoint easy to overload). Each secret has its own
// random key, so equal secrets never have equal hashes.

const (
	secretBytes  = 32
	secretHintN  = 3
	maxSecretLen = 256
	hashScheme   = "hmac-sha256"
)

var b64url = base64.RawURLEncoding

// newSecretText returns a secret shaped like Entra's ("abc8Q~…"): three
// random characters, "8Q~", then the rest of the random text. The first
// three characters are the hint shown in listings.
func newSecretText() string {
	b := make([]byte, secretBytes)
	rand.Read(b)
	r := b64url.EncodeToString(b)
	return r[:secretHintN] + "8Q~" + r[secretHintN:]
}

// hashSecret returns "hmac-sha256$<key>$<mac>" for secret under a fresh key.
func hashSecret(secret string) string {
	key := make([]byte, 16)
	rand.Read(key)
	return hashScheme + "$" + b64url.EncodeToString(key) + "$" + b64url.EncodeToString(macSecret(key, secret))
}

func macSecret(key []byte, secret string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(secret))
	return m.Sum(nil)
}

// secretMatches reports, in time independent of where they differ, whether
// secret hashes to encoded. Malformed encodings match nothing.
func secretMatches(encoded, secret string) bool {
	scheme, rest, ok1 := strings.Cut(encoded, "$")
	k, m, ok2 := strings.Cut(rest, "$")
	key, err1 := b64url.DecodeString(k)
	want, err2 := b64url.DecodeString(m)
	if !ok1 || !ok2 || scheme != hashScheme || err1 != nil || err2 != nil || len(key) == 0 {
		// Spend the same work as a real comparison.
		hmac.Equal(macSecret([]byte("dummy"), secret), make([]byte, sha256.Size))
		return false
	}
	return hmac.Equal(macSecret(key, secret), want)
}
