package vault

import "testing"

// Every route and method, by callers that must not get through: no
// token, a token for another audience, a valid token without a role, a
// role on another secret. None may reach the store (a write would show
// in the final value) or learn more than its status says.
func TestAuthorizationMatrix(t *testing.T) {
	e := newEnv(t)
	const (
		ownerOID    = "11111111-0000-4000-8000-000000000001"
		strangerOID = "11111111-0000-4000-8000-000000000002"
		otherOID    = "11111111-0000-4000-8000-000000000003"
	)
	e.grant(ownerOID, "Key Vault Secrets Officer", vaultID)
	e.grant(otherOID, "Key Vault Secrets Officer", vaultID+"/secrets/other")
	e.grant(strangerOID, "Reader", vaultID) // control plane only: no data actions
	owner := e.token(ownerOID, vaultAud)
	if r := e.do("PUT", "/secrets/target", owner, `{"value":"v1"}`); r.status != 200 {
		t.Fatalf("set: %d %s", r.status, r.raw)
	}
	if r := e.do("PUT", "/secrets/gone", owner, `{"value":"g"}`); r.status != 200 {
		t.Fatalf("set: %d %s", r.status, r.raw)
	}
	if r := e.do("DELETE", "/secrets/gone", owner, ""); r.status != 200 {
		t.Fatalf("delete: %d %s", r.status, r.raw)
	}
	callers := []struct {
		name   string
		token  string
		status int
	}{
		{"no token", "", 401},
		{"wrong audience", e.token(ownerOID, "https://storage.azure.com"), 401},
		{"management audience", e.token(ownerOID, "https://management.azure.com/"), 401},
		{"no data role", e.token(strangerOID, vaultAud), 403},
		{"role on another secret", e.token(otherOID, vaultAud), 403},
	}
	routes := []struct{ method, path, body string }{
		{"GET", "/secrets", ""},
		{"GET", "/secrets/target", ""},
		{"GET", "/secrets/TARGET/", ""},
		{"PUT", "/secrets/target", `{"value":"pwned"}`},
		{"PUT", "/secrets/Target", `{"value":"pwned"}`},
		{"PATCH", "/secrets/target", `{"attributes":{"enabled":false}}`},
		{"DELETE", "/secrets/target", ""},
		{"GET", "/secrets/target/versions", ""},
		{"POST", "/secrets/target/backup", ""},
		{"POST", "/secrets/restore", `{"value":"x"}`},
		{"GET", "/deletedsecrets", ""},
		{"GET", "/deletedsecrets/gone", ""},
		{"DELETE", "/deletedsecrets/gone", ""},
		{"POST", "/deletedsecrets/gone/recover", ""},
	}
	for _, c := range callers {
		for _, rt := range routes {
			r := e.do(rt.method, rt.path, c.token, rt.body)
			if r.status != c.status {
				t.Errorf("%s: %s %s = %d %s, want %d", c.name, rt.method, rt.path, r.status, r.raw, c.status)
			}
		}
	}
	// Nothing changed: the value, and the deleted secret still recoverable.
	if r := e.do("GET", "/secrets/target", owner, ""); r.status != 200 || r.body["value"] != "v1" {
		t.Fatalf("target after the attempts: %d %s", r.status, r.raw)
	}
	if r := e.do("GET", "/deletedsecrets/gone", owner, ""); r.status != 200 {
		t.Fatalf("deleted secret after the attempts: %d %s", r.status, r.raw)
	}
}

// Secret names are case-insensitive in Key Vault, and so are scopes: an
// assignment on one spelling covers every spelling of that secret, and
// only that secret.
func TestPerSecretScopeIgnoresCase(t *testing.T) {
	e := newEnv(t)
	const (
		ownerOID = "11111111-0000-4000-8000-000000000011"
		userOID  = "11111111-0000-4000-8000-000000000012"
	)
	e.grant(ownerOID, "Key Vault Secrets Officer", vaultID)
	e.grant(userOID, "Key Vault Secrets User", vaultID+"/secrets/App-Key")
	owner, user := e.token(ownerOID, vaultAud), e.token(userOID, vaultAud)
	for _, n := range []string{"app-key", "app-key2", "app"} {
		if r := e.do("PUT", "/secrets/"+n, owner, `{"value":"v-`+n+`"}`); r.status != 200 {
			t.Fatalf("set %s: %d", n, r.status)
		}
	}
	for path, want := range map[string]int{
		"/secrets/app-key":  200,
		"/secrets/APP-KEY":  200,
		"/secrets/App-Key/": 200,
		"/secrets/app-key2": 403,
		"/secrets/app":      403,
		"/secrets/app-ke":   403,
		// Decoded to four segments: no operation, so no scope is built.
		// (This test's ServeMux would clean an unencoded "/../"; the
		// server's data router does not, see dataplane.Resolve.)
		"/secrets/app-key%2F..%2Fapp": 404,
	} {
		r := e.do("GET", path, user, "")
		if r.status != want {
			t.Errorf("GET %s = %d %s, want %d", path, r.status, r.raw, want)
		}
		if want == 200 && r.body["value"] != "v-app-key" {
			t.Errorf("GET %s value %v", path, r.body["value"])
		}
	}
}
