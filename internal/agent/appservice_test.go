package agent

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// do sends a request and decodes the JSON body.
func (e *testEnv) do(t *testing.T, method, rawURL string, hdr map[string]string) (int, map[string]string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	body := map[string]string{}
	var generic map[string]any
	if err := json.Unmarshal(raw, &generic); err != nil {
		t.Fatalf("%s %s: body %q is not JSON: %v", method, rawURL, raw, err)
	}
	for k, v := range generic {
		switch v := v.(type) {
		case string:
			body[k] = v
		case float64:
			body[k] = strconv.FormatFloat(v, 'f', -1, 64)
		}
	}
	return resp.StatusCode, body, resp.Header
}

// call is do for table tests: it fails the test unless the status is
// status, and reports an error unless the request reached the fabric
// exactly when reached says so (an early refusal must not spend a token).
func (e *testEnv) call(t *testing.T, method, rawURL string, hdr map[string]string, status int, reached bool) (map[string]string, http.Header) {
	t.Helper()
	before := e.fab.callCount()
	got, body, h := e.do(t, method, rawURL, hdr)
	if got != status {
		t.Fatalf("status %d, want %d; body %v", got, status, body)
	}
	if r := e.fab.callCount() > before; r != reached {
		t.Errorf("fabric reached = %v, want %v", r, reached)
	}
	return body, h
}

func TestAppService(t *testing.T) {
	env := startAgent(t, nil)
	ep := env.agent.IdentityEndpoint()
	q := func(s string) string { return ep + "?" + s }
	good := map[string]string{"X-IDENTITY-HEADER": env.header}
	storage := "resource=" + url.QueryEscape("https://storage.azure.com/.default")
	tests := []struct {
		name       string
		method     string
		url        string
		hdr        map[string]string
		status     int
		clientID   string // on 200
		token      bool   // fabric reached
		msgContain string
	}{
		{"system assigned", "GET", q("api-version=2019-08-01&" + storage), good, 200, sysCID, true, ""},
		{"client_id", "GET", q("api-version=2019-08-01&resource=https://vault.azure.net&client_id=" + uaiCID), good, 200, uaiCID, true, ""},
		{"object_id", "GET", q("api-version=2019-08-01&resource=https://vault.azure.net&object_id=" + uaiOID), good, 200, uaiCID, true, ""},
		{"principal_id", "GET", q("api-version=2019-08-01&resource=https://pid.example&principal_id=" + uaiOID), good, 200, uaiCID, true, ""},
		{"mi_res_id", "GET", q("api-version=2019-08-01&resource=https://vault.azure.net&mi_res_id=" + url.QueryEscape(testUAI)), good, 200, uaiCID, true, ""},
		{"header lower case", "GET", q("api-version=2019-08-01&resource=https://a.example"), map[string]string{"x-identity-header": env.header}, 200, sysCID, true, ""},
		{"no header", "GET", q("api-version=2019-08-01&" + storage), nil, 401, "", false, "X-IDENTITY-HEADER"},
		{"wrong header", "GET", q("api-version=2019-08-01&" + storage), map[string]string{"X-IDENTITY-HEADER": strings.Repeat("A", 43)}, 401, "", false, "invalid"},
		{"short header", "GET", q("api-version=2019-08-01&" + storage), map[string]string{"X-IDENTITY-HEADER": "x"}, 401, "", false, ""},
		{"secret header (old protocol) only", "GET", q("api-version=2017-09-01&" + storage), map[string]string{"Secret": env.header}, 401, "", false, ""},
		{"no api-version", "GET", q(storage), good, 400, "", false, "api-version"},
		{"old api-version", "GET", q("api-version=2017-09-01&" + storage), good, 400, "", false, "api-version"},
		{"repeated api-version", "GET", q("api-version=2019-08-01&api-version=2019-08-01&" + storage), good, 400, "", false, "repeated"},
		{"no resource", "GET", q("api-version=2019-08-01"), good, 400, "", false, "resource"},
		{"empty resource", "GET", q("api-version=2019-08-01&resource="), good, 400, "", false, "resource"},
		{"only /.default", "GET", q("api-version=2019-08-01&resource=/.default"), good, 400, "", false, "resource"},
		{"repeated resource", "GET", q("api-version=2019-08-01&" + storage + "&" + storage), good, 400, "", false, "repeated"},
		{"two selectors", "GET", q("api-version=2019-08-01&" + storage + "&client_id=" + uaiCID + "&object_id=" + uaiOID), good, 400, "", false, "only one"},
		{"object_id and principal_id", "GET", q("api-version=2019-08-01&" + storage + "&object_id=" + uaiOID + "&principal_id=" + uaiOID), good, 400, "", false, "only one"},
		{"empty client_id", "GET", q("api-version=2019-08-01&" + storage + "&client_id="), good, 400, "", false, "client_id"},
		{"bad escape", "GET", q("api-version=2019-08-01&resource=%zz"), good, 400, "", false, "escape"},
		{"semicolon", "GET", q("api-version=2019-08-01;" + storage), good, 400, "", false, ";"},
		{"control char in resource", "GET", q("api-version=2019-08-01&resource=https://x%0A"), good, 400, "", false, "resource"},
		{"unknown identity", "GET", q("api-version=2019-08-01&" + storage + "&client_id=99999999-9999-9999-9999-999999999999"), good, 400, "", true, "identity"},
		{"server refuses resource", "GET", q("api-version=2019-08-01&resource=not-a-uri"), good, 400, "", true, "not a URI"},
		{"POST", "POST", q("api-version=2019-08-01&" + storage), good, 405, "", false, "GET"},
		{"other path", "GET", strings.Replace(ep, "/msi/token", "/msi/other", 1) + "?api-version=2019-08-01&" + storage, good, 404, "", false, ""},
		{"unknown params ignored", "GET", q("api-version=2019-08-01&foo=1&foo=2&resource=https://b.example"), good, 200, sysCID, true, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body, hdr := env.call(t, tc.method, tc.url, tc.hdr, tc.status, tc.token)
			if !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") {
				t.Errorf("Content-Type %q", hdr.Get("Content-Type"))
			}
			if tc.status != 200 {
				if body["access_token"] != "" {
					t.Fatalf("error response carries a token")
				}
				if body["statusCode"] != strconv.Itoa(tc.status) || !strings.Contains(body["message"], tc.msgContain) {
					t.Errorf("error body %v, want statusCode %d and message containing %q", body, tc.status, tc.msgContain)
				}
				return
			}
			if body["client_id"] != tc.clientID || body["token_type"] != "Bearer" || !strings.HasPrefix(body["access_token"], "tok-") {
				t.Errorf("body %v", body)
			}
			if strings.HasSuffix(body["resource"], "/.default") || !strings.Contains(body["access_token"], body["resource"]) {
				t.Errorf("resource %q not the stripped audience (token %q)", body["resource"], body["access_token"])
			}
			if want := strconv.FormatInt(env.clock.Now().Add(24*time.Hour).Unix(), 10); body["expires_on"] != want {
				t.Errorf("expires_on %q, want %q", body["expires_on"], want)
			}
		})
	}
}

func TestAppServiceRevokedSession(t *testing.T) {
	env := startAgent(t, nil)
	info, revoke, err := env.agent.OpenSession(t.Context(), testApp)
	if err != nil {
		t.Fatal(err)
	}
	if info.AppName != "web1" || info.AppSettings["Managed_Identity_Client_ID"] != uaiCID || info.IdentityEndpoint != env.agent.IdentityEndpoint() {
		t.Errorf("session info %+v", info)
	}
	if info.IdentityHeader == env.header || len(info.IdentityHeader) != headerLen {
		t.Errorf("header %q not fresh", info.IdentityHeader)
	}
	u := env.agent.IdentityEndpoint() + "?api-version=2019-08-01&resource=https://r.example"
	if st, _, _ := env.do(t, "GET", u, map[string]string{"X-IDENTITY-HEADER": info.IdentityHeader}); st != 200 {
		t.Fatalf("before revoke: %d", st)
	}
	revoke()
	revoke() // idempotent
	if st, _, _ := env.do(t, "GET", u, map[string]string{"X-IDENTITY-HEADER": info.IdentityHeader}); st != 401 {
		t.Fatalf("after revoke (cached token): %d, want 401", st)
	}
	if st, _, _ := env.do(t, "GET", u, map[string]string{"X-IDENTITY-HEADER": env.header}); st != 200 {
		t.Fatalf("other session after revoke: %d", st)
	}
	if _, _, err := env.agent.OpenSession(t.Context(), "nope"); err == nil {
		t.Fatal("session for an unknown app")
	}
}
