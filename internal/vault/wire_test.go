package vault

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// resp is a raw answer.
type resp struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

func (r resp) code() string {
	e, _ := r.body["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

// do sends a raw request to the path-style vault URL + p ("?api-version"
// is added unless p has a query).
func (e *env) do(method, p, token, body string) resp {
	e.t.Helper()
	u := p
	if !strings.HasPrefix(p, "https://") {
		u = e.srv.URL + "/vaults/" + testVault + p
		if !strings.Contains(p, "?") {
			u += "?api-version=" + latestAPIVersion
		}
	}
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	out := resp{status: res.StatusCode, header: res.Header, raw: string(b)}
	if len(b) > 0 {
		if err := json.Unmarshal(b, &out.body); err != nil {
			e.t.Fatalf("%s %s: body is not JSON: %q", method, p, b)
		}
		if ct := res.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
			e.t.Fatalf("Content-Type %q", ct)
		}
	}
	return out
}

func TestChallenge(t *testing.T) {
	e := newEnv(t)
	e.grant(officerOID, "Key Vault Secrets Officer", vaultID)
	wantHeader := `Bearer authorization="` + authority + `", resource="` + vaultAud + `"`
	for _, tc := range []struct {
		name, path, token, msg string
	}{
		{"missing", "/secrets/x", "", "AKV10000: Request is missing a Bearer or PoP token."},
		{"unknown vault, anonymous", "/../nope/secrets/x", "", "AKV10000"},
		{"garbage", "/secrets/x", "not.a.jwt", "AKV10032"},
		{"wrong audience", "/secrets/x", e.token(officerOID, "https://storage.azure.com"), "AKV10022: Invalid audience. Expected https://vault.azure.net, found: https://storage.azure.com."},
		{"no api-version still challenges", "/secrets/x?", "", "AKV10000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := strings.Replace(tc.path, "/../nope", "", 1)
			r := e.do("GET", p, tc.token, "")
			if tc.name == "unknown vault, anonymous" {
				r = e.do("GET", e.srv.URL+"/vaults/nope/secrets/x?api-version=7.4", "", "")
			}
			if r.status != 401 || r.code() != "Unauthorized" || r.header.Get("WWW-Authenticate") != wantHeader {
				t.Fatalf("got %d %q %q", r.status, r.header.Get("WWW-Authenticate"), r.raw)
			}
			if msg := r.body["error"].(map[string]any)["message"].(string); !strings.HasPrefix(msg, tc.msg) {
				t.Fatalf("message %q, want prefix %q", msg, tc.msg)
			}
		})
	}
}

// TestBadRequests: each bad request gets a clear 4xx in Key Vault's format,
// and nothing is stored.
func TestBadRequests(t *testing.T) {
	e := newEnv(t)
	e.grant(officerOID, "Key Vault Secrets Officer", vaultID)
	tok := e.token(officerOID, vaultAud)
	tags16 := map[string]string{}
	for i := range 16 {
		tags16[fmt.Sprint("t", i)] = "v"
	}
	b16, _ := json.Marshal(map[string]any{"value": "v", "tags": tags16})
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		code                     string
	}{
		{"no api-version", "GET", "/secrets?", "", 400, "BadParameter"},
		{"old api-version", "GET", "/secrets?api-version=2016-10-01", "", 400, "BadParameter"},
		{"bad name", "PUT", "/secrets/bad_name", `{"value":"v"}`, 400, "BadParameter"},
		{"long name", "PUT", "/secrets/" + strings.Repeat("a", 128), `{"value":"v"}`, 400, "BadParameter"},
		{"space in name", "GET", "/secrets/a%20b/versions", "", 400, "BadParameter"},
		{"no value", "PUT", "/secrets/a", `{"contentType":"x"}`, 400, "BadParameter"},
		{"null body", "PUT", "/secrets/a", `null`, 400, "BadParameter"},
		{"empty body", "PUT", "/secrets/a", ``, 400, "BadParameter"},
		{"malformed", "PUT", "/secrets/a", `{"value":`, 400, "BadParameter"},
		{"trailing data", "PUT", "/secrets/a", `{"value":"v"} {}`, 400, "BadParameter"},
		{"wrong type", "PUT", "/secrets/a", `{"value":1}`, 400, "BadParameter"},
		{"string time", "PUT", "/secrets/a", `{"value":"v","attributes":{"exp":"2030"}}`, 400, "BadParameter"},
		{"time past 9999", "PUT", "/secrets/a", `{"value":"v","attributes":{"exp":253402300800}}`, 400, "BadParameter"},
		{"value too big", "PUT", "/secrets/a", `{"value":"` + strings.Repeat("x", maxValueBytes+1) + `"}`, 400, "BadParameter"},
		{"body too big", "PUT", "/secrets/a", `{"value":"` + strings.Repeat("x", maxBody) + `"}`, 413, "BadParameter"},
		{"content type", "PUT", "/secrets/a", `{"value":"v","contentType":"` + strings.Repeat("c", 256) + `"}`, 400, "BadParameter"},
		{"16 tags", "PUT", "/secrets/a", string(b16), 400, "BadParameter"},
		{"tag name", "PUT", "/secrets/a", `{"value":"v","tags":{"` + strings.Repeat("n", 513) + `":"v"}}`, 400, "BadParameter"},
		{"tag value", "PUT", "/secrets/a", `{"value":"v","tags":{"n":"` + strings.Repeat("v", 257) + `"}}`, 400, "BadParameter"},
		{"maxresults 0", "GET", "/secrets?api-version=7.4&maxresults=0", "", 400, "BadParameter"},
		{"maxresults 26", "GET", "/secrets?api-version=7.4&maxresults=26", "", 400, "BadParameter"},
		{"skiptoken", "GET", "/secrets?api-version=7.4&$skiptoken=!!", "", 400, "BadParameter"},
		{"unknown path", "GET", "/keys/a", "", 404, "NotFound"},
		{"wrong method", "POST", "/secrets/a", "", 405, "MethodNotAllowed"},
		{"unknown vault", "GET", "https://" + strings.TrimPrefix(e.srv.URL, "https://") + "/vaults/nope/secrets/a?api-version=7.4", "", 404, "VaultNotFound"},
		{"bad version", "GET", "/secrets/a/zzz", "", 404, "SecretNotFound"},
		{"backup", "POST", "/secrets/a/backup", "", 501, "NotImplemented"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do(tc.method, tc.path, tok, tc.body)
			if r.status != tc.status || r.code() != tc.code {
				t.Fatalf("got %d %s, want %d %s", r.status, truncate(r.raw, 200), tc.status, tc.code)
			}
		})
	}
	r := e.do("GET", "/secrets", tok, "")
	if r.status != 200 || len(r.body["value"].([]any)) != 0 || r.body["nextLink"] != nil {
		t.Fatalf("something was stored: %s", r.raw)
	}
	for _, v := range []string{"7.0", "7.6-preview.2", "2025-07-01", "2031-01-01"} {
		if r := e.do("GET", "/secrets?api-version="+v, tok, ""); r.status != 200 {
			t.Fatalf("api-version %s: %d", v, r.status)
		}
	}
	// The limits themselves are accepted.
	if r := e.do("PUT", "/secrets/"+strings.Repeat("a", 127), tok, `{"value":"`+strings.Repeat("x", maxValueBytes)+`"}`); r.status != 200 {
		t.Fatalf("max name and value: %d %s", r.status, truncate(r.raw, 200))
	}
}

// TestRawPaging follows nextLink verbatim, without adding an api-version,
// as the SDK does.
func TestRawPaging(t *testing.T) {
	e := newEnv(t)
	e.grant(officerOID, "Key Vault Secrets Officer", vaultID)
	tok := e.token(officerOID, vaultAud)
	for i := range 5 {
		if r := e.do("PUT", "/secrets/s", tok, fmt.Sprintf(`{"value":"%d"}`, i)); r.status != 200 {
			t.Fatal(r.raw)
		}
	}
	link := e.srv.URL + "/vaults/" + testVault + "/secrets/s/versions?api-version=7.4&maxresults=2"
	var sizes []int
	var ids []string
	for link != "" {
		r := e.do("GET", link, tok, "")
		if r.status != 200 {
			t.Fatalf("%s: %d %s", link, r.status, r.raw)
		}
		items := r.body["value"].([]any)
		sizes = append(sizes, len(items))
		for _, it := range items {
			ids = append(ids, it.(map[string]any)["id"].(string))
		}
		link, _ = r.body["nextLink"].(string)
		if link != "" && (!strings.HasPrefix(link, e.srv.URL+"/vaults/"+testVault+"/secrets/s/versions?api-version=7.4&$skiptoken=") ||
			!strings.HasSuffix(link, "&maxresults=2")) {
			t.Fatalf("nextLink %q", link)
		}
	}
	if fmt.Sprint(sizes) != "[2 2 1]" || len(ids) != 5 {
		t.Fatalf("pages %v, ids %v", sizes, ids)
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Fatalf("version %s listed twice", id)
		}
		seen[id] = true
	}
}
