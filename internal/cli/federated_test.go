package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const ficSPOID = "33333333-3333-4333-8333-333333333333"

func TestIdentityFederatedCredentialCreate(t *testing.T) {
	f := newFake(t)
	f.signIn(t)
	fic := rgPath + "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/ci/federatedIdentityCredentials/k8s"
	f.echo("PUT "+fic, 201)
	if _, err := runCLI(t, "", "identity", "federated-credential", "create", "--identity-name", "ci", "-g", "rg1", "--name", "k8s",
		"--issuer", "https://oidc.example.com", "--subject", "system:serviceaccount:ns:sa"); err != nil {
		t.Fatal(err)
	}
	req := f.last(t, "PUT")
	props, _ := req.Body["properties"].(map[string]any)
	if req.Path != fic || !strings.Contains(req.Query, "api-version=2023-01-31") || props["issuer"] != "https://oidc.example.com" || props["subject"] != "system:serviceaccount:ns:sa" {
		t.Fatalf("PUT %s?%s %v", req.Path, req.Query, req.Body)
	}
	if _, err := runCLI(t, "", "identity", "federated-credential", "delete", "--identity-name", "ci", "-g", "rg1", "--name", "../x"); err == nil {
		t.Fatal("a name with a path in it was sent")
	}
}

func TestSPCredentialResetCert(t *testing.T) {
	f := newFake(t)
	f.signIn(t)
	const oldSecret, oldKey = "44444444-4444-4444-8444-444444444444", "55555555-5555-4555-8555-555555555555"
	f.on("GET /v1.0/servicePrincipals/"+ficSPOID, 200, map[string]any{"id": ficSPOID, "appId": "66666666-6666-4666-8666-666666666666",
		"passwordCredentials": []any{map[string]any{"keyId": oldSecret}}, "keyCredentials": []any{map[string]any{"keyId": oldKey}}})
	f.on("POST /v1.0/servicePrincipals/"+ficSPOID+"/addCertificate", 200, map[string]any{"keyId": "77777777-7777-4777-8777-777777777777", "customKeyIdentifier": "ABC"})
	f.on("POST /v1.0/servicePrincipals/"+ficSPOID+"/removePassword", 204, nil)
	f.on("POST /v1.0/servicePrincipals/"+ficSPOID+"/removeKey", 204, nil)
	dir := t.TempDir()
	cert := filepath.Join(dir, "cert.pem")
	os.WriteFile(cert, []byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"), 0o600)
	out, err := runCLI(t, "", "ad", "sp", "credential", "reset", "--id", ficSPOID, "--cert", "@"+cert)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `"customKeyIdentifier": "ABC"`) {
		t.Errorf("output %s", out)
	}
	var removed []string
	for _, r := range f.requests() {
		if strings.HasSuffix(r.Path, "/removePassword") || strings.HasSuffix(r.Path, "/removeKey") {
			removed = append(removed, r.Body["keyId"].(string))
		}
	}
	if len(removed) != 2 {
		t.Fatalf("removed %v, want the old secret and the old key", removed)
	}
	key := filepath.Join(dir, "key.pem")
	os.WriteFile(key, []byte("-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n"), 0o600)
	n := len(f.requests())
	if _, err := runCLI(t, "", "ad", "sp", "credential", "reset", "--id", ficSPOID, "--cert", "@"+key); err == nil || len(f.requests()) != n {
		t.Fatalf("a private key was accepted or sent: %v", err)
	}
}
