package server_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/lanyardhq/lanyard/internal/server"
)

// TestEntraApplicationCredentials registers application credentials through
// the CLI and signs in with the unmodified azidentity credentials against
// the running server: a certificate (ClientCertificateCredential), and a
// federated credential whose external issuer is Lanyard itself — an app's
// managed identity fetches a token for api://AzureADTokenExchange through
// the built-in agent and exchanges it, via WorkloadIdentityCredential, for
// a service principal's token (Azure's "managed identity as a federated
// credential").
func TestEntraApplicationCredentials(t *testing.T) {
	e := newMIEnv(t)
	sp := decode(t, mustRun(t, "ad", "sp", "create", "--display-name", "deployer"))
	spID, appID := sp["id"].(string), sp["appId"].(string)
	cloudOpts := azcore.ClientOptions{
		Cloud:     cloud.Configuration{ActiveDirectoryAuthorityHost: e.s.url + "/"},
		Transport: e.httpsClient(),
	}
	ctx := t.Context()

	t.Run("ClientCertificateCredential", func(t *testing.T) {
		certPEM, keyPEM := selfSigned(t, "deployer")
		certFile := filepath.Join(t.TempDir(), "cert.pem")
		if err := os.WriteFile(certFile, certPEM, 0o600); err != nil {
			t.Fatal(err)
		}
		mustRun(t, "ad", "sp", "credential", "reset", "--id", spID, "--cert", "@"+certFile)
		certs, key, err := azidentity.ParseCertificates(append(certPEM, keyPEM...), nil)
		if err != nil {
			t.Fatal(err)
		}
		cred, err := azidentity.NewClientCertificateCredential(e.s.srv.TenantID(), appID, certs, key,
			&azidentity.ClientCertificateCredentialOptions{ClientOptions: cloudOpts, DisableInstanceDiscovery: true})
		if err != nil {
			t.Fatal(err)
		}
		tok, err := cred.GetToken(ctx, scope("https://storage.azure.com"))
		if err != nil {
			t.Fatalf("GetToken: %v", err)
		}
		if c := e.verify(tok); c["oid"] != spID || c["appid"] != appID || c["aud"] != "https://storage.azure.com" {
			t.Fatalf("claims: %v", c)
		}
	})

	t.Run("WorkloadIdentityCredential with a managed identity's token", func(t *testing.T) {
		mustRun(t, "app", "create", "-g", e.rg, "-n", "builder")
		mi := decode(t, mustRun(t, "app", "identity", "assign", "-g", e.rg, "-n", "builder"))
		issuer := e.s.url + "/" + e.s.srv.TenantID() + "/v2.0"
		mustRun(t, "ad", "sp", "federated-credential", "create", "--id", spID, "--name", "from-builder",
			"--issuer", issuer, "--subject", str(mi, "principalId"))

		info, err := session(t, filepath.Join(e.dataDir, server.AgentSocket), "builder")
		if err != nil {
			t.Fatal(err)
		}
		t.Setenv("IDENTITY_ENDPOINT", info.IdentityEndpoint)
		t.Setenv("IDENTITY_HEADER", info.IdentityHeader)
		miCred, err := azidentity.NewManagedIdentityCredential(nil)
		if err != nil {
			t.Fatal(err)
		}
		assertion, err := miCred.GetToken(ctx, scope("api://AzureADTokenExchange"))
		if err != nil {
			t.Fatalf("managed identity token: %v", err)
		}
		tokenFile := filepath.Join(t.TempDir(), "token")
		if err := os.WriteFile(tokenFile, []byte(assertion.Token+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		cred, err := azidentity.NewWorkloadIdentityCredential(&azidentity.WorkloadIdentityCredentialOptions{
			ClientOptions: cloudOpts, TenantID: e.s.srv.TenantID(), ClientID: appID, TokenFilePath: tokenFile,
			DisableInstanceDiscovery: true,
		})
		if err != nil {
			t.Fatal(err)
		}
		tok, err := cred.GetToken(ctx, scope("https://vault.azure.net"))
		if err != nil {
			t.Fatalf("GetToken: %v", err)
		}
		if c := e.verify(tok); c["oid"] != spID || c["aud"] != "https://vault.azure.net" {
			t.Fatalf("claims: %v", c)
		}

		// Another identity's token does not match the credential's subject.
		mustRun(t, "identity", "create", "-g", e.rg, "-n", "stranger")
		mustRun(t, "app", "identity", "assign", "-g", e.rg, "-n", "builder", "--identities", "stranger")
		wrong, err := (func() (azcore.AccessToken, error) {
			c, err := azidentity.NewManagedIdentityCredential(&azidentity.ManagedIdentityCredentialOptions{ID: azidentity.ResourceID(
				e.id("Microsoft.ManagedIdentity/userAssignedIdentities", "stranger"))})
			if err != nil {
				return azcore.AccessToken{}, err
			}
			return c.GetToken(ctx, scope("api://AzureADTokenExchange"))
		})()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(tokenFile, []byte(wrong.Token), 0o600); err != nil {
			t.Fatal(err)
		}
		cred2, err := azidentity.NewWorkloadIdentityCredential(&azidentity.WorkloadIdentityCredentialOptions{
			ClientOptions: cloudOpts, TenantID: e.s.srv.TenantID(), ClientID: appID, TokenFilePath: tokenFile,
			DisableInstanceDiscovery: true,
		})
		if err != nil {
			t.Fatal(err)
		}
		if tok, err := cred2.GetToken(ctx, scope("https://vault.azure.net")); err == nil || tok.Token != "" {
			t.Fatal("a token whose subject matches no federated credential was exchanged")
		}
	})
}

// selfSigned makes an RSA certificate and key (PEM), as `openssl req -x509`.
func selfSigned(t *testing.T, cn string) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder})
}
