package credential_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/credential"
)

// servicePrincipal creates one with the CLI and returns its app ID and a
// fresh secret.
func (s *lanyardServer) servicePrincipal(t *testing.T, name string) (spID, appID, secret string) {
	t.Helper()
	sp := s.run(t, "ad", "sp", "create", "--display-name", name)
	creds := s.run(t, "ad", "sp", "credential", "reset", "--id", str(sp, "id"))
	appID, secret = str(creds, "appId"), str(creds, "password")
	if appID == "" || secret == "" {
		t.Fatalf("credential reset: %v", creds)
	}
	return str(sp, "id"), appID, secret
}

// TestEnvironmentCredential signs service principals in at the real token
// service, with a secret and with a certificate, and checks that a wrong
// secret is a real failure that stops the default chain even though a
// managed identity would have worked.
func TestEnvironmentCredential(t *testing.T) {
	cleanEnv(t)
	s := startServer(t)
	_, appID, secret := s.servicePrincipal(t, "env-secret")
	opts := &credential.Options{Transport: s.httpsClient(t)}
	t.Setenv("AZURE_AUTHORITY_HOST", s.url)
	t.Setenv("AZURE_TENANT_ID", s.srv.TenantID())
	t.Setenv("AZURE_CLIENT_ID", appID)
	ctx := t.Context()

	t.Run("client secret", func(t *testing.T) {
		t.Setenv("AZURE_CLIENT_SECRET", secret)
		cred, err := credential.NewEnvironmentCredential(opts)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := cred.GetToken(ctx, scope("https://management.azure.com"))
		if err != nil {
			t.Fatalf("GetToken: %v", err)
		}
		c := claims(t, tok.Token)
		if c["appid"] != appID && c["azp"] != appID {
			t.Fatalf("token is not for %s: %v", appID, c)
		}
		if c["tid"] != s.srv.TenantID() || !tok.ExpiresOn.After(time.Now()) {
			t.Fatalf("claims %v, ExpiresOn %v", c, tok.ExpiresOn)
		}
	})

	t.Run("client certificate", func(t *testing.T) {
		certFile, pemFile := writeCertificate(t)
		spID, certAppID, _ := s.servicePrincipal(t, "env-cert")
		s.run(t, "ad", "sp", "credential", "reset", "--id", spID, "--cert", "@"+certFile)
		t.Setenv("AZURE_CLIENT_ID", certAppID)
		t.Setenv("AZURE_CLIENT_CERTIFICATE_PATH", pemFile)
		cred, err := credential.NewEnvironmentCredential(opts)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := cred.GetToken(ctx, scope("https://storage.azure.com"))
		if err != nil {
			t.Fatalf("GetToken: %v", err)
		}
		if c := claims(t, tok.Token); c["aud"] != "https://storage.azure.com" {
			t.Fatalf("claims %v", c)
		}
	})

	t.Run("wrong secret stops the chain", func(t *testing.T) {
		s.run(t, "group", "create", "-n", "mi")
		s.run(t, "app", "create", "-g", "mi", "-n", "web")
		s.run(t, "app", "identity", "assign", "-g", "mi", "-n", "web", "--system-assigned")
		s.session(t, "web")
		t.Setenv("AZURE_CLIENT_ID", appID)
		t.Setenv("AZURE_CLIENT_SECRET", "wrong-"+secret)
		d, err := credential.NewDefaultCredential(opts)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := d.GetToken(ctx, scope("https://management.azure.com"))
		var ae *credential.AuthenticationError
		if err == nil || tok.Token != "" || !errors.As(err, &ae) || ae.Credential != credential.SourceEnvironment || ae.StatusCode != 401 && ae.StatusCode != 400 {
			t.Fatalf("GetToken = %q, %v; want EnvironmentCredential's authentication failure", tok.Token, err)
		}
		if strings.Contains(err.Error(), credential.SourceManagedIdentity) || d.Selected() != "" {
			t.Fatalf("the chain went on past a real failure: %v", err)
		}
		if strings.Contains(err.Error(), secret) {
			t.Fatal("the error shows the secret")
		}
	})
}

// writeCertificate makes a self-signed RSA certificate; it returns a file
// with the certificate alone (to register) and one with certificate and key
// (AZURE_CLIENT_CERTIFICATE_PATH).
func writeCertificate(t *testing.T) (certFile, pemFile string) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "env-cert"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyDER, _ := x509.MarshalPKCS8PrivateKey(key)
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	certFile, pemFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "both.pem")
	if err := os.WriteFile(certFile, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pemFile, append(certPEM, keyPEM...), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, pemFile
}
