package tokens

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

func assertionForm(clientID, assertion string) url.Values {
	return url.Values{"grant_type": {"client_credentials"}, "client_id": {clientID}, "client_assertion": {assertion},
		"client_assertion_type": {JWTBearer}, "scope": {"https://management.azure.com//.default openid"}}
}

// aadsts is the first error code of an Entra error body (0 if none).
func aadsts(m map[string]any) int {
	codes, _ := m["error_codes"].([]any)
	if len(codes) == 0 {
		return 0
	}
	f, _ := codes[0].(float64)
	return int(f)
}

func TestCertificateAssertionReplayRefused(t *testing.T) {
	e := newAssertionEnv(t)
	a := e.certAssertion(t, nil)
	if status, m := requestToken(t, e.env, testTenant, assertionForm(testAppID, a)); status != http.StatusOK {
		t.Fatalf("first use: %d %v", status, m)
	}
	status, m := requestToken(t, e.env, testTenant, assertionForm(testAppID, a))
	if status != http.StatusUnauthorized || aadsts(m) != 50027 || m["access_token"] != nil {
		t.Fatalf("replay: %d %v", status, m)
	}
}

func TestAssertionRefusals(t *testing.T) {
	e := newAssertionEnv(t)
	other := newTestCert(t)
	evil := newOIDCIssuer(t) // an issuer no credential names
	now := time.Now()
	hs256 := signJWT(t, []byte("0123456789abcdef0123456789abcdef"), jose.HS256, nil,
		jwt.Claims{Issuer: testAppID, Subject: testAppID, Expiry: jwt.NewNumericDate(now.Add(time.Minute))})
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." +
		base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"`+testAppID+`","sub":"`+testAppID+`","exp":9999999999}`)) + "."
	for _, tc := range []struct {
		name      string
		clientID  string
		assertion string
		form      func(url.Values)
		status    int
		code      int
	}{
		{"wrong audience", testAppID, e.certAssertion(t, func(c *jwt.Claims, _ map[jose.HeaderKey]any) {
			c.Audience = jwt.Audience{"https://login.microsoftonline.com/" + testTenant + "/oauth2/v2.0/token"}
		}), nil, 401, 700023},
		{"expired", testAppID, e.certAssertion(t, func(c *jwt.Claims, _ map[jose.HeaderKey]any) {
			c.NotBefore, c.Expiry = jwt.NewNumericDate(now.Add(-time.Hour)), jwt.NewNumericDate(now.Add(-10*time.Minute))
		}), nil, 401, 700024},
		{"not yet valid", testAppID, e.certAssertion(t, func(c *jwt.Claims, _ map[jose.HeaderKey]any) {
			c.NotBefore, c.Expiry = jwt.NewNumericDate(now.Add(10*time.Minute)), jwt.NewNumericDate(now.Add(20*time.Minute))
		}), nil, 401, 700024},
		{"valid too long", testAppID, e.certAssertion(t, func(c *jwt.Claims, _ map[jose.HeaderKey]any) {
			c.Expiry = jwt.NewNumericDate(now.Add(2 * time.Hour))
		}), nil, 401, 700024},
		{"no jti", testAppID, e.certAssertion(t, func(c *jwt.Claims, _ map[jose.HeaderKey]any) { c.ID = "" }), nil, 401, 50027},
		{"iss is another client", testAppID, e.certAssertion(t, func(c *jwt.Claims, _ map[jose.HeaderKey]any) { c.Issuer = testUAIClientID }), nil, 401, 700021},
		{"unknown thumbprint", testAppID, e.certAssertion(t, func(_ *jwt.Claims, h map[jose.HeaderKey]any) { h["x5t#S256"] = other.x5tS256() }), nil, 401, 700027},
		{"signed by another key", testAppID, signJWT(t, other.key, jose.PS256, map[jose.HeaderKey]any{"x5t#S256": e.cert.x5tS256()},
			jwt.Claims{Issuer: testAppID, Subject: testAppID, ID: "x", Audience: jwt.Audience{e.srv.URL + "/" + testTenant + "/oauth2/v2.0/token"},
				Expiry: jwt.NewNumericDate(now.Add(time.Minute))}), nil, 401, 700027},
		{"certificate of another client", testUAIClientID, e.certAssertion(t, nil), nil, 401, 700027},
		{"unknown client", "99999999-2222-4333-8444-555555555555", e.certAssertion(t, nil), nil, 400, 700016},
		{"alg none", testAppID, none, nil, 400, 50027},
		{"alg HS256", testAppID, hs256, nil, 400, 50027},
		{"garbage", testAppID, "not.a.jwt", nil, 400, 50027},
		{"wrong assertion type", testAppID, e.certAssertion(t, nil), func(f url.Values) { f.Set("client_assertion_type", "urn:x") }, 400, 70002},
		{"assertion and secret", testAppID, e.certAssertion(t, nil), func(f url.Values) { f.Set("client_secret", testSecret) }, 400, 90023},
		{"federated: subject mismatch", testAppID, e.ext.token(t, "system:serviceaccount:default:other", "api://AzureADTokenExchange", time.Hour), nil, 400, 700213},
		{"federated: audience mismatch", testAppID, e.ext.token(t, testSubject, "api://other", time.Hour), nil, 400, 700212},
		{"federated: issuer in no credential", testAppID, evil.token(t, testSubject, "api://AzureADTokenExchange", time.Hour), nil, 400, 700211},
		{"federated: expired", testAppID, e.ext.token(t, testSubject, "api://AzureADTokenExchange", -10*time.Minute), nil, 401, 700024},
		{"federated: forged with another key", testAppID, signJWT(t, other.key, jose.RS256, map[jose.HeaderKey]any{"kid": e.ext.kid},
			jwt.Claims{Issuer: e.ext.srv.URL, Subject: testSubject, Audience: jwt.Audience{"api://AzureADTokenExchange"}, Expiry: jwt.NewNumericDate(now.Add(time.Hour))}), nil, 401, 700027},
		{"federated: unknown kid", testAppID, signJWT(t, e.ext.key, jose.RS256, map[jose.HeaderKey]any{"kid": "nope"},
			jwt.Claims{Issuer: e.ext.srv.URL, Subject: testSubject, Audience: jwt.Audience{"api://AzureADTokenExchange"}, Expiry: jwt.NewNumericDate(now.Add(time.Hour))}), nil, 401, 700027},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := assertionForm(tc.clientID, tc.assertion)
			if tc.form != nil {
				tc.form(f)
			}
			status, m := requestToken(t, e.env, testTenant, f)
			if status != tc.status || aadsts(m) != tc.code || m["access_token"] != nil {
				t.Fatalf("got %d AADSTS%d, want %d AADSTS%d: %v", status, aadsts(m), tc.status, tc.code, m["error_description"])
			}
		})
	}
	if n := evil.hits.Load(); n != 0 {
		t.Fatalf("an issuer named by no credential was fetched %d times", n)
	}
}

// TestAssertionAudiences: Entra accepts the token endpoint under the
// tenant ID (any case), common and organizations, and the v1 endpoint.
func TestAssertionAudiences(t *testing.T) {
	e := newAssertionEnv(t)
	for _, aud := range []string{
		e.srv.URL + "/" + strings.ToUpper(testTenant) + "/oauth2/v2.0/token",
		e.srv.URL + "/common/oauth2/v2.0/token",
		e.srv.URL + "/organizations/oauth2/token",
	} {
		a := e.certAssertion(t, func(c *jwt.Claims, _ map[jose.HeaderKey]any) { c.Audience = jwt.Audience{aud} })
		if status, m := requestToken(t, e.env, "common", assertionForm(testAppID, a)); status != http.StatusOK {
			t.Fatalf("aud %s: %d %v", aud, status, m)
		}
	}
}

// TestCertificateCredentialExpiry: a credential past its endDateTime no
// longer signs anyone in, even with a valid assertion.
func TestCertificateCredentialExpiry(t *testing.T) {
	e := newAssertionEnv(t)
	e.clock.add(48 * time.Hour) // past the stored ExpiresAt; the assertion's own times use real time
	status, m := requestToken(t, e.env, testTenant, assertionForm(testAppID, e.certAssertion(t, func(c *jwt.Claims, _ map[jose.HeaderKey]any) {
		n := e.clock.now()
		c.NotBefore, c.Expiry = jwt.NewNumericDate(n), jwt.NewNumericDate(n.Add(5*time.Minute))
	})))
	if status != http.StatusUnauthorized || aadsts(m) != 700027 {
		t.Fatalf("%d %v", status, m)
	}
}

func TestReplayCacheBounded(t *testing.T) {
	c := newReplayCache(2)
	for _, step := range []struct {
		key        string
		until, now int64
		ok, full   bool
	}{
		{"a", 100, 0, true, false},
		{"a", 100, 50, false, false},
		{"b", 100, 50, true, false},
		{"c", 200, 60, false, true},  // full; nothing expired yet
		{"c", 200, 101, true, false}, // a and b expired and are forgotten
		{"a", 300, 102, true, false},
	} {
		ok, full := c.claim(step.key, step.until, step.now)
		if ok != step.ok || full != step.full {
			t.Fatalf("claim(%s at %d) = %v, %v; want %v, %v", step.key, step.now, ok, full, step.ok, step.full)
		}
	}
}
