package tokenauth

import (
	"context"
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/signing"
	"github.com/lanyardhq/lanyard/internal/tokens"
)

func TestVerify(t *testing.T) {
	ti := newTestIssuer(t, signing.RS256)
	a := ti.authenticator(t, nil)
	now := ti.clock.Now()
	valid := ti.token(t, tokens.Claims{AppID: "client-app", IdentityType: "app", Scope: "a b", ManagedIdentityResourceID: "/subscriptions/x"})
	header, payload, sig := segments(t, valid)

	at := func(when time.Time, iss string, c tokens.Claims) string {
		c.Audience, c.ObjectID = testAudience, testOID
		raw, _, err := tokens.NewIssuer(ti.Keys, iss, testTenant, func() time.Time { return when }).Mint(c, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	otherKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	rs256 := func(key *rsa.PrivateKey, h, p map[string]any) string {
		unsigned := strings.Join(strings.Split(forge(h, p, nil), ".")[:2], ".")
		d := sha256.Sum256([]byte(unsigned))
		s, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, d[:])
		if err != nil {
			t.Fatal(err)
		}
		return unsigned + "." + base64.RawURLEncoding.EncodeToString(s)
	}
	with := func(m map[string]any, k string, v any) map[string]any {
		out := map[string]any{}
		for kk, vv := range m {
			out[kk] = vv
		}
		if v == nil {
			delete(out, k)
		} else {
			out[k] = v
		}
		return out
	}
	tampered := func() string {
		p := with(payload, "oid", "ffffffff-bbbb-cccc-dddd-eeeeeeeeeeee")
		parts := strings.Split(forge(header, p, nil), ".")
		return parts[0] + "." + parts[1] + "." + sig
	}()
	hs256 := func() string {
		unsigned := strings.Join(strings.Split(forge(with(header, "alg", "HS256"), payload, nil), ".")[:2], ".")
		m := hmac.New(sha256.New, []byte(*ti.jwks.Load()))
		m.Write([]byte(unsigned))
		return unsigned + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
	}()

	tests := []struct {
		name, token, wantDesc string
	}{
		{"valid", valid, ""},
		{"audience with trailing slash", ti.token(t, tokens.Claims{Audience: testAudience + "/"}), ""},
		{"expired within skew", at(now.Add(-time.Hour-30*time.Second), ti.url, tokens.Claims{}), ""},
		{"wrong audience", ti.token(t, tokens.Claims{Audience: "api://payroll"}), "audience"},
		{"management audience", ti.token(t, tokens.Claims{Audience: tokens.ManagementAudience}), "audience"},
		{"expired", at(now.Add(-2*time.Hour), ti.url, tokens.Claims{}), "expired"},
		{"not yet valid", at(now.Add(10*time.Minute), ti.url, tokens.Claims{}), "not valid yet"},
		{"other issuer, same keys", at(now, "https://evil.example/"+testTenant+"/v2.0", tokens.Claims{}), "issuer"},
		{"tampered payload", tampered, "signature is invalid"},
		{"other key under a published kid", rs256(otherKey, header, payload), "signature is invalid"},
		{"alg none", forge(with(header, "alg", "none"), payload, nil), "algorithm"},
		{"alg none, no kid", forge(map[string]any{"alg": "none"}, payload, nil), "algorithm"},
		{"HS256 keyed with the JWKS", hs256, "algorithm"},
		{"ES256 header on an RSA key", forge(with(header, "alg", "ES256"), payload, make([]byte, 64)), "does not match"},
		{"unknown kid", rs256(otherKey, with(header, "kid", "nope"), payload), "unknown key"},
		{"no kid", rs256(otherKey, with(header, "kid", nil), payload), "unknown key"},
		{"crit header", rs256(otherKey, with(header, "crit", []string{"exp"}), payload), "critical"},
		{"no oid", ti.Mint(t, tokens.Claims{Audience: testAudience}), "no oid"},
		{"too large", valid + strings.Repeat("A", DefaultMaxTokenSize), "too large"},
		{"one segment", "abc", "not a signed JWT"},
		{"two segments", "a.b", "not a signed JWT"},
		{"four segments", valid + ".x", "not a signed JWT"},
		{"header not base64", "%%%." + strings.SplitN(valid, ".", 2)[1], "header is malformed"},
		{"empty", "", "not a signed JWT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := a.Verify(context.Background(), tt.token)
			if tt.wantDesc == "" {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if p.ObjectID != testOID || p.TenantID != testTenant || p.Issuer != ti.url {
					t.Fatalf("principal = %+v", p)
				}
				return
			}
			var te *TokenError
			if !errors.As(err, &te) || !strings.Contains(te.Description, tt.wantDesc) {
				t.Fatalf("err = %v, want a TokenError about %q", err, tt.wantDesc)
			}
			if strings.Contains(te.Description, tt.token) && tt.token != "" {
				t.Fatal("the description echoes the token")
			}
		})
	}

	t.Run("claims", func(t *testing.T) {
		p, err := a.Verify(context.Background(), valid)
		if err != nil {
			t.Fatal(err)
		}
		if p.AppID != "client-app" || p.IdentityType != "app" || len(p.Scopes) != 2 || p.ManagedIdentityResourceID != "/subscriptions/x" || p.Audience != testAudience {
			t.Fatalf("principal = %+v", p)
		}
		if d := p.Expires.Sub(now); d < 59*time.Minute || d > time.Hour+time.Second {
			t.Fatalf("expires in %s", d)
		}
	})
}

func TestVerifyES256(t *testing.T) {
	ti := newTestIssuer(t, signing.ES256)
	a := ti.authenticator(t, nil)
	if _, err := a.Verify(context.Background(), ti.token(t, tokens.Claims{})); err != nil {
		t.Fatal(err)
	}
	header, payload, _ := segments(t, ti.token(t, tokens.Claims{}))
	header["alg"] = "RS256"
	if _, err := a.Verify(context.Background(), forge(header, payload, make([]byte, 256))); err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Fatalf("RS256 header on an EC key: %v", err)
	}
}

func TestNewRejectsBadSetup(t *testing.T) {
	ti := newTestIssuer(t, signing.ES256)
	tests := []struct {
		name string
		o    Options
		want string
	}{
		{"no issuer", Options{Audiences: []string{"x"}}, "Issuer"},
		{"no audience", Options{Issuer: ti.url}, "Audience"},
		{"empty audience", Options{Issuer: ti.url, Audiences: []string{"/"}}, "empty"},
		{"issuer mismatch", Options{Issuer: ti.url + "/", Audiences: []string{"x"}}, "names issuer"},
		{"unreachable", Options{Issuer: "http://127.0.0.1:1/t/v2.0", Audiences: []string{"x"}}, "discover"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.o.HTTPClient = ti.srv.Client()
			_, err := New(context.Background(), tt.o)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
	bad := []byte(`{"keys":[{"kty":"oct","kid":"k","k":"c2VjcmV0"}]}`)
	ti.jwks.Store(&bad)
	if _, err := New(context.Background(), Options{Issuer: ti.url, Audiences: []string{"x"}, HTTPClient: ti.srv.Client()}); err == nil || !strings.Contains(err.Error(), "no usable") {
		t.Fatalf("symmetric-only JWKS: %v", err)
	}
}
