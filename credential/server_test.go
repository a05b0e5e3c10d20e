package credential_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/lanyardhq/lanyard/credential"
	"github.com/lanyardhq/lanyard/internal/agent"
	"github.com/lanyardhq/lanyard/internal/cli"
	"github.com/lanyardhq/lanyard/internal/server"
	"github.com/lanyardhq/lanyard/internal/server/servertest"
)

// lanyardServer is a real `lanyard serve` (SQLite store, token service,
// built-in agent) on loopback, with the CLI logged in as the admin.
type lanyardServer struct {
	srv     *server.Server
	url     string
	caFile  string
	dataDir string
}

func startServer(t testing.TB) *lanyardServer {
	t.Helper()
	ts := servertest.Start(t, "", nil)
	srv, url, dataDir := ts.Server, ts.URL, ts.DataDir
	s := &lanyardServer{srv: srv, url: url, caFile: srv.CAFile(), dataDir: dataDir}
	t.Setenv("LANYARD_CONFIG_DIR", t.TempDir())
	s.run(t, "login", "--server", url, "--ca-file", s.caFile, "--username", server.AdminUserName,
		"--password-file", filepath.Join(dataDir, server.AdminPasswordFile))
	return s
}

// run runs one CLI command in-process and decodes its JSON output, if any.
func (s *lanyardServer) run(t testing.TB, args ...string) map[string]any {
	t.Helper()
	cmd := cli.NewRootCommand()
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(args)
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("lanyard %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
	var v map[string]any
	if strings.HasPrefix(strings.TrimSpace(out.String()), "{") {
		if err := json.Unmarshal(out.Bytes(), &v); err != nil {
			t.Fatalf("lanyard %s: %v", strings.Join(args, " "), err)
		}
	}
	return v
}

// httpsClient trusts only the server's CA.
func (s *lanyardServer) httpsClient(t testing.TB) *http.Client {
	pem, err := os.ReadFile(s.caFile)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pem)
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
}

// session opens an App Service session for app on the built-in agent, as
// `lanyard run --app` does, and sets IDENTITY_ENDPOINT/IDENTITY_HEADER.
func (s *lanyardServer) session(t testing.TB, app string) agent.SessionInfo {
	t.Helper()
	sock := filepath.Join(s.dataDir, server.AgentSocket)
	c := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", sock)
	}}}
	ctx, cancel := context.WithCancel(context.Background())
	body, _ := json.Marshal(map[string]string{"app": app})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://agent"+agent.SessionsPath, bytes.NewReader(body))
	resp, err := c.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	// The session lives as long as the connection.
	t.Cleanup(func() { cancel(); resp.Body.Close() })
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("open session: HTTP %d", resp.StatusCode)
	}
	line, err := bufio.NewReader(resp.Body).ReadBytes('\n')
	if err != nil {
		t.Fatal(err)
	}
	var info agent.SessionInfo
	if err := json.Unmarshal(line, &info); err != nil {
		t.Fatal(err)
	}
	t.Setenv("IDENTITY_ENDPOINT", info.IdentityEndpoint)
	t.Setenv("IDENTITY_HEADER", info.IdentityHeader)
	return info
}

// counting wraps a transport and counts the requests that reach it: the
// tests' view of how many token requests a credential really sent.
type counting struct {
	next interface {
		Do(*http.Request) (*http.Response, error)
	}
	n atomic.Int64
}

func (c *counting) Do(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.Do(r)
}

// cleanEnv unsets every variable the chain reads, so a test starts from a
// machine with no identity configured, no az and no IMDS.
func cleanEnv(t testing.TB) {
	t.Helper()
	for _, k := range []string{"AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PATH",
		"AZURE_FEDERATED_TOKEN_FILE", "AZURE_AUTHORITY_HOST", "AZURE_TOKEN_CREDENTIALS", "IDENTITY_ENDPOINT", "IDENTITY_HEADER",
		"MSI_ENDPOINT", "MSI_SECRET", "IMDS_ENDPOINT", "AZURE_USERNAME", "AZURE_PASSWORD"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("PATH", t.TempDir())
	// IMDS: a loopback port nobody listens on refuses at once.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	restoreIMDS(t, addr)
}

func restoreIMDS(t testing.TB, addr string) {
	t.Cleanup(credential.SetIMDS(addr, nil))
}

// claims decodes a JWT's payload without verifying it: the server's own
// tests verify signatures; here we check whose token came back.
func claims(t testing.TB, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT")
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func str(m map[string]any, path ...string) string {
	var v any = m
	for _, p := range path {
		mm, _ := v.(map[string]any)
		v = mm[p]
	}
	s, _ := v.(string)
	return s
}

func scope(aud string) policy.TokenRequestOptions {
	return policy.TokenRequestOptions{Scopes: []string{aud + "/.default"}}
}
