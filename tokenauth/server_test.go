package tokenauth_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/lanyardhq/lanyard/internal/cli"
	"github.com/lanyardhq/lanyard/internal/server"
	"github.com/lanyardhq/lanyard/internal/server/servertest"
	"github.com/lanyardhq/lanyard/internal/tokens"
	"github.com/lanyardhq/lanyard/tokenauth"
)

// lanyardServer is a real Lanyard server on a loopback port.
type lanyardServer struct {
	srv    *server.Server
	url    string
	client *http.Client // trusts the server's CA
}

func startLanyard(t *testing.T) *lanyardServer {
	t.Helper()
	ts := servertest.Start(t, "", nil)
	srv, url, dataDir := ts.Server, ts.URL, ts.DataDir
	s := &lanyardServer{srv: srv, url: url, client: ts.HTTPClient(t)}
	t.Setenv("LANYARD_CONFIG_DIR", t.TempDir())
	s.cli(t, "login", "--server", url, "--ca-file", srv.CAFile(), "--username", server.AdminUserName,
		"--password-file", filepath.Join(dataDir, server.AdminPasswordFile))
	return s
}

// cli runs one lanyard command in-process as the signed-in admin and
// decodes its JSON output (nil unless it is an object).
func (s *lanyardServer) cli(t *testing.T, args ...string) map[string]any {
	t.Helper()
	cmd := cli.NewRootCommand()
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(args)
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("lanyard %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
	var v any
	if strings.TrimSpace(out.String()) != "" {
		if err := json.Unmarshal(out.Bytes(), &v); err != nil {
			t.Fatalf("lanyard %s: output is not JSON: %v\n%s", args[0], err, out.String())
		}
	}
	m, _ := v.(map[string]any)
	return m
}

// app is a service principal with a secret and its credential.
type app struct {
	objectID string
	cred     azcore.TokenCredential
}

func (s *lanyardServer) newApp(t *testing.T, name string) app {
	t.Helper()
	sp := s.cli(t, "ad", "sp", "create", "--display-name", name)
	appID, id := sp["appId"].(string), sp["id"].(string)
	secret := s.cli(t, "ad", "sp", "credential", "reset", "--id", id)["password"].(string)
	cred, err := azidentity.NewClientSecretCredential(s.srv.TenantID(), appID, secret, &azidentity.ClientSecretCredentialOptions{
		ClientOptions:            azcore.ClientOptions{Cloud: cloud.Configuration{ActiveDirectoryAuthorityHost: s.url + "/"}, Transport: s.client},
		DisableInstanceDiscovery: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return app{objectID: id, cred: cred}
}

func (a app) token(t *testing.T, scope string) string {
	t.Helper()
	tok, err := a.cred.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{scope}})
	if err != nil {
		t.Fatal(err)
	}
	return tok.Token
}

// countingTransport counts check-access calls the Authenticator makes.
type countingTransport struct {
	base   http.RoundTripper
	checks atomic.Int64
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Path == "/lanyard/v1/checkAccess" {
		c.checks.Add(1)
	}
	return c.base.RoundTrip(r)
}

// TestAgainstLanyard protects a handler with a custom role's dataAction and
// calls it as apps holding and lacking that role, through a real server.
func TestAgainstLanyard(t *testing.T) {
	s := startLanyard(t)
	sub := "/subscriptions/" + s.srv.SubscriptionID()
	rg := sub + "/resourceGroups/orders"
	const action = "Contoso.Orders/orders/read"

	service := s.newApp(t, "orders-service")
	reader := s.newApp(t, "orders-client")
	stranger := s.newApp(t, "stranger")
	s.cli(t, "group", "create", "-n", "orders")
	role, _ := json.Marshal(map[string]any{"Name": "Orders Reader", "Description": "reads orders",
		"DataActions": []string{action}, "AssignableScopes": []string{sub}})
	s.cli(t, "role", "definition", "create", "--role-definition", string(role))
	s.cli(t, "role", "assignment", "create", "--assignee", reader.objectID, "--role", "Orders Reader", "--scope", rg)
	// The service asks about others: it needs roleAssignments/read.
	s.cli(t, "role", "assignment", "create", "--assignee", service.objectID, "--role", "Reader", "--scope", rg)

	counter := &countingTransport{base: s.client.Transport}
	var offset atomic.Int64 // the Authenticator's clock runs this far ahead
	protect := func(cred azcore.TokenCredential) *httptest.Server {
		a, err := tokenauth.New(context.Background(), tokenauth.Options{
			Issuer:     tokens.IssuerURL(s.url, s.srv.TenantID()),
			Audiences:  []string{"api://orders"},
			HTTPClient: &http.Client{Transport: counter},
			Credential: cred,
			Now:        func() time.Time { return time.Now().Add(time.Duration(offset.Load())) },
		})
		if err != nil {
			t.Fatal(err)
		}
		api := httptest.NewServer(a.Middleware(a.Require(action, func(*http.Request) string { return rg })(
			http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				p, _ := tokenauth.FromContext(r.Context())
				_, _ = w.Write([]byte(p.ObjectID))
			}))))
		t.Cleanup(api.Close)
		return api
	}
	api := protect(service.cred)

	callAt := func(api *httptest.Server, tok string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, api.URL+"/orders", nil)
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		return resp.StatusCode, b.String()
	}
	call := func(tok string) (int, string) { return callAt(api, tok) }

	readerTok := reader.token(t, "api://orders/.default")
	if code, body := call(readerTok); code != http.StatusOK || body != reader.objectID {
		t.Fatalf("holder of %s: %d %s", action, code, body)
	}
	if code, _ := call(readerTok); code != http.StatusOK || counter.checks.Load() != 1 {
		t.Fatalf("second call: %d, check-access calls %d, want 1 (cached)", code, counter.checks.Load())
	}

	code, body := call(stranger.token(t, "api://orders/.default"))
	var denial struct {
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
	}
	_ = json.Unmarshal([]byte(body), &denial)
	if code != http.StatusForbidden || denial.Error != "forbidden" || !strings.Contains(denial.ErrorDescription, action) {
		t.Fatalf("stranger: %d %s", code, body)
	}
	if counter.checks.Load() != 2 {
		t.Fatalf("check-access calls %d, want 2", counter.checks.Load())
	}

	// A token for another audience (here the management API) is refused
	// before any access check.
	if code, body := call(reader.token(t, "https://management.azure.com/.default")); code != http.StatusUnauthorized || !strings.Contains(body, "audience") {
		t.Fatalf("management token: %d %s", code, body)
	}
	if code, _ := call(""); code != http.StatusUnauthorized {
		t.Fatalf("no token: %d", code)
	}
	if counter.checks.Load() != 2 {
		t.Fatalf("refused tokens reached check-access: %d calls", counter.checks.Load())
	}

	// Granting the role shows once the cached denial is older than the TTL.
	strangerTok := stranger.token(t, "api://orders/.default")
	s.cli(t, "role", "assignment", "create", "--assignee", stranger.objectID, "--role", "Orders Reader", "--scope", rg)
	if code, _ := call(strangerTok); code != http.StatusForbidden {
		t.Fatalf("within the decision TTL the cached denial holds: %d", code)
	}
	offset.Store(int64(tokenauth.DefaultDecisionTTL + time.Second))
	if code, body := call(strangerTok); code != http.StatusOK {
		t.Fatalf("after the TTL the new assignment counts: %d %s", code, body)
	}
	if counter.checks.Load() != 3 {
		t.Fatalf("check-access calls %d, want 3", counter.checks.Load())
	}

	// Many concurrent first requests of one principal: one check.
	third := s.newApp(t, "third")
	thirdTok := third.token(t, "api://orders/.default")
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if code, _ := call(thirdTok); code != http.StatusForbidden {
				t.Errorf("third: %d", code)
			}
		})
	}
	wg.Wait()
	if counter.checks.Load() != 4 {
		t.Fatalf("16 concurrent requests made %d checks, want 1", counter.checks.Load()-3)
	}

	// A service identity without roleAssignments/read cannot ask about
	// others: fail closed with 503, not allow.
	unprivileged := protect(third.cred)
	if code, body := callAt(unprivileged, readerTok); code != http.StatusServiceUnavailable || strings.Contains(body, readerTok) {
		t.Fatalf("unprivileged service: %d %s", code, body)
	}
}
