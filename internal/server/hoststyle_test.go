package server_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"

	"github.com/lanyardhq/lanyard/internal/server"
)

// TestHostStyleNames serves with --domain and addresses the data planes by
// name, as in Azure: {account}.blob.{domain} and {vault}.vault.{domain}.
// The only client-side difference from production is name resolution (the
// transport dials the server for every *.lanyard.test name); azsecrets'
// challenge-resource verification stays on, and ARM reports these URLs.
func TestHostStyleNames(t *testing.T) {
	const domain = "lanyard.test"
	s := newSeedWith(t, func(c *server.Config) { c.Domain = domain })
	ctx := t.Context()
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(s.s.url, "https://"))
	blobURL := "https://seedstore1.blob." + domain + ":" + port + "/"
	vaultURL := "https://seed-vault.vault." + domain + ":" + port + "/"

	acct := decode(t, mustRun(t, "storage", "account", "show", "-g", s.rg, "-n", "seedstore1"))
	if got := acct["properties"].(map[string]any)["primaryEndpoints"].(map[string]any)["blob"]; got != blobURL {
		t.Fatalf("primaryEndpoints.blob = %v, want %s", got, blobURL)
	}
	kvRes := decode(t, mustRun(t, "keyvault", "show", "-g", s.rg, "-n", "seed-vault"))
	if got := kvRes["properties"].(map[string]any)["vaultUri"]; got != vaultURL {
		t.Fatalf("vaultUri = %v, want %s", got, vaultURL)
	}

	hc := s.dialServer(t)
	opts := azcore.ClientOptions{Transport: hc, Retry: policy.RetryOptions{MaxRetries: -1}}
	kv, err := azsecrets.NewClient(vaultURL, s.officer, &azsecrets.ClientOptions{ClientOptions: opts})
	if err != nil {
		t.Fatal(err)
	}
	sec, err := kv.GetSecret(ctx, s.secretName, "", nil)
	if err != nil {
		t.Fatalf("GetSecret host-style with challenge verification on: %v", err)
	}
	if *sec.Value != s.secretValue || sec.ID.Name() != s.secretName || !strings.HasPrefix(string(*sec.ID), vaultURL+"secrets/") {
		t.Fatalf("secret %s = %q", *sec.ID, *sec.Value)
	}

	mustRun(t, "role", "assignment", "create", "--assignee", s.officerAppID, "--role", "Storage Blob Data Contributor", "--scope", s.acct1)
	bc, err := azblob.NewClient(blobURL, s.officer, &azblob.ClientOptions{ClientOptions: opts})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bc.CreateContainer(ctx, "host", nil); err != nil {
		t.Fatal(err)
	}
	body := bytes.Repeat([]byte("host-style "), 1000)
	if _, err := bc.UploadBuffer(ctx, "host", "dir/a b.txt", body, nil); err != nil {
		t.Fatal(err)
	}
	// The same blob is there path-style: one account, two addresses.
	path, err := azblob.NewClient(s.url1, s.officer, &azblob.ClientOptions{ClientOptions: azcore.ClientOptions{Transport: s.httpsClient()}})
	if err != nil {
		t.Fatal(err)
	}
	got := make([]byte, len(body))
	if _, err := path.DownloadBuffer(ctx, "host", "dir/a b.txt", got, nil); err != nil || !bytes.Equal(got, body) {
		t.Fatalf("path-style read of a host-style write: %v", err)
	}
}

// dialServer is an HTTPS client trusting Lanyard's CA that resolves every
// name to the server's address, as a DNS wildcard record would.
func (e *miEnv) dialServer(t *testing.T) *http.Client {
	pem, err := os.ReadFile(e.s.caFile)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pem)
	addr := strings.TrimPrefix(e.s.url, "https://")
	return &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: roots},
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
	}}
}
