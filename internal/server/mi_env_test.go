package server_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/go-jose/go-jose/v4"

	"github.com/lanyardhq/lanyard/internal/agent"
	"github.com/lanyardhq/lanyard/internal/server"
)

// miEnv is a running server with an admin profile, a resource group and
// the helpers the managed-identity tests share.
type miEnv struct {
	t       *testing.T
	s       *running
	dataDir string
	sub     string
	rg      string
	jwks    jose.JSONWebKeySet
}

func newMIEnv(t *testing.T) *miEnv { return newMIEnvWith(t, nil) }

func newMIEnvWith(t *testing.T, configure func(*server.Config)) *miEnv {
	dataDir := t.TempDir()
	s := startWith(t, dataDir, configure)
	t.Cleanup(s.stop)
	t.Setenv("LANYARD_CONFIG_DIR", t.TempDir())
	mustRun(t, "login", "--server", s.url, "--ca-file", s.caFile, "--username", server.AdminUserName,
		"--password-file", filepath.Join(dataDir, server.AdminPasswordFile))
	mustRun(t, "group", "create", "-n", "mi")
	return &miEnv{t: t, s: s, dataDir: dataDir, sub: s.srv.SubscriptionID(), rg: "mi"}
}

// id builds a resource ID in the test's group.
func (e *miEnv) id(provider, name string) string {
	return "/subscriptions/" + e.sub + "/resourceGroups/" + e.rg + "/providers/" + provider + "/" + name
}

// httpsClient trusts only the server's CA.
func (e *miEnv) httpsClient() *http.Client {
	pem, err := os.ReadFile(e.s.caFile)
	if err != nil {
		e.t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pem)
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
}

// verify checks tok against the JWKS the server publishes (fetched over
// HTTPS like any relying party would) and returns its claims.
func (e *miEnv) verify(tok azcore.AccessToken) map[string]any {
	e.t.Helper()
	if len(e.jwks.Keys) == 0 {
		resp, err := e.httpsClient().Get(e.s.url + "/" + e.s.srv.TenantID() + "/discovery/v2.0/keys")
		if err != nil {
			e.t.Fatal(err)
		}
		defer resp.Body.Close()
		if err := json.NewDecoder(resp.Body).Decode(&e.jwks); err != nil {
			e.t.Fatal(err)
		}
	}
	jws, err := jose.ParseSignedCompact(tok.Token, []jose.SignatureAlgorithm{jose.RS256, jose.ES256})
	if err != nil {
		e.t.Fatalf("parse token: %v", err)
	}
	keys := e.jwks.Key(jws.Signatures[0].Header.KeyID)
	if len(keys) != 1 {
		e.t.Fatalf("token kid %q is not in the published JWKS", jws.Signatures[0].Header.KeyID)
	}
	payload, err := jws.Verify(keys[0])
	if err != nil {
		e.t.Fatalf("token does not verify against the JWKS: %v", err)
	}
	var c map[string]any
	if err := json.Unmarshal(payload, &c); err != nil {
		e.t.Fatal(err)
	}
	if c["tid"] != e.s.srv.TenantID() || c["idtyp"] != "app" {
		e.t.Fatalf("claims: %v", c)
	}
	if exp := time.Unix(int64(c["exp"].(float64)), 0); !exp.Equal(tok.ExpiresOn.Truncate(time.Second)) && exp.Sub(tok.ExpiresOn).Abs() > time.Second {
		e.t.Fatalf("SDK's ExpiresOn %v differs from exp %v", tok.ExpiresOn, exp)
	}
	return c
}

// wantToken asserts the token is for the identity with this object ID and
// xms_mirid, and for aud.
func (e *miEnv) wantToken(tok azcore.AccessToken, aud, oid, mirid string) {
	e.t.Helper()
	c := e.verify(tok)
	if c["aud"] != aud || c["oid"] != oid || !strings.EqualFold(c["xms_mirid"].(string), mirid) {
		e.t.Fatalf("token claims aud=%v oid=%v xms_mirid=%v, want %s %s %s", c["aud"], c["oid"], c["xms_mirid"], aud, oid, mirid)
	}
	if lifetime := time.Duration(c["exp"].(float64)-c["iat"].(float64)) * time.Second; lifetime != 24*time.Hour {
		e.t.Fatalf("managed-identity token lifetime %v, want 24h", lifetime)
	}
}

// session opens an App Service session on an agent's socket, as
// `lanyard run` does, and returns what the child process would get.
func session(t testing.TB, socket, app string) (agent.SessionInfo, error) {
	t.Helper()
	c := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", socket)
	}}}
	ctx, cancel := context.WithCancel(context.Background())
	body := strings.NewReader(`{"app":` + jsonString(app) + `}`)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://agent"+agent.SessionsPath, body)
	resp, err := c.Do(req)
	if err != nil {
		cancel()
		return agent.SessionInfo{}, err
	}
	if resp.StatusCode != http.StatusOK {
		defer cancel()
		defer resp.Body.Close()
		var e struct {
			Code string `json:"error"`
			Msg  string `json:"error_description"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&e)
		return agent.SessionInfo{}, &sessionError{status: resp.StatusCode, code: e.Code, msg: e.Msg}
	}
	line, err := bufio.NewReader(resp.Body).ReadBytes('\n')
	if err != nil {
		cancel()
		return agent.SessionInfo{}, err
	}
	var info agent.SessionInfo
	if err := json.Unmarshal(line, &info); err != nil {
		cancel()
		return agent.SessionInfo{}, err
	}
	// The session lives as long as the connection: close it with the test.
	t.Cleanup(func() { cancel(); resp.Body.Close() })
	return info, nil
}

type sessionError struct {
	status    int
	code, msg string
}

func (e *sessionError) Error() string { return e.code + ": " + e.msg }

func jsonString(s string) string { b, _ := json.Marshal(s); return string(b) }

// imdsTransport sends the SDK's hard-coded 169.254.169.254:80 to addr: the
// Go tests' stand-in for binding that address (done for real in a network
// namespace by TestIMDSInNetworkNamespace).
func imdsTransport(addr string) *http.Client {
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, a string) (net.Conn, error) {
		if a == "169.254.169.254:80" {
			a = addr
		}
		return (&net.Dialer{}).DialContext(ctx, network, a)
	}}}
}

func scope(aud string) policy.TokenRequestOptions {
	return policy.TokenRequestOptions{Scopes: []string{aud + "/.default"}}
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

// miToken gets a token for aud from an unmodified ManagedIdentityCredential
// for identity id (nil: system-assigned), failing the test on error.
func miToken(t *testing.T, opts azcore.ClientOptions, id azidentity.ManagedIDKind, aud string) azcore.AccessToken {
	t.Helper()
	cred, err := azidentity.NewManagedIdentityCredential(&azidentity.ManagedIdentityCredentialOptions{ClientOptions: opts, ID: id})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := cred.GetToken(t.Context(), scope(aud))
	if err != nil {
		t.Fatalf("GetToken: %v", err)
	}
	return tok
}
