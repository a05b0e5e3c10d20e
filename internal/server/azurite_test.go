package server_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/lanyardhq/lanyard/internal/pki"
	"github.com/lanyardhq/lanyard/internal/server"
)

// azuriteDir holds bench/azurite/package.json (Azurite pinned) and, once
// installed, its node_modules; the test's working directory is this
// package's.
var azuriteDir = filepath.Join("..", "..", "bench", "azurite")

// azuriteAccount is Azurite's built-in account.
const azuriteAccount = "devstoreaccount1"

// azurite is a running Azurite blob service over HTTPS with basic OAuth.
type azurite struct {
	url    string       // path-style account URL
	client *http.Client // trusts the test CA that issued Azurite's certificate
}

// startAzurite installs Azurite if needed (npm ci), issues its server
// certificate from a fresh test CA, starts the blob service on a free
// loopback port and waits until it answers. Without node or npm the
// benchmark is skipped, saying how to install them.
func startAzurite(b *testing.B) *azurite {
	b.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		b.Skip("Azurite needs Node.js ≥ 18 and npm on PATH (e.g. apt-get install nodejs npm); then npm ci --prefix bench/azurite")
	}
	bin := filepath.Join(azuriteDir, "node_modules", "azurite", "dist", "src", "blob", "main.js")
	if _, err := os.Stat(bin); err != nil {
		npm, err := exec.LookPath("npm")
		if err != nil {
			b.Skip("Azurite is not installed and npm is missing: install npm, then run npm ci --prefix bench/azurite")
		}
		if out, err := exec.Command(npm, "ci", "--no-audit", "--no-fund", "--prefix", azuriteDir).CombinedOutput(); err != nil {
			b.Fatalf("npm ci --prefix %s: %v\n%s", azuriteDir, err, out)
		}
	}

	// Azurite gets a certificate from its own CA, as Lanyard does (same
	// ECDSA P-256 key type, so both sides pay the same TLS cost).
	certDir := b.TempDir()
	ca, err := pki.LoadOrCreateCA(certDir)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := ca.ServerCertificate(certDir, nil, nil); err != nil {
		b.Fatal(err)
	}
	port := freePort(b)
	cmd := exec.Command(node, bin,
		"--blobHost", "127.0.0.1", "--blobPort", strconv.Itoa(port),
		"--location", b.TempDir(),
		"--cert", filepath.Join(certDir, pki.ServerCertFile), "--key", filepath.Join(certDir, pki.ServerKeyFile),
		"--oauth", "basic", "--skipApiVersionCheck", "--loose", "--silent", "--disableTelemetry")
	// Its banner and any crash report go to a file shown only on failure.
	logPath := filepath.Join(b.TempDir(), "azurite.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		b.Fatal(err)
	}
	defer logFile.Close()
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		b.Fatalf("start Azurite: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	b.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})

	client := &http.Client{Transport: &http.Transport{
		TLSClientConfig:     &tls.Config{RootCAs: ca.CertPool()},
		MaxIdleConnsPerHost: 64,
	}}
	a := &azurite{url: "https://127.0.0.1:" + strconv.Itoa(port) + "/" + azuriteAccount, client: client}
	for deadline := time.Now().Add(30 * time.Second); ; {
		// Any HTTP answer (even an error status) means the service is up.
		resp, err := client.Get(a.url + "?comp=list")
		if err == nil {
			resp.Body.Close()
			return a
		}
		select {
		case err := <-exited:
			out, _ := os.ReadFile(logPath)
			b.Fatalf("Azurite exited before answering: %v\n%s", err, out)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			b.Fatalf("Azurite did not answer within 30s: %v", err)
		}
	}
}

func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// azuriteToken is a bearer token Azurite's basic OAuth accepts. Azurite
// (BlobTokenAuthenticator.authenticateBasic) only decodes the JWT: it needs
// iat, nbf and exp with now inside [nbf, exp], an issuer starting with
// https://sts.windows.net/ (or another Azure cloud's STS), and an audience
// of https://storage.azure.com; it checks no signature and no role. A
// Lanyard token fails the issuer check (its issuer is the server's own
// URL), so this one is crafted, with Entra's claim set and an RS256
// signature from a throwaway key so that it is the same size on the wire
// as Lanyard's (Azurite ignores the signature).
func azuriteToken(b *testing.B) azcore.AccessToken {
	b.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		b.Fatal(err)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "azurite-bench"))
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	tenant, oid := "72f988bf-86f1-41af-91ab-2d7cd011db47", "11059fcc-5514-4800-b5f8-49808b9cfab6"
	claims := map[string]any{
		"aud": "https://storage.azure.com", "iss": "https://sts.windows.net/" + tenant + "/",
		"iat": now.Add(-time.Minute).Unix(), "nbf": now.Add(-time.Minute).Unix(), "exp": now.Add(2 * time.Hour).Unix(),
		"appid": "f997392c-e15a-4ad8-af9e-cd6966caba7f", "idtyp": "app", "oid": oid, "sub": oid, "tid": tenant,
		"ver": "1.0", "uti": "dd77i7fCB0yn8aQYUqsJAA",
	}
	tok, err := jwt.Signed(signer).Claims(claims).Serialize()
	if err != nil {
		b.Fatal(err)
	}
	return azcore.AccessToken{Token: tok, ExpiresOn: now.Add(2 * time.Hour)}
}

// staticToken is a credential that always returns one token.
type staticToken struct{ tok azcore.AccessToken }

var _ azcore.TokenCredential = staticToken{}

func (s staticToken) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return s.tok, nil
}

// lanyardBench is a real Lanyard server with an admin CLI profile, a
// resource group and a service principal signed in with client
// credentials: the blob and vault benchmarks' clients use its real tokens.
type lanyardBench struct {
	s          *running
	rg         string
	appID      string // the service principal's application ID, for role assignments
	cred       azcore.TokenCredential
	clientOpts azcore.ClientOptions // trusts the server's CA
}

func startLanyardBench(b *testing.B) *lanyardBench {
	b.Helper()
	dataDir := b.TempDir()
	s := start(b, dataDir)
	b.Cleanup(s.stop)
	b.Setenv("LANYARD_CONFIG_DIR", b.TempDir())
	mustRun(b, "login", "--server", s.url, "--ca-file", s.caFile, "--username", server.AdminUserName,
		"--password-file", filepath.Join(dataDir, server.AdminPasswordFile))
	mustRun(b, "group", "create", "-n", "bench")
	sp := decode(b, mustRun(b, "ad", "sp", "create", "--display-name", "bench-client"))
	creds := decode(b, mustRun(b, "ad", "sp", "credential", "reset", "--id", sp["id"].(string)))
	appID, secret := str(creds, "appId"), str(creds, "password")

	pem, err := os.ReadFile(s.caFile)
	if err != nil {
		b.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pem)
	opts := azcore.ClientOptions{
		Cloud: cloud.Configuration{ActiveDirectoryAuthorityHost: s.url + "/"},
		Transport: &http.Client{Transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: roots}, MaxIdleConnsPerHost: 64,
		}},
	}
	cred, err := azidentity.NewClientSecretCredential(s.srv.TenantID(), appID, secret,
		&azidentity.ClientSecretCredentialOptions{ClientOptions: opts, DisableInstanceDiscovery: true})
	if err != nil {
		b.Fatal(err)
	}
	return &lanyardBench{s: s, rg: "bench", appID: appID, cred: cred, clientOpts: opts}
}
