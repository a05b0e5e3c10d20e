package cli

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
)

const vaultPath = subPath + "/providers/Microsoft.KeyVault/vaults"

// vaultEnv is an ARM fake listing vault kv1 at the data fake, path-style,
// and a one-secret vault behind it that keeps what set stores.
func vaultEnv(t *testing.T) (*fakeAPI, *dataFake) {
	f := newFake(t)
	f.signInData(t, validDataTokens())
	var mu sync.Mutex
	secrets := map[string]map[string]any{}
	var d *dataFake
	d = newDataFake(t, func(w http.ResponseWriter, r *http.Request, body string) {
		mu.Lock()
		defer mu.Unlock()
		base := d.srv.URL + "/vaults/kv1"
		name, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/vaults/kv1/secrets/"), "/")
		switch {
		case r.Method == http.MethodPut:
			var in map[string]any
			json.Unmarshal([]byte(body), &in)
			in["id"] = base + "/secrets/" + name + "/0123abcd"
			in["attributes"] = map[string]any{"enabled": true, "created": 1772366400, "updated": 1772366400, "recoveryLevel": "Recoverable+Purgeable"}
			secrets[name] = in
			writeJSON(w, 200, in)
		case r.Method == http.MethodGet && r.URL.Path == "/vaults/kv1/secrets":
			var list []any
			for _, s := range secrets {
				list = append(list, map[string]any{"id": strings.TrimSuffix(s["id"].(string), "/0123abcd"), "attributes": s["attributes"], "contentType": s["contentType"]})
			}
			writeJSON(w, 200, map[string]any{"value": list, "nextLink": nil})
		case r.Method == http.MethodGet && secrets[name] != nil:
			writeJSON(w, 200, secrets[name])
		case r.Method == http.MethodDelete && secrets[name] != nil:
			s := secrets[name]
			delete(secrets, name)
			s["recoveryId"], s["deletedDate"], s["scheduledPurgeDate"] = base+"/deletedsecrets/"+name, 1772366400, 1780142400
			writeJSON(w, 200, s)
		default:
			writeJSON(w, 404, map[string]any{"error": map[string]string{"code": "SecretNotFound", "message": "A secret with (name/id) " + name + " was not found in this key vault."}})
		}
	})
	f.on("GET "+vaultPath, 200, map[string]any{"value": []any{
		map[string]any{"name": "kv1", "properties": map[string]any{"vaultUri": d.srv.URL + "/vaults/kv1/"}},
	}})
	return f, d
}

func TestSecretLifecycle(t *testing.T) {
	_, d := vaultEnv(t)
	const value = "s3cr3t-value-never-echoed"
	out, err := runCLI(t, "", "keyvault", "secret", "set", "--vault-name", "kv1", "-n", "db-password", "--value", value, "--content-type", "text/plain", "--tags", "env=dev")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, value) {
		t.Errorf("set printed the value: %s", out)
	}
	var set secretOut
	if err := json.Unmarshal([]byte(out), &set); err != nil || set.Name != "db-password" || set.Version != "0123abcd" || set.Tags["env"] != "dev" || set.ContentType != "text/plain" {
		t.Errorf("set output %s (%v)", out, err)
	}
	// The challenge came first and the body reached the vault after it.
	rs := d.requests()
	if len(rs) != 2 || rs[0].Header.Get("Authorization") != "" || rs[1].Header.Get("Authorization") != "Bearer "+vaultToken {
		t.Errorf("requests %d; want an unauthenticated challenge, then the vault token", len(rs))
	}
	if !strings.Contains(d.bodies[1], value) {
		t.Errorf("stored body %q", d.bodies[1])
	}

	out, err = runCLI(t, "", "keyvault", "secret", "show", "--vault-name", "kv1", "-n", "db-password")
	if err != nil || !strings.Contains(out, `"value": "`+value+`"`) {
		t.Errorf("show: %s %v", out, err)
	}
	for _, args := range [][]string{{"list"}, {"-o", "table", "list"}} {
		full := append([]string{"keyvault", "secret"}, args...)
		if args[0] == "-o" {
			full = append([]string{"-o", "table", "keyvault", "secret"}, args[2:]...)
		}
		out, err = runCLI(t, "", append(full, "--vault-name", "kv1")...)
		if err != nil || !strings.Contains(out, "db-password") || strings.Contains(out, value) {
			t.Errorf("%v: %s %v", args, out, err)
		}
	}
	out, err = runCLI(t, "", "keyvault", "secret", "delete", "--vault-name", "kv1", "-n", "db-password")
	if err != nil || strings.Contains(out, value) || !strings.Contains(out, `"recoveryId"`) {
		t.Errorf("delete: %s %v", out, err)
	}
	_, err = runCLI(t, "", "keyvault", "secret", "show", "--vault-name", "kv1", "-n", "db-password")
	if err == nil || err.Error() != "SecretNotFound: A secret with (name/id) db-password was not found in this key vault." {
		t.Errorf("show after delete: %v", err)
	}
}

func TestSecretInputsRefusedBeforeSending(t *testing.T) {
	_, d := vaultEnv(t)
	file := writeFile(t, "v", "from-file")
	for _, args := range [][]string{
		{"show", "-n", "bad/name"},
		{"show", "-n", "a?b"},
		{"show", "-n", "ok", "--version", "../x"},
		{"set", "-n", "ok"},
		{"set", "-n", "ok", "--value", "x", "--file", file},
		{"set", "-n", "ok", "--value", "x", "--tags", "novalue"},
		{"list-versions", "-n", strings.Repeat("x", 128)},
	} {
		if _, err := runCLI(t, "", append(append([]string{"keyvault", "secret"}, args...), "--vault-name", "kv1")...); err == nil {
			t.Errorf("%v succeeded", args)
		}
	}
	// --version is checked after the vault is found, but nothing reaches it.
	if n := len(d.requests()); n != 0 {
		t.Errorf("%d data-plane requests for invalid input", n)
	}
}

func TestSecretRef(t *testing.T) {
	for _, tt := range []struct{ vault, id, name, version string }{
		{"https://h:8443/vaults/kv1/", "https://h:8443/vaults/kv1/secrets/db/abc", "db", "abc"},
		{"https://h:8443/vaults/kv1/", "https://h:8443/secrets/db/abc", "db", "abc"},
		{"https://h:8443/vaults/kv10/", "https://h:8443/vaults/kv1/secrets/db", "", ""},
		{"https://h:8443/vaults/kv1/", "https://h:8443/vaults/kv1/secrets/secrets", "secrets", ""},
		{"https://kv1.vault.d:8443/", "https://kv1.vault.d:8443/deletedsecrets/db", "db", ""},
		{"https://h:8443/vaults/kv1/", "https://h:8443/vaults/kv2/secrets/db/abc", "", ""},
		{"https://h/", "https://h/keys/k/1", "", ""},
	} {
		n, v := secretRef(tt.vault, tt.id)
		if n != tt.name || v != tt.version {
			t.Errorf("secretRef(%q, %q) = %q, %q; want %q, %q", tt.vault, tt.id, n, v, tt.name, tt.version)
		}
	}
}
