package directory

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"
)

func certPEM(t *testing.T, key any, pub any, notBefore, notAfter time.Time) (string, *x509.Certificate) {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ci"}, NotBefore: notBefore, NotAfter: notAfter}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})), c
}

func jsonBody(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestCertificateCredentialsAPI(t *testing.T) {
	a := newAPI(t)
	r := a.do(t, a.admin, "POST", "/v1.0/servicePrincipals", `{"displayName":"deployer"}`).expect(t, 201, "")
	sp := "/v1.0/servicePrincipals/" + r.body["id"].(string)
	now := a.clock.Now()
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	good, cert := certPEM(t, rsaKey, &rsaKey.PublicKey, now.Add(-time.Hour), now.Add(24*time.Hour))

	a.do(t, a.plain, "POST", sp+"/addCertificate", jsonBody(map[string]string{"certificate": good})).expect(t, 403, codeDenied)
	r = a.do(t, a.admin, "POST", sp+"/addCertificate", jsonBody(map[string]string{"certificate": good, "displayName": "ci cert"})).expect(t, 200, "")
	keyID := r.body["keyId"].(string)
	if r.body["customKeyIdentifier"] != thumbprint(cert.Raw) || r.body["type"] != "AsymmetricX509Cert" || r.body["usage"] != "Verify" || r.body["displayName"] != "ci cert" {
		t.Fatalf("addCertificate body %v", r.body)
	}
	// The same certificate as base64 DER is the same key: a conflict.
	a.do(t, a.admin, "POST", sp+"/addCertificate", jsonBody(map[string]string{"certificate": base64.StdEncoding.EncodeToString(cert.Raw)})).expect(t, 409, codeConflict)

	smallKey, _ := rsa.GenerateKey(rand.Reader, 1024)
	small, _ := certPEM(t, smallKey, &smallKey.PublicKey, now.Add(-time.Hour), now.Add(time.Hour))
	ecKey, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	p384, _ := certPEM(t, ecKey, &ecKey.PublicKey, now.Add(-time.Hour), now.Add(time.Hour))
	expired, _ := certPEM(t, rsaKey, &rsaKey.PublicKey, now.Add(-time.Hour), now.Add(-time.Minute))
	pk, _ := x509.MarshalPKCS8PrivateKey(rsaKey)
	privPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pk}))
	for name, body := range map[string]string{
		"garbage": "not a cert", "RSA 1024": small, "P-384": p384, "expired": expired, "private key": privPEM,
		"too big": strings.Repeat("A", maxCertificate+1),
	} {
		r := a.do(t, a.admin, "POST", sp+"/addCertificate", jsonBody(map[string]string{"certificate": body}))
		if r.status != 400 {
			t.Errorf("%s: status %d: %s", name, r.status, r.raw)
		}
		if strings.Contains(r.raw, "PRIVATE KEY") || strings.Contains(r.raw, privPEM[40:80]) {
			t.Errorf("%s: the error echoes key material", name)
		}
	}

	got := a.do(t, a.plain, "GET", sp, "").expect(t, 200, "")
	keys := got.body["keyCredentials"].([]any)
	if len(keys) != 1 || keys[0].(map[string]any)["keyId"] != keyID {
		t.Fatalf("keyCredentials %v", keys)
	}
	a.do(t, a.plain, "POST", sp+"/removeKey", `{"keyId":"`+keyID+`"}`).expect(t, 403, codeDenied)
	a.do(t, a.admin, "POST", sp+"/removeKey", `{"keyId":"`+newID()+`"}`).expect(t, 404, codeNotFound)
	a.do(t, a.admin, "POST", sp+"/removeKey", `{"keyId":"`+keyID+`"}`).expect(t, 204, "")
	if got := a.do(t, a.plain, "GET", sp, "").expect(t, 200, ""); got.body["keyCredentials"] != nil {
		t.Fatalf("removed key still listed: %v", got.body["keyCredentials"])
	}
}

func TestFederatedCredentialsAPI(t *testing.T) {
	a := newAPI(t)
	r := a.do(t, a.admin, "POST", "/v1.0/servicePrincipals", `{"displayName":"gh"}`).expect(t, 201, "")
	sp := "/v1.0/servicePrincipals/" + r.body["id"].(string)
	fics := sp + "/federatedIdentityCredentials"
	body := `{"name":"main","issuer":"https://token.actions.githubusercontent.com","subject":"repo:o/r:ref:refs/heads/main"}`

	a.do(t, a.plain, "POST", fics, body).expect(t, 403, codeDenied)
	r = a.do(t, a.admin, "POST", fics, body).expect(t, 201, "")
	id := r.body["id"].(string)
	if aud := r.body["audiences"].([]any); len(aud) != 1 || aud[0] != "api://AzureADTokenExchange" || r.body["name"] != "main" {
		t.Fatalf("created %v", r.body)
	}
	a.do(t, a.admin, "POST", fics, body).expect(t, 409, codeConflict)
	a.do(t, a.admin, "POST", fics, strings.Replace(body, `"main"`, `"other"`, 1)).expect(t, 409, codeConflict) // same issuer+subject
	for name, bad := range map[string]string{
		"http issuer":   `{"name":"x1x","issuer":"http://i","subject":"s"}`,
		"fragment":      `{"name":"x1x","issuer":"https://i/#f","subject":"s"}`,
		"no subject":    `{"name":"x1x","issuer":"https://i"}`,
		"two audiences": `{"name":"x1x","issuer":"https://i","subject":"s","audiences":["a","b"]}`,
		"bad name":      `{"name":"a b","issuer":"https://i","subject":"s"}`,
	} {
		if r := a.do(t, a.admin, "POST", fics, bad); r.status != 400 {
			t.Errorf("%s: %d %s", name, r.status, r.raw)
		}
	}
	for i := range 19 {
		a.do(t, a.admin, "POST", fics, fmt.Sprintf(`{"name":"n%02d","issuer":"https://i","subject":"s%d"}`, i, i)).expect(t, 201, "")
	}
	a.do(t, a.admin, "POST", fics, `{"name":"n99","issuer":"https://i","subject":"s99"}`).expect(t, 400, codeBadRequest) // the 21st

	l := a.do(t, a.plain, "GET", fics, "").expect(t, 200, "")
	if n := len(l.body["value"].([]any)); n != 20 {
		t.Fatalf("listed %d", n)
	}
	for _, key := range []string{id, "MAIN"} {
		if g := a.do(t, a.plain, "GET", fics+"/"+key, "").expect(t, 200, ""); g.body["id"] != id {
			t.Fatalf("get %s: %v", key, g.body)
		}
	}
	a.do(t, a.plain, "DELETE", fics+"/main", "").expect(t, 403, codeDenied)
	a.do(t, a.admin, "DELETE", fics+"/main", "").expect(t, 204, "")
	a.do(t, a.plain, "GET", fics+"/"+id, "").expect(t, 404, codeNotFound)
	a.do(t, a.admin, "DELETE", fics+"/main", "").expect(t, 404, codeNotFound)
	// Users have no federated credentials.
	a.do(t, a.admin, "POST", "/v1.0/servicePrincipals/"+a.plain.ID+"/federatedIdentityCredentials", body).expect(t, 404, codeNotFound)
}
