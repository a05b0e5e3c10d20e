package tokens

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/lanyardhq/lanyard/internal/federation"
	"github.com/lanyardhq/lanyard/internal/store"
	"github.com/lanyardhq/lanyard/internal/store/sqlite"
)

const (
	testUAIClientID = "cccccccc-2222-4333-8444-555555555555"
	testUAIOID      = "dddddddd-2222-4333-8444-555555555555"
	testUAIResource = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/ci"
	testSubject     = "system:serviceaccount:default:workload"
)

// oidcIssuer is an external OIDC issuer (a Kubernetes cluster, GitHub)
// on its own TLS server with its own key; hits counts every request.
type oidcIssuer struct {
	srv  *httptest.Server
	key  *rsa.PrivateKey
	kid  string
	hits atomic.Int64
}

func newOIDCIssuer(t testing.TB) *oidcIssuer {
	o := &oidcIssuer{key: newRSAKey(t), kid: "issuer-key-1"}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"issuer": o.srv.URL, "jwks_uri": o.srv.URL + "/keys"})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &o.key.PublicKey, KeyID: o.kid, Algorithm: "RS256", Use: "sig"}}})
	})
	o.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.hits.Add(1)
		mux.ServeHTTP(w, r)
	}))
	o.srv.StartTLS()
	t.Cleanup(o.srv.Close)
	return o
}

// token signs a token as the issuer would hand it to a workload.
func (o *oidcIssuer) token(t testing.TB, sub, aud string, lifetime time.Duration) string {
	now := time.Now()
	return signJWT(t, o.key, jose.RS256, map[jose.HeaderKey]any{"kid": o.kid}, jwt.Claims{
		Issuer: o.srv.URL, Subject: sub, Audience: jwt.Audience{aud},
		IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now), Expiry: jwt.NewNumericDate(now.Add(lifetime)),
	})
}

func signJWT(t testing.TB, key any, alg jose.SignatureAlgorithm, headers map[jose.HeaderKey]any, claims any) string {
	t.Helper()
	opts := (&jose.SignerOptions{}).WithType("JWT")
	for k, v := range headers {
		opts = opts.WithHeader(k, v)
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, opts)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := jwt.Signed(s).Claims(claims).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func newRSAKey(t testing.TB) *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// testCert is a self-signed client certificate and its PEM (cert + key),
// as an operator would hand to ClientCertificateCredential.
type testCert struct {
	cert *x509.Certificate
	key  *rsa.PrivateKey
	pem  []byte
}

func newTestCert(t testing.TB) testCert {
	key := newRSAKey(t)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: "build-bot"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pk, _ := x509.MarshalPKCS8PrivateKey(key)
	p := append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pk})...)
	return testCert{cert: cert, key: key, pem: p}
}

func (c testCert) x5tS256() string {
	s := sha256.Sum256(c.cert.Raw)
	return base64.RawURLEncoding.EncodeToString(s[:])
}

// assertionEnv is the token handler on the real SQLite store, with an
// application that has a certificate and a federated credential, a
// user-assigned identity with a federated credential, and the issuer.
type assertionEnv struct {
	*env
	st   store.Store
	cert testCert
	ext  *oidcIssuer
}

func newAssertionEnv(t testing.TB) *assertionEnv {
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "lanyard.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := &assertionEnv{env: &env{auth: &testAuth{}, clock: &clock{t: time.Now()}}, st: st, cert: newTestCert(t), ext: newOIDCIssuer(t)}
	fed, err := federation.New(federation.Config{ExtraRoots: []*x509.Certificate{e.ext.srv.Certificate()}})
	if err != nil {
		t.Fatal(err)
	}
	e.keys = newKeySet(t, "RS256", e.clock.now)
	mux := http.NewServeMux()
	e.srv = httptest.NewTLSServer(mux)
	t.Cleanup(e.srv.Close)
	iss := IssuerURL(e.srv.URL, testTenant)
	e.issuer = NewIssuer(e.keys, iss, testTenant, e.clock.now)
	e.verifier = NewVerifier(e.keys, iss, e.clock.now)
	NewHandler(Config{BaseURL: e.srv.URL, TenantID: testTenant, Issuer: e.issuer, Keys: e.keys, Auth: e.auth,
		Now: e.clock.now, Clients: st, Federation: fed}).Routes(mux)

	ctx := t.Context()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now().UTC()
	must(st.CreatePrincipal(ctx, store.Principal{ID: testAppOID, Kind: store.KindServicePrincipal, ClientID: testAppID, DisplayName: "build-bot", CreatedAt: now}))
	must(st.CreatePrincipal(ctx, store.Principal{ID: testUAIOID, Kind: store.KindManagedIdentity, ClientID: testUAIClientID,
		IdentityType: store.UserAssigned, ResourceID: testUAIResource, DisplayName: "ci", CreatedAt: now}))
	must(st.CreateCredential(ctx, store.Credential{ID: "e0000000-0000-4000-8000-000000000001", PrincipalID: testAppOID, Kind: store.CredentialCertificate,
		Data: e.cert.cert.Raw, StartsAt: e.cert.cert.NotBefore, ExpiresAt: e.cert.cert.NotAfter, CreatedAt: now}))
	for i, oid := range []string{testAppOID, testUAIOID} {
		fic := federation.Credential{Name: "k8s", Issuer: e.ext.srv.URL, Subject: testSubject, Audiences: []string{federation.DefaultAudience}}
		must(st.CreateCredential(ctx, store.Credential{ID: "f0000000-0000-4000-8000-00000000000" + string(rune('1'+i)), PrincipalID: oid,
			Kind: store.CredentialFederated, DisplayName: fic.Name, Data: fic.Marshal(), StartsAt: now, CreatedAt: now}))
	}
	return e
}

// certAssertion signs an assertion like MSAL's with the env's certificate;
// mutate may change the claims or headers before signing.
func (e *assertionEnv) certAssertion(t testing.TB, mutate func(c *jwt.Claims, h map[jose.HeaderKey]any)) string {
	now := time.Now()
	c := jwt.Claims{Issuer: testAppID, Subject: testAppID, Audience: jwt.Audience{e.srv.URL + "/" + testTenant + "/oauth2/v2.0/token"},
		ID: newGUID(), NotBefore: jwt.NewNumericDate(now), Expiry: jwt.NewNumericDate(now.Add(10 * time.Minute))}
	h := map[jose.HeaderKey]any{"x5t#S256": e.cert.x5tS256()}
	if mutate != nil {
		mutate(&c, h)
	}
	return signJWT(t, e.cert.key, jose.PS256, h, c)
}
