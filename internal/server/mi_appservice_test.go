package server_test

import (
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/lanyardhq/lanyard/internal/server"
)

// TestManagedIdentityAppService runs the unmodified azidentity
// ManagedIdentityCredential and DefaultAzureCredential against the agent
// built into `lanyard serve`, through a session opened on its socket as
// `lanyard run` does: the system-assigned identity, a user-assigned one
// selected each of the three ways, AZURE_CLIENT_ID in DefaultAzureCredential,
// and the refusals. MSAL caches managed-identity tokens process-wide (keyed
// by identity and resource), so every case asks for its own audience.
func TestManagedIdentityAppService(t *testing.T) {
	e := newMIEnv(t)
	shared := decode(t, mustRun(t, "identity", "create", "-g", e.rg, "-n", "shared"))
	other := decode(t, mustRun(t, "identity", "create", "-g", e.rg, "-n", "other"))
	mustRun(t, "app", "create", "-g", e.rg, "-n", "web")
	mustRun(t, "app", "config", "set", "-g", e.rg, "-n", "web", "--settings", "Managed_Identity_Client_ID="+str(shared, "properties", "clientId"))
	ident := decode(t, mustRun(t, "app", "identity", "assign", "-g", e.rg, "-n", "web", "--system-assigned", "--identities", "shared"))
	webID, sharedID := e.id("Microsoft.Web/sites", "web"), e.id("Microsoft.ManagedIdentity/userAssignedIdentities", "shared")
	sysOID := str(ident, "principalId")

	info, err := session(t, filepath.Join(e.dataDir, server.AgentSocket), "web")
	if err != nil {
		t.Fatalf("open session: %v", err)
	}
	if info.AppSettings["Managed_Identity_Client_ID"] != str(shared, "properties", "clientId") || !strings.EqualFold(info.AppID, webID) {
		t.Fatalf("session: %+v", info)
	}
	t.Setenv("IDENTITY_ENDPOINT", info.IdentityEndpoint)
	t.Setenv("IDENTITY_HEADER", info.IdentityHeader)
	ctx := t.Context()

	cases := []struct {
		name, aud string
		id        azidentity.ManagedIDKind
		oid, mir  string
	}{
		{"system-assigned", "api://as-system", nil, sysOID, webID},
		{"client ID", "api://as-client", azidentity.ClientID(str(shared, "properties", "clientId")), str(shared, "properties", "principalId"), sharedID},
		{"object ID", "api://as-object", azidentity.ObjectID(str(shared, "properties", "principalId")), str(shared, "properties", "principalId"), sharedID},
		{"resource ID", "api://as-resource", azidentity.ResourceID(sharedID), str(shared, "properties", "principalId"), sharedID},
		// No role anywhere on this audience: authorization happens at the target, so the token is issued.
		{"no role at target", "https://vault.azure.net", nil, sysOID, webID},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e.wantToken(miToken(t, azcore.ClientOptions{}, tc.id, tc.aud), tc.aud, tc.oid, tc.mir)
		})
	}

	t.Run("DefaultAzureCredential", func(t *testing.T) {
		cred, err := azidentity.NewDefaultAzureCredential(nil)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := cred.GetToken(ctx, scope("api://as-dac"))
		if err != nil {
			t.Fatalf("GetToken: %v", err)
		}
		e.wantToken(tok, "api://as-dac", sysOID, webID)
	})
	t.Run("DefaultAzureCredential with AZURE_CLIENT_ID", func(t *testing.T) {
		t.Setenv("AZURE_CLIENT_ID", info.AppSettings["Managed_Identity_Client_ID"])
		cred, err := azidentity.NewDefaultAzureCredential(nil)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := cred.GetToken(ctx, scope("api://as-dac-client"))
		if err != nil {
			t.Fatalf("GetToken: %v", err)
		}
		e.wantToken(tok, "api://as-dac-client", str(shared, "properties", "principalId"), sharedID)
	})

	refusals := []struct {
		name string
		id   azidentity.ManagedIDKind
	}{
		{"identity not attached to the app", azidentity.ClientID(str(other, "properties", "clientId"))},
		{"unknown client ID", azidentity.ClientID("6e0a9d3c-0000-4000-8000-000000000000")},
		{"another resource's ID", azidentity.ResourceID(e.id("Microsoft.ManagedIdentity/userAssignedIdentities", "missing"))},
	}
	for _, tc := range refusals {
		t.Run("refused: "+tc.name, func(t *testing.T) {
			cred, err := azidentity.NewManagedIdentityCredential(&azidentity.ManagedIdentityCredentialOptions{ID: tc.id})
			if err != nil {
				t.Fatal(err)
			}
			tok, err := cred.GetToken(ctx, scope("api://as-refused"))
			var af *azidentity.AuthenticationFailedError
			if !errors.As(err, &af) || af.RawResponse == nil || af.RawResponse.StatusCode != http.StatusBadRequest || tok.Token != "" {
				t.Fatalf("GetToken = %q, %v; want AuthenticationFailedError with 400", tok.Token, err)
			}
		})
	}

	t.Run("refused: wrong header", func(t *testing.T) {
		t.Setenv("IDENTITY_HEADER", info.IdentityHeader[:len(info.IdentityHeader)-2]+"xx")
		cred, err := azidentity.NewManagedIdentityCredential(nil)
		if err != nil {
			t.Fatal(err)
		}
		if tok, err := cred.GetToken(ctx, scope("api://as-wrong-header")); err == nil || tok.Token != "" {
			t.Fatalf("a wrong IDENTITY_HEADER got a token")
		}
	})

	t.Run("refused: app unknown to this host", func(t *testing.T) {
		if _, err := session(t, filepath.Join(e.dataDir, server.AgentSocket), "nope"); err == nil {
			t.Fatal("a session for an unknown app was opened")
		}
	})
}
