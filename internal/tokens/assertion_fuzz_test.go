package tokens

import (
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// FuzzParseAssertion: any input either fails to parse or yields an
// assertion whose algorithm is an allowed one and whose thumbprint, if
// any, has a digest's length. It never panics.
func FuzzParseAssertion(f *testing.F) {
	key := newRSAKey(f)
	f.Add(signJWT(f, key, jose.PS256, map[jose.HeaderKey]any{"x5t#S256": "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA="},
		jwt.Claims{Issuer: "a", Subject: "a", Expiry: jwt.NewNumericDate(time.Unix(2e9, 0))}))
	f.Add(signJWT(f, key, jose.RS256, map[jose.HeaderKey]any{"kid": "k"}, jwt.Claims{Issuer: "https://i", Audience: jwt.Audience{"x", "y"}}) + "\n")
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Add("a.b.c")
	f.Fuzz(func(t *testing.T, raw string) {
		a, err := parseAssertion(raw)
		if err != nil {
			return
		}
		switch jose.SignatureAlgorithm(a.header.Algorithm) {
		case jose.RS256, jose.PS256, jose.ES256:
		default:
			t.Fatalf("algorithm %q accepted", a.header.Algorithm)
		}
		if a.thumbprint != nil && len(a.thumbprint) != 20 && len(a.thumbprint) != 32 {
			t.Fatalf("thumbprint of %d bytes", len(a.thumbprint))
		}
		if _, err := a.verify(&key.PublicKey); err == nil && raw == "" {
			t.Fatal("empty input verified")
		}
	})
}
