package dataplane

import "testing"

func TestEndpoints(t *testing.T) {
	path := Endpoints{Base: "https://127.0.0.1:8443/"}
	host := Endpoints{Base: "https://lanyard.test:8443", Domain: "lanyard.test"}
	for _, c := range []struct{ got, want string }{
		{path.BlobURL("acct"), "https://127.0.0.1:8443/acct/"},
		{path.VaultURL("kv1"), "https://127.0.0.1:8443/vaults/kv1/"},
		{host.BlobURL("acct"), "https://acct.blob.lanyard.test:8443/"},
		{host.VaultURL("KV1"), "https://kv1.vault.lanyard.test:8443/"},
		{path.VaultResource(false, "127.0.0.1:8443"), "https://vault.azure.net"},
		{host.VaultResource(true, "kv1.vault.lanyard.test:8443"), "https://vault.lanyard.test:8443"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	for _, c := range []struct {
		host string
		svc  Service
		name string
	}{
		{"acct.blob.lanyard.test:8443", Blob, "acct"},
		{"ACCT.BLOB.lanyard.test.", Blob, "acct"},
		{"kv1.vault.lanyard.test", Vault, "kv1"},
		{"a.b.blob.lanyard.test", NoService, ""}, // names are one label
		{".blob.lanyard.test", NoService, ""},    // empty name
		{"blob.lanyard.test", NoService, ""},     // the bare service name
		{"acct.blob.evil-lanyard.test", NoService, ""},
		{"lanyard.test:8443", NoService, ""},
	} {
		svc, name := host.HostStyle(c.host)
		if svc != c.svc || name != c.name {
			t.Errorf("HostStyle(%q) = %v %q, want %v %q", c.host, svc, name, c.svc, c.name)
		}
	}
	if svc, _ := path.HostStyle("acct.blob.lanyard.test"); svc != NoService {
		t.Error("host-style names recognised without a domain")
	}
}
