package tokens

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

func b64(v any) string {
	b, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(b)
}

func TestVerifyRefuses(t *testing.T) {
	e := newEnv(t, "RS256")
	good, _, err := e.issuer.Mint(Claims{Audience: ManagementAudience, ObjectID: "o"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.verifier.Verify(good); err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, ".")
	kid := e.keys.CurrentKeyID()
	now := e.clock.now().Unix()
	claims := map[string]any{"aud": ManagementAudience, "iss": e.issuer.URL(), "iat": now, "nbf": now, "exp": now + 3600, "oid": "o"}

	// A key the attacker controls, announced under the real kid.
	forged, _ := rsa.GenerateKey(rand.Reader, 2048)
	forgedSigner, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: forged, KeyID: kid}}, nil)
	forgedJWS, _ := forgedSigner.Sign(mustJSON(claims))
	forgedCompact, _ := forgedJWS.CompactSerialize()

	// HS256 keyed with the published RSA public key (algorithm confusion).
	pub, _ := e.keys.PublicKey(kid)
	pubDER, _ := x509.MarshalPKIXPublicKey(pub)
	hsInput := b64(map[string]any{"alg": "HS256", "kid": kid, "typ": "JWT"}) + "." + b64(claims)
	mac := hmac.New(sha256.New, pubDER)
	mac.Write([]byte(hsInput))
	hsTok := hsInput + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))

	// ES256 header on the RS256 key's kid, signed by an EC key.
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecSigner, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: jose.JSONWebKey{Key: ec, KeyID: kid}}, nil)
	ecJWS, _ := ecSigner.Sign(mustJSON(claims))
	ecTok, _ := ecJWS.CompactSerialize()

	with := func(k string, v any) string {
		c := map[string]any{}
		for kk, vv := range claims {
			c[kk] = vv
		}
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		// Signed by the real key through the issuer's KeySet.
		raw, _, err := e.keys.Sign(mustJSON(c))
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	tests := []struct {
		name    string
		raw     string
		expired bool
	}{
		{"forged key", forgedCompact, false},
		{"alg none", b64(map[string]any{"alg": "none", "kid": kid}) + "." + b64(claims) + ".", false},
		{"HS256 with public key", hsTok, false},
		{"ES256 header on RSA kid", ecTok, false},
		{"unknown kid", b64(map[string]any{"alg": "RS256", "kid": "nope"}) + "." + parts[1] + "." + parts[2], false},
		{"no kid", b64(map[string]any{"alg": "RS256"}) + "." + parts[1] + "." + parts[2], false},
		{"payload swapped", parts[0] + "." + b64(claims) + "." + parts[2], false},
		{"expired", with("exp", now-61), true},
		{"no exp", with("exp", nil), false},
		{"not yet valid", with("nbf", now+120), false},
		{"wrong issuer", with("iss", "https://login.microsoftonline.com/"+testTenant+"/v2.0"), false},
		{"issuer trailing slash", with("iss", e.issuer.URL()+"/"), false},
		{"aud array", with("aud", []string{ManagementAudience}), false},
		{"oversized", good + strings.Repeat("A", MaxTokenSize), false},
		{"garbage", "not.a.token", false},
		{"empty", "", false},
		{"json serialization", `{"payload":"` + parts[1] + `","signatures":[]}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := e.verifier.Verify(tt.raw)
			if err == nil {
				t.Fatalf("accepted: %+v", c)
			}
			if tt.expired != errors.Is(err, ErrExpiredToken) || !tt.expired && !errors.Is(err, ErrInvalidToken) {
				t.Fatalf("err %v, expired=%v", err, tt.expired)
			}
		})
	}
	// Within the one-minute skew, still accepted.
	for _, raw := range []string{with("exp", now-30), with("nbf", now+30)} {
		if _, err := e.verifier.Verify(raw); err != nil {
			t.Errorf("within skew: %v", err)
		}
	}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func TestVerifyAcrossRotationAndExpiry(t *testing.T) {
	e := newEnv(t, "ES256")
	old, _, _ := e.issuer.Mint(Claims{Audience: "https://storage.azure.com"}, time.Hour)
	if err := e.keys.Rotate(t.Context()); err != nil {
		t.Fatal(err)
	}
	fresh, _, _ := e.issuer.Mint(Claims{Audience: "https://storage.azure.com"}, time.Hour)
	for _, raw := range []string{old, fresh} {
		if _, err := e.verifier.Verify(raw); err != nil {
			t.Fatal(err)
		}
	}
	e.clock.add(time.Hour + 2*time.Minute)
	if _, err := e.verifier.Verify(fresh); !errors.Is(err, ErrExpiredToken) {
		t.Fatalf("after expiry: %v", err)
	}
}

func TestHasAudience(t *testing.T) {
	tests := []struct {
		aud  string
		auds []string
		want bool
	}{
		{"https://management.azure.com/", ManagementAudiences, true},
		{"https://management.azure.com", ManagementAudiences, true},
		{"https://management.core.windows.net", ManagementAudiences, true},
		{"https://management.azure.com.evil/", ManagementAudiences, false},
		{"https://storage.azure.com", []string{"https://storage.azure.com/"}, true},
		{"", []string{""}, false},
		{"https://management.azure.com//", ManagementAudiences, false},
	}
	for _, tt := range tests {
		if got := (&Claims{Audience: tt.aud}).HasAudience(tt.auds...); got != tt.want {
			t.Errorf("HasAudience(%q) = %v", tt.aud, got)
		}
	}
}

func FuzzVerify(f *testing.F) {
	e := newEnv(f, "ES256")
	good, _, _ := e.issuer.Mint(Claims{Audience: ManagementAudience}, time.Hour)
	want, _ := e.verifier.Verify(good)
	for _, s := range []string{good, "", ".", "..", "a.b.c", "eyJhbGciOiJub25lIn0.e30.", good + "x", strings.Replace(good, ".", "..", 1)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		c, err := e.verifier.Verify(raw)
		if err == nil {
			// Only the minted token (or a re-encoding of its exact bytes) may pass.
			if *c != *want {
				t.Fatalf("accepted a token that was never minted: %q %+v", raw, c)
			}
			return
		}
		if !errors.Is(err, ErrInvalidToken) && !errors.Is(err, ErrExpiredToken) {
			t.Fatalf("untyped error %v", err)
		}
	})
}
