package agent

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestIMDS(t *testing.T) {
	env := startAgent(t, nil)
	base := "http://" + env.agent.IMDSAddr() + imdsPath
	q := func(s string) string { return base + "?" + s }
	md := map[string]string{"Metadata": "true"}
	storage := "resource=" + url.QueryEscape("https://storage.azure.com/.default")
	tests := []struct {
		name     string
		method   string
		url      string
		hdr      map[string]string
		status   int
		errCode  string
		clientID string
		reached  bool
	}{
		{"system assigned", "GET", q("api-version=2018-02-01&" + storage), md, 200, "", vmSysCID, true},
		{"client_id", "GET", q("api-version=2018-02-01&resource=https://vault.azure.net&client_id=" + uaiCID), md, 200, "", uaiCID, true},
		{"object_id", "GET", q("api-version=2018-02-01&resource=https://o.example&object_id=" + uaiOID), md, 200, "", uaiCID, true},
		{"msi_res_id", "GET", q("api-version=2018-02-01&resource=https://m.example&msi_res_id=" + url.QueryEscape(testUAI)), md, 200, "", uaiCID, true},
		{"probe: no query, no header", "GET", base, nil, 400, "invalid_request", "", false},
		{"no Metadata header", "GET", q("api-version=2018-02-01&" + storage), nil, 400, "invalid_request", "", false},
		{"Metadata false", "GET", q("api-version=2018-02-01&" + storage), map[string]string{"Metadata": "false"}, 400, "invalid_request", "", false},
		{"X-Forwarded-For", "GET", q("api-version=2018-02-01&" + storage), map[string]string{"Metadata": "true", "X-Forwarded-For": "10.0.0.1"}, 400, "invalid_request", "", false},
		{"no api-version", "GET", q(storage), md, 400, "invalid_request", "", false},
		{"unknown api-version", "GET", q("api-version=2099-01-01&" + storage), md, 400, "invalid_request", "", false},
		{"no resource", "GET", q("api-version=2018-02-01"), md, 400, "invalid_resource", "", false},
		{"repeated resource", "GET", q("api-version=2018-02-01&" + storage + "&" + storage), md, 400, "invalid_resource", "", false},
		{"two selectors", "GET", q("api-version=2018-02-01&" + storage + "&client_id=" + uaiCID + "&msi_res_id=x"), md, 400, "invalid_request", "", false},
		{"mi_res_id is App Service's name", "GET", q("api-version=2018-02-01&resource=https://n.example&mi_res_id=" + url.QueryEscape(testUAI)), md, 200, "", vmSysCID, true},
		{"unknown identity", "GET", q("api-version=2018-02-01&" + storage + "&client_id=99999999-9999-9999-9999-999999999999"), md, 400, "invalid_request", "", true},
		{"server refuses resource", "GET", q("api-version=2018-02-01&resource=nope"), md, 400, "invalid_resource", "", true},
		{"POST", "POST", q("api-version=2018-02-01&" + storage), md, 405, "method_not_allowed", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body, _ := env.call(t, tc.method, tc.url, tc.hdr, tc.status, tc.reached)
			if tc.status != 200 {
				if body["access_token"] != "" || body["error"] != tc.errCode || body["error_description"] == "" {
					t.Errorf("error body %v, want error %q", body, tc.errCode)
				}
				return
			}
			now := env.clock.Now()
			want := map[string]string{
				"client_id": tc.clientID, "token_type": "Bearer",
				"expires_in": "86400", "ext_expires_in": "86400",
				"expires_on": strconv.FormatInt(now.Add(24*time.Hour).Unix(), 10),
				"not_before": strconv.FormatInt(now.Unix(), 10),
			}
			for k, v := range want {
				if body[k] != v {
					t.Errorf("%s = %q, want %q", k, body[k], v)
				}
			}
			if !strings.HasPrefix(body["access_token"], "tok-") || strings.HasSuffix(body["resource"], "/.default") {
				t.Errorf("body %v", body)
			}
		})
	}
	env.fab.mu.Lock()
	defer env.fab.mu.Unlock()
	if got := env.fab.calls[0].Resource; got != testVM {
		t.Errorf("IMDS asked for resource %q, want the host VM", got)
	}
}

func TestIMDSNoHostResource(t *testing.T) {
	env := startAgent(t, func(c *Config) { c.HostResource = "" })
	u := "http://" + env.agent.IMDSAddr() + imdsPath + "?api-version=2018-02-01&resource=https://x.example"
	status, body, _ := env.do(t, "GET", u, map[string]string{"Metadata": "true"})
	if status != 400 || body["error"] != "invalid_request" || body["error_description"] != "Identity not found" {
		t.Fatalf("%d %v", status, body)
	}
	if env.fab.callCount() != 0 {
		t.Error("fabric reached")
	}
}
