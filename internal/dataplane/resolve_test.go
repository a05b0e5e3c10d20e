package dataplane

import (
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

func isAccount(s string) bool {
	return len(s) >= 3 && s != "vaults" && s != "subscriptions" && strings.ToLower(s) == s && !strings.ContainsAny(s, ".-")
}

func TestResolveRouting(t *testing.T) {
	path := Endpoints{Base: "https://127.0.0.1:8443"}
	host := Endpoints{Base: "https://lanyard.test:8443", Domain: "lanyard.test"}
	for _, c := range []struct {
		ep         Endpoints
		host, url  string
		svc        Service
		name, path string
	}{
		{path, "127.0.0.1:8443", "/acct/c/b", Blob, "acct", "/c/b"},
		{path, "127.0.0.1:8443", "/acct", Blob, "acct", "/"},
		{path, "127.0.0.1:8443", "/vaults/kv1/secrets/s", Vault, "kv1", "/secrets/s"},
		{path, "127.0.0.1:8443", "/vaults%2Fkv1/secrets/s", Vault, "kv1", "/secrets/s"}, // decoded by net/http
		{path, "127.0.0.1:8443", "/acct/c/a%2F..%2Fb", Blob, "acct", "/c/a/../b"},       // the blob plane refuses dot segments
		{path, "127.0.0.1:8443", "/VAULTS/kv1/secrets/s", NoService, "", ""},
		{path, "127.0.0.1:8443", "/vaults/", NoService, "", ""},
		{path, "127.0.0.1:8443", "//acct/c", NoService, "", ""},
		{path, "127.0.0.1:8443", "/subscriptions/x", NoService, "", ""},
		{path, "acct.blob.lanyard.test", "/c/b", NoService, "", ""}, // no domain: host-style is off
		{host, "acct.blob.lanyard.test:8443", "/c/b", Blob, "acct", "/c/b"},
		{host, "acct.blob.lanyard.test:8443", "/vaults/kv1/secrets/s", Blob, "acct", "/vaults/kv1/secrets/s"},
		{host, "KV1.vault.lanyard.test", "/secrets/s", Vault, "kv1", "/secrets/s"},
		{host, "x.acct.blob.lanyard.test", "/c/b", NoService, "", ""},
		{host, "lanyard.test:8443", "/subscriptions/x", NoService, "", ""},
	} {
		r := httptest.NewRequest("GET", "https://"+c.host+c.url, nil)
		svc, a := c.ep.Resolve(r, isAccount)
		if svc != c.svc || a.Name != c.name || (svc != NoService && a.Path != c.path) {
			t.Errorf("%s%s: got %v %q %q, want %v %q %q", c.host, c.url, svc, a.Name, a.Path, c.svc, c.name, c.path)
		}
	}
}

// The audiences a data plane accepts come from configuration only. The
// Host header is the client's to choose: were it an audience, a token
// minted for any other resource URL ("https://evil.example/acct", which
// the token service issues to any principal that asks) could be replayed
// at blob storage by sending "Host: evil.example".
func TestResolveAudiencesIgnoreHost(t *testing.T) {
	path := Endpoints{Base: "https://127.0.0.1:8443"}
	host := Endpoints{Base: "https://lanyard.test:8443", Domain: "lanyard.test"}
	for _, c := range []struct {
		ep        Endpoints
		host, url string
		want      []string
	}{
		{path, "evil.example", "/acct/c/b", []string{StorageAudience, "https://127.0.0.1:8443/acct"}},
		{path, "127.0.0.1:8443", "/acct/c/b", []string{StorageAudience, "https://127.0.0.1:8443/acct"}},
		{path, "evil.example", "/vaults/kv1/secrets/s", []string{VaultAudience}},
		{host, "evil.example", "/acct/c/b", []string{StorageAudience, "https://lanyard.test:8443/acct",
			"https://acct.blob.lanyard.test:8443", "https://acct.blob.lanyard.test"}},
		{host, "acct.blob.lanyard.test:1", "/c/b", []string{StorageAudience, "https://lanyard.test:8443/acct",
			"https://acct.blob.lanyard.test:8443", "https://acct.blob.lanyard.test"}},
		{host, "kv1.vault.lanyard.test:8443", "/secrets/s", []string{VaultAudience, "https://vault.lanyard.test:8443"}},
	} {
		r := httptest.NewRequest("GET", "https://"+c.host+c.url, nil)
		_, a := c.ep.Resolve(r, isAccount)
		got := slices.Clone(a.Audiences)
		slices.Sort(got)
		want := slices.Clone(c.want)
		slices.Sort(want)
		if !slices.Equal(slices.Compact(got), want) {
			t.Errorf("%s%s: audiences %q, want %q", c.host, c.url, a.Audiences, c.want)
		}
		for _, aud := range a.Audiences {
			if strings.Contains(aud, "evil") {
				t.Errorf("%s%s: audience %q taken from the Host header", c.host, c.url, aud)
			}
		}
	}
}

// A host-style vault's challenge names the port the client used, but only
// a port: Go accepts ',', '=' and ';' in a Host header, and the resource
// goes into a WWW-Authenticate parameter and the accepted audiences.
func TestVaultResourcePort(t *testing.T) {
	host := Endpoints{Base: "https://lanyard.test:8443", Domain: "lanyard.test"}
	for in, want := range map[string]string{
		"kv1.vault.lanyard.test:8443":     "https://vault.lanyard.test:8443",
		"kv1.vault.lanyard.test":          "https://vault.lanyard.test",
		`kv1.vault.lanyard.test:1,x=y`:    "https://vault.lanyard.test",
		"kv1.vault.lanyard.test:99999999": "https://vault.lanyard.test",
	} {
		if got := host.VaultResource(true, in); got != want {
			t.Errorf("VaultResource(%q) = %q, want %q", in, got, want)
		}
	}
}
