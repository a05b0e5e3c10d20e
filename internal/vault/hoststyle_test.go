package vault

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"

	"github.com/lanyardhq/lanyard/internal/dataplane"
)

const vaultDomain = "vault.lanyard.test"

// wildcardCert returns a server certificate for *.vault.lanyard.test and
// a pool trusting it.
func wildcardCert(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "*." + vaultDomain},
		DNSNames: []string{"*." + vaultDomain}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// TestSDKHostStyle addresses the vault as https://myvault.vault.lanyard.test:port
// with the SDK's challenge-resource verification ON: the challenge's
// resource https://vault.lanyard.test:port must be a suffix of the vault's
// host, and the SDK's ID.Name()/Version() must parse the ids.
func TestSDKHostStyle(t *testing.T) {
	e := &env{t: t, dbPath: t.TempDir() + "/lanyard.db"}
	cert, pool := wildcardCert(t)
	var resource string
	e.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := net.SplitHostPort(r.Host)
		name, ok := strings.CutSuffix(host, "."+vaultDomain)
		if !ok {
			http.NotFound(w, r)
			return
		}
		e.h.Serve(w, r, dataplane.Address{Name: name, Path: r.URL.Path, BaseURL: "https://" + r.Host,
			Audiences: []string{vaultAud, resource}, Resource: resource})
	}))
	e.srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	e.srv.StartTLS()
	t.Cleanup(e.srv.Close)
	e.start()
	_, port, _ := net.SplitHostPort(e.srv.Listener.Addr().String())
	resource = "https://" + vaultDomain + ":" + port
	e.grant(officerOID, "Key Vault Secrets Officer", vaultID)

	listener := e.srv.Listener.Addr().String()
	var d net.Dialer
	transport := &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool},
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return d.DialContext(ctx, network, listener) // *.vault.lanyard.test resolves here
		},
	}}
	cred := &minting{e: e, oid: officerOID}
	c, err := azsecrets.NewClient("https://"+testVault+"."+vaultDomain+":"+port, cred, &azsecrets.ClientOptions{
		ClientOptions: azcore.ClientOptions{Transport: transport, Retry: policy.RetryOptions{MaxRetries: -1}},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	set, err := c.SetSecret(ctx, "Api-Key", azsecrets.SetSecretParameters{Value: to.Ptr("hosted")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if set.ID.Name() != "Api-Key" || !isVersion(set.ID.Version()) {
		t.Fatalf("id %s parses as %q %q", *set.ID, set.ID.Name(), set.ID.Version())
	}
	got, err := c.GetSecret(ctx, set.ID.Name(), set.ID.Version(), nil)
	if err != nil || *got.Value != "hosted" {
		t.Fatalf("get = %v", err)
	}
	if scopes, _ := cred.asked(); scopes[0] != resource+"/.default" {
		t.Fatalf("scope %q, want %s/.default", scopes[0], resource)
	}
}
