package tokens

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

func getJSON(t *testing.T, e *env, path string, v any) *http.Response {
	t.Helper()
	resp, err := e.srv.Client().Get(e.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return resp
}

func TestDiscovery(t *testing.T) {
	e := newEnv(t, "RS256")
	for _, tenant := range []string{testTenant, strings.ToUpper(testTenant), "common", "organizations"} {
		var doc map[string]any
		resp := getJSON(t, e, "/"+tenant+"/v2.0/.well-known/openid-configuration", &doc)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", tenant, resp.StatusCode)
		}
		if doc["issuer"] != e.srv.URL+"/"+testTenant+"/v2.0" {
			t.Errorf("issuer %v", doc["issuer"])
		}
		for _, k := range []string{"authorization_endpoint", "token_endpoint", "jwks_uri"} {
			s, _ := doc[k].(string)
			if !strings.HasPrefix(s, e.srv.URL+"/") || !strings.HasPrefix(s, "https://") {
				t.Errorf("%s = %q", k, s)
			}
		}
		methods, _ := json.Marshal(doc["token_endpoint_auth_methods_supported"])
		if string(methods) != `["client_secret_post","client_secret_basic","private_key_jwt"]` {
			t.Errorf("auth methods %s", methods)
		}
	}
	var oerr map[string]any
	resp := getJSON(t, e, "/contoso.example/v2.0/.well-known/openid-configuration", &oerr)
	if resp.StatusCode != 400 || oerr["error"] != "invalid_request" || !strings.HasPrefix(oerr["error_description"].(string), "AADSTS90002:") {
		t.Fatalf("unknown tenant: %d %v", resp.StatusCode, oerr)
	}
}

// requestToken posts a form to the token endpoint.
func requestToken(t *testing.T, e *env, tenant string, form url.Values, basic ...string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", e.srv.URL+"/"+tenant+"/oauth2/v2.0/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	if len(basic) == 2 {
		req.SetBasicAuth(url.QueryEscape(basic[0]), url.QueryEscape(basic[1]))
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("body %q: %v", body, err)
	}
	if strings.Contains(string(body), testSecret) || strings.Contains(string(body), testPassword) {
		t.Fatal("response echoes a secret")
	}
	return resp.StatusCode, m
}

// independentVerify fetches the JWKS over HTTP and checks the token with
// go-jose directly, sharing no code with Verifier.
func independentVerify(t *testing.T, e *env, raw string) map[string]any {
	t.Helper()
	var set jose.JSONWebKeySet
	getJSON(t, e, "/"+testTenant+"/discovery/v2.0/keys", &set)
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256, jose.ES256})
	if err != nil {
		t.Fatal(err)
	}
	keys := set.Key(tok.Headers[0].KeyID)
	if len(keys) != 1 || keys[0].Algorithm != tok.Headers[0].Algorithm {
		t.Fatalf("kid %q not in JWKS", tok.Headers[0].KeyID)
	}
	var claims map[string]any
	if err := tok.Claims(keys[0].Key, &claims); err != nil {
		t.Fatalf("independent verification: %v", err)
	}
	return claims
}

func TestTokenEndpointGrants(t *testing.T) {
	e := newEnv(t, "RS256")
	tests := []struct {
		name  string
		form  url.Values
		basic []string
		want  map[string]any
	}{
		{"client secret post", url.Values{"grant_type": {"client_credentials"}, "client_id": {testAppID}, "client_secret": {testSecret},
			"scope": {"https://management.azure.com//.default openid offline_access profile"}, "claims": {`{"access_token":{"xms_cc":{"values":["CP1"]}}}`}},
			nil, map[string]any{"aud": "https://management.azure.com/", "idtyp": "app", "appid": testAppID, "azp": testAppID, "oid": testAppOID}},
		{"client secret basic", url.Values{"grant_type": {"client_credentials"}, "scope": {"https://storage.azure.com/.default"}},
			[]string{testAppID, testSecret}, map[string]any{"aud": "https://storage.azure.com", "idtyp": "app", "oid": testAppOID}},
		{"password lanyard cli", url.Values{"grant_type": {"password"}, "client_id": {CLIClientID}, "username": {"ALICE@lanyard.local"}, "password": {testPassword},
			"scope": {"https://management.azure.com//.default openid"}, "client_info": {"1"}},
			nil, map[string]any{"aud": "https://management.azure.com/", "idtyp": "user", "scp": "user_impersonation", "oid": testUserOID,
				"name": "Alice", "preferred_username": testUserName, "appid": CLIClientID}},
		{"password azure cli", url.Values{"grant_type": {"password"}, "client_id": {AzureCLIClientID}, "username": {testUserName}, "password": {testPassword},
			"scope": {"https://management.core.windows.net//.default"}},
			nil, map[string]any{"aud": "https://management.core.windows.net/", "idtyp": "user", "azp": AzureCLIClientID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := requestToken(t, e, testTenant, tt.form, tt.basic...)
			if status != 200 {
				t.Fatalf("status %d %v", status, body)
			}
			if body["token_type"] != "Bearer" || body["expires_in"] != float64(3600) || body["ext_expires_in"] != float64(3600) {
				t.Fatalf("body %v", body)
			}
			for _, k := range []string{"scope", "id_token", "client_info", "refresh_token"} {
				if _, ok := body[k]; ok {
					t.Errorf("response has %s", k)
				}
			}
			raw := body["access_token"].(string)
			claims := independentVerify(t, e, raw)
			tt.want["iss"] = e.issuer.URL()
			tt.want["tid"] = testTenant
			tt.want["ver"] = "2.0"
			for k, v := range tt.want {
				if claims[k] != v {
					t.Errorf("claim %s = %v, want %v", k, claims[k], v)
				}
			}
			if claims["uti"] == "" || claims["exp"].(float64)-claims["iat"].(float64) != 3600 {
				t.Errorf("uti/exp: %v", claims)
			}
			c, err := e.verifier.Verify(raw)
			if err != nil || !c.HasAudience(tt.want["aud"].(string)) {
				t.Fatalf("Verify: %v", err)
			}
		})
	}
}

func TestTokenEndpointErrors(t *testing.T) {
	e := newEnv(t, "ES256")
	cc := func(kv ...string) url.Values {
		v := url.Values{"grant_type": {"client_credentials"}, "client_id": {testAppID}, "client_secret": {testSecret}, "scope": {"https://management.azure.com//.default"}}
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == "" {
				v.Del(kv[i])
			} else {
				v.Set(kv[i], kv[i+1])
			}
		}
		return v
	}
	pw := url.Values{"grant_type": {"password"}, "client_id": {CLIClientID}, "username": {testUserName}, "password": {"wrong"}, "scope": {"https://management.azure.com//.default"}}
	tests := []struct {
		name   string
		tenant string
		form   url.Values
		basic  []string
		status int
		code   string
		aadsts float64
	}{
		{"wrong secret", testTenant, cc("client_secret", "nope"), nil, 401, "invalid_client", 7000215},
		{"unknown client", testTenant, cc("client_id", "99999999-2222-4333-8444-555555555555"), nil, 401, "invalid_client", 7000215},
		{"no secret", testTenant, cc("client_secret", ""), nil, 400, "invalid_client", 7000218},
		{"no client id", testTenant, cc("client_id", ""), nil, 400, "invalid_request", 900144},
		{"no grant type", testTenant, cc("grant_type", ""), nil, 400, "invalid_request", 900144},
		{"unsupported grant", testTenant, cc("grant_type", "implicit"), nil, 400, "unsupported_grant_type", 70003},
		{"no scope", testTenant, cc("scope", ""), nil, 400, "invalid_request", 900144},
		{"scope not .default", testTenant, cc("scope", "https://management.azure.com/user_impersonation"), nil, 400, "invalid_scope", 70011},
		{"two resources", testTenant, cc("scope", "https://a.example/.default https://b.example/.default"), nil, 400, "invalid_scope", 70011},
		{"only openid", testTenant, cc("scope", "openid profile"), nil, 400, "invalid_scope", 70011},
		{"junk resource", testTenant, cc("scope", "not a url/.default"), nil, 400, "invalid_scope", 70011},
		{"basic and post secret", testTenant, cc(), []string{testAppID, testSecret}, 400, "invalid_request", 90023},
		{"basic mismatched id", testTenant, cc("client_secret", "", "client_id", CLIClientID), []string{testAppID, testSecret}, 400, "invalid_request", 90023},
		{"wrong basic secret", testTenant, cc("client_secret", "", "client_id", ""), []string{testAppID, "bad"}, 401, "invalid_client", 7000215},
		{"foreign tenant", "contoso.onmicrosoft.com", cc(), nil, 400, "invalid_request", 90002},
		{"wrong password", testTenant, pw, nil, 400, "invalid_grant", 50126},
		{"password unknown client", testTenant, func() url.Values { v := url.Values{}; maps(v, pw); v.Set("client_id", testAppID); return v }(), nil, 400, "unauthorized_client", 700016},
		{"password with secret", testTenant, func() url.Values { v := url.Values{}; maps(v, pw); v.Set("client_secret", "x"); return v }(), nil, 400, "invalid_request", 700025},
		{"password no username", testTenant, func() url.Values { v := url.Values{}; maps(v, pw); v.Del("username"); return v }(), nil, 400, "invalid_request", 900144},
		{"directory failure", testTenant, func() url.Values { v := url.Values{}; maps(v, pw); v.Set("username", "broken@lanyard.local"); return v }(), nil, 500, "server_error", 50000},
		{"app secret via password grant", testTenant, func() url.Values {
			v := url.Values{}
			maps(v, pw)
			v.Set("username", testAppID)
			v.Set("password", testSecret)
			return v
		}(), nil, 400, "invalid_grant", 50126},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := requestToken(t, e, tt.tenant, tt.form, tt.basic...)
			if status != tt.status || body["error"] != tt.code {
				t.Fatalf("got %d %v, want %d %s", status, body, tt.status, tt.code)
			}
			codes, _ := body["error_codes"].([]any)
			if len(codes) != 1 || codes[0] != tt.aadsts {
				t.Errorf("error_codes %v, want %v", codes, tt.aadsts)
			}
			desc, _ := body["error_description"].(string)
			if !strings.HasPrefix(desc, "AADSTS") || body["trace_id"] == "" || body["correlation_id"] == "" || body["timestamp"] == "" {
				t.Errorf("bad error body %v", body)
			}
			if _, ok := body["access_token"]; ok {
				t.Error("error response carries a token")
			}
		})
	}
}

func maps(dst, src url.Values) {
	for k, v := range src {
		dst[k] = append([]string(nil), v...)
	}
}

func TestTokenEndpointRejectsBadBodies(t *testing.T) {
	e := newEnv(t, "ES256")
	post := func(ctype, body string) (int, map[string]any) {
		req, _ := http.NewRequest("POST", e.srv.URL+"/"+testTenant+"/oauth2/v2.0/token", strings.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		resp, err := e.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}
	good := url.Values{"grant_type": {"client_credentials"}, "client_id": {testAppID}, "client_secret": {testSecret}, "scope": {"https://x.example/.default"}}.Encode()
	tests := []struct{ name, ctype, body string }{
		{"json body", "application/json", `{"grant_type":"client_credentials"}`},
		{"oversized", "application/x-www-form-urlencoded", good + "&pad=" + strings.Repeat("a", MaxFormSize)},
		{"duplicate client_id", "application/x-www-form-urlencoded", good + "&client_id=" + CLIClientID},
		{"bad encoding", "application/x-www-form-urlencoded", "grant_type=%zz"},
	}
	before := e.auth.calls
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, m := post(tt.ctype, tt.body)
			if status != 400 || m["error"] != "invalid_request" {
				t.Fatalf("%d %v", status, m)
			}
		})
	}
	if e.auth.calls != before {
		t.Fatal("bad requests reached the authenticator")
	}
	// Credentials in the query string are not honoured.
	req, _ := http.NewRequest("POST", e.srv.URL+"/"+testTenant+"/oauth2/v2.0/token?"+good, strings.NewReader(""))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, _ := e.srv.Client().Do(req)
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Fatalf("query-string credentials: %d", resp.StatusCode)
	}
	if e.auth.calls != before {
		t.Fatal("query-string credentials reached the authenticator")
	}
}
