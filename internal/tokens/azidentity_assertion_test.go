package tokens

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

func (e *assertionEnv) clientOptions() azcore.ClientOptions {
	return azcore.ClientOptions{
		Cloud:     cloud.Configuration{ActiveDirectoryAuthorityHost: e.srv.URL + "/"},
		Transport: e.srv.Client(),
	}
}

// getToken asks cred for a management token and verifies what came back.
func (e *assertionEnv) getToken(t *testing.T, cred azcore.TokenCredential, wantOID, wantMIRID string) {
	t.Helper()
	for _, cae := range []bool{false, true} {
		tok, err := cred.GetToken(t.Context(), policy.TokenRequestOptions{Scopes: []string{"https://management.azure.com//.default"}, EnableCAE: cae})
		if err != nil {
			t.Fatalf("GetToken: %v", err)
		}
		c, err := e.verifier.Verify(tok.Token)
		if err != nil {
			t.Fatal(err)
		}
		if c.ObjectID != wantOID || c.ManagedIdentityResourceID != wantMIRID || c.Audience != ManagementAudience || c.TenantID != testTenant || c.IdentityType != IdentityApp {
			t.Fatalf("claims %+v", c)
		}
	}
}

func TestAzidentityClientCertificate(t *testing.T) {
	e := newAssertionEnv(t)
	certs, key, err := azidentity.ParseCertificates(e.cert.pem, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, chain := range []bool{false, true} {
		cred, err := azidentity.NewClientCertificateCredential(testTenant, testAppID, certs, key, &azidentity.ClientCertificateCredentialOptions{
			ClientOptions: e.clientOptions(), DisableInstanceDiscovery: true, SendCertificateChain: chain,
		})
		if err != nil {
			t.Fatal(err)
		}
		e.getToken(t, cred, testAppOID, "")
	}
}

func TestAzidentityWorkloadIdentity(t *testing.T) {
	e := newAssertionEnv(t)
	for _, tc := range []struct {
		name, clientID, oid, mirid, suffix string
	}{
		{"app", testAppID, testAppOID, "", ""},
		{"app, file ends in a newline", testAppID, testAppOID, "", "\n"},
		{"user-assigned identity", testUAIClientID, testUAIOID, testUAIResource, "\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "token")
			if err := os.WriteFile(file, []byte(e.ext.token(t, testSubject, "api://AzureADTokenExchange", time.Hour)+tc.suffix), 0o600); err != nil {
				t.Fatal(err)
			}
			cred, err := azidentity.NewWorkloadIdentityCredential(&azidentity.WorkloadIdentityCredentialOptions{
				ClientOptions: e.clientOptions(), DisableInstanceDiscovery: true,
				ClientID: tc.clientID, TenantID: testTenant, TokenFilePath: file,
			})
			if err != nil {
				t.Fatal(err)
			}
			e.getToken(t, cred, tc.oid, tc.mirid)
		})
	}
}

// TestAzidentityEnvironmentCertificate: DefaultAzureCredential's first
// source, EnvironmentCredential, with a certificate file.
func TestAzidentityEnvironmentCertificate(t *testing.T) {
	e := newAssertionEnv(t)
	path := filepath.Join(t.TempDir(), "cert.pem")
	if err := os.WriteFile(path, e.cert.pem, 0o600); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"AZURE_TENANT_ID": testTenant, "AZURE_CLIENT_ID": testAppID, "AZURE_CLIENT_CERTIFICATE_PATH": path,
	} {
		t.Setenv(k, v)
	}
	// Unset anything that would pick another credential; t.Setenv restores them.
	for _, k := range []string{"AZURE_CLIENT_SECRET", "AZURE_USERNAME", "AZURE_FEDERATED_TOKEN_FILE", "AZURE_TOKEN_CREDENTIALS", "AZURE_CLIENT_CERTIFICATE_PASSWORD"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	cred, err := azidentity.NewDefaultAzureCredential(&azidentity.DefaultAzureCredentialOptions{
		ClientOptions: e.clientOptions(), DisableInstanceDiscovery: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	e.getToken(t, cred, testAppOID, "")
}
