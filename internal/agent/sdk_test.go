package agent

import (
	"context"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

// The real azidentity against the agent. MSAL caches managed-identity
// tokens process-wide (PROTOCOLS.md §1.9), so every case asks for its own
// resource.

// clearIdentityEnv makes the SDK's source detection see a plain VM.
func clearIdentityEnv(t *testing.T) {
	for _, k := range []string{"AZURE_TOKEN_CREDENTIALS", "AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET",
		"AZURE_CLIENT_CERTIFICATE_PATH", "AZURE_USERNAME", "AZURE_FEDERATED_TOKEN_FILE", "IDENTITY_ENDPOINT",
		"IDENTITY_HEADER", "IDENTITY_SERVER_THUMBPRINT", "MSI_ENDPOINT", "MSI_SECRET", "IMDS_ENDPOINT"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
}

// imdsTransport sends the SDK's hard-coded 169.254.169.254:80 to addr.
func imdsTransport(addr string) *http.Client {
	var d net.Dialer
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, a string) (net.Conn, error) {
		if a == "169.254.169.254:80" {
			a = addr
		}
		return d.DialContext(ctx, network, a)
	}}}
}

func getToken(t *testing.T, cred azcore.TokenCredential, scope string) (azcore.AccessToken, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	return cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{scope}})
}

func TestSDKAppService(t *testing.T) {
	env := startAgent(t, nil)
	clearIdentityEnv(t)
	t.Setenv("IDENTITY_ENDPOINT", env.agent.IdentityEndpoint())
	t.Setenv("IDENTITY_HEADER", env.header)
	tests := []struct {
		name  string
		id    azidentity.ManagedIDKind
		scope string
		cid   string
	}{
		{"system", nil, "https://sdk-as-sys.example/.default", sysCID},
		{"client id", azidentity.ClientID(uaiCID), "https://sdk-as-cid.example/.default", uaiCID},
		{"object id", azidentity.ObjectID(uaiOID), "https://sdk-as-oid.example/.default", uaiCID},
		{"resource id", azidentity.ResourceID(testUAI), "https://sdk-as-rid.example/.default", uaiCID},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cred, err := azidentity.NewManagedIdentityCredential(&azidentity.ManagedIdentityCredentialOptions{ID: tc.id})
			if err != nil {
				t.Fatal(err)
			}
			tok, err := getToken(t, cred, tc.scope)
			if err != nil {
				t.Fatal(err)
			}
			want := "-" + tc.cid + "-" + strings.TrimSuffix(tc.scope, "/.default")
			if !strings.HasSuffix(tok.Token, want) {
				t.Errorf("token %q, want one ending %q", tok.Token, want)
			}
			if d := tok.ExpiresOn.Sub(env.clock.Now().Add(24 * time.Hour)); d != 0 {
				t.Errorf("ExpiresOn off by %v", d)
			}
		})
	}
	t.Run("wrong header", func(t *testing.T) {
		t.Setenv("IDENTITY_HEADER", strings.Repeat("x", headerLen))
		cred, err := azidentity.NewManagedIdentityCredential(nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := getToken(t, cred, "https://sdk-as-wrong.example/.default"); err == nil || !strings.Contains(err.Error(), "401") {
			t.Fatalf("wrong header: %v", err)
		}
	})
	t.Run("DefaultAzureCredential", func(t *testing.T) {
		cred, err := azidentity.NewDefaultAzureCredential(nil)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := getToken(t, cred, "https://sdk-as-dac.example/.default")
		if err != nil || !strings.HasSuffix(tok.Token, sysCID+"-https://sdk-as-dac.example") {
			t.Fatalf("%q %v", tok.Token, err)
		}
	})
}

func TestSDKIMDS(t *testing.T) {
	env := startAgent(t, nil)
	clearIdentityEnv(t)
	opts := azcore.ClientOptions{Transport: imdsTransport(env.agent.IMDSAddr())}
	tests := []struct {
		name  string
		id    azidentity.ManagedIDKind
		scope string
		cid   string
	}{
		{"system", nil, "https://sdk-imds-sys.example/.default", vmSysCID},
		{"client id", azidentity.ClientID(uaiCID), "https://sdk-imds-cid.example/.default", uaiCID},
		{"object id", azidentity.ObjectID(uaiOID), "https://sdk-imds-oid.example/.default", uaiCID},
		{"resource id", azidentity.ResourceID(testUAI), "https://sdk-imds-rid.example/.default", uaiCID},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cred, err := azidentity.NewManagedIdentityCredential(&azidentity.ManagedIdentityCredentialOptions{ID: tc.id, ClientOptions: opts})
			if err != nil {
				t.Fatal(err)
			}
			tok, err := getToken(t, cred, tc.scope)
			if err != nil {
				t.Fatal(err)
			}
			if want := "-" + tc.cid + "-" + strings.TrimSuffix(tc.scope, "/.default"); !strings.HasSuffix(tok.Token, want) {
				t.Errorf("token %q, want one ending %q", tok.Token, want)
			}
		})
	}
	t.Run("DefaultAzureCredential probes IMDS", func(t *testing.T) {
		cred, err := azidentity.NewDefaultAzureCredential(&azidentity.DefaultAzureCredentialOptions{ClientOptions: opts})
		if err != nil {
			t.Fatal(err)
		}
		tok, err := getToken(t, cred, "https://sdk-imds-dac.example/.default")
		if err != nil || !strings.HasSuffix(tok.Token, vmSysCID+"-https://sdk-imds-dac.example") {
			t.Fatalf("%q %v", tok.Token, err)
		}
	})
	t.Run("DefaultAzureCredential with AZURE_CLIENT_ID", func(t *testing.T) {
		t.Setenv("AZURE_CLIENT_ID", uaiCID)
		cred, err := azidentity.NewDefaultAzureCredential(&azidentity.DefaultAzureCredentialOptions{ClientOptions: opts})
		if err != nil {
			t.Fatal(err)
		}
		tok, err := getToken(t, cred, "https://sdk-imds-dac-cid.example/.default")
		if err != nil || !strings.HasSuffix(tok.Token, uaiCID+"-https://sdk-imds-dac-cid.example") {
			t.Fatalf("%q %v", tok.Token, err)
		}
	})
	t.Run("unknown identity fails at once", func(t *testing.T) {
		cred, err := azidentity.NewManagedIdentityCredential(&azidentity.ManagedIdentityCredentialOptions{
			ID: azidentity.ClientID("99999999-9999-9999-9999-999999999999"), ClientOptions: opts})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		_, err = getToken(t, cred, "https://sdk-imds-unknown.example/.default")
		if err == nil || !strings.Contains(err.Error(), "isn't assigned") {
			t.Fatalf("unknown identity: %v", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("took %v: the SDK retried a client error", d)
		}
	})
}

func TestSDKIMDSWithoutIdentity(t *testing.T) {
	env := startAgent(t, func(c *Config) { c.HostResource = "" })
	clearIdentityEnv(t)
	t.Setenv("AZURE_TOKEN_CREDENTIALS", "ManagedIdentityCredential")
	cred, err := azidentity.NewDefaultAzureCredential(&azidentity.DefaultAzureCredentialOptions{
		ClientOptions: azcore.ClientOptions{Transport: imdsTransport(env.agent.IMDSAddr())}})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = getToken(t, cred, "https://sdk-imds-none.example/.default")
	if err == nil || !strings.Contains(err.Error(), "Identity not found") {
		t.Fatalf("no identity: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v: the SDK retried", d)
	}
}
