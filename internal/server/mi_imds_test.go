package server_test

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/lanyardhq/lanyard/internal/agent"
	"github.com/lanyardhq/lanyard/internal/enrolment"
	"github.com/lanyardhq/lanyard/internal/server"
)

// joinedHost is a VM host whose agent joined the server with the join
// token `lanyard host create` printed, and serves IMDS and App Service.
type joinedHost struct {
	id     string
	agent  *agent.Agent
	socket string
}

func (e *miEnv) joinHost(t *testing.T, name string) *joinedHost {
	t.Helper()
	out := decode(t, mustRun(t, "host", "create", "-g", e.rg, "-n", name))
	token, _ := out["joinToken"].(string)
	if token == "" {
		t.Fatalf("host create printed no join token: %v", out)
	}
	state := filepath.Join(t.TempDir(), "agent")
	client, err := enrolment.Join(t.Context(), e.s.url, token, state)
	if err != nil {
		t.Fatalf("join: %v", err)
	}
	h := &joinedHost{id: client.HostID(), socket: filepath.Join(state, "agent.sock")}
	h.agent, err = agent.New(agent.Config{
		Fabric: client, HostID: client.HostID(), HostResource: client.HostID(),
		IdentityAddr: "127.0.0.1:0", IMDSAddr: "127.0.0.1:0", SocketPath: h.socket,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.agent.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("agent: %v", err)
		}
	})
	if !strings.EqualFold(h.id, e.id("Microsoft.Compute/virtualMachines", name)) {
		t.Fatalf("joined as %s", h.id)
	}
	return h
}

// TestManagedIdentityIMDS joins a host agent to the server (one-time join
// token, then mutual TLS) and runs the unmodified azidentity credentials
// against its IMDS endpoint: the VM's system-assigned identity, a
// user-assigned one selected three ways, DefaultAzureCredential (its probe
// included) with and without AZURE_CLIENT_ID; an app placed on the VM gets
// its identity through that host's agent and not through another's; and a
// revoked host gets nothing more.
func TestManagedIdentityIMDS(t *testing.T) {
	e := newMIEnv(t)
	shared := decode(t, mustRun(t, "identity", "create", "-g", e.rg, "-n", "shared"))
	other := decode(t, mustRun(t, "identity", "create", "-g", e.rg, "-n", "other"))
	h := e.joinHost(t, "vm1")
	sys := decode(t, mustRun(t, "host", "identity", "assign", "-g", e.rg, "-n", "vm1", "--system-assigned", "--identities", "shared"))
	sharedID := e.id("Microsoft.ManagedIdentity/userAssignedIdentities", "shared")
	sharedOID, sharedClient := str(shared, "properties", "principalId"), str(shared, "properties", "clientId")
	opts := azcore.ClientOptions{Transport: imdsTransport(h.agent.IMDSAddr())}
	ctx := t.Context()

	cases := []struct {
		name, aud string
		id        azidentity.ManagedIDKind
		oid, mir  string
	}{
		{"system-assigned", "api://imds-system", nil, str(sys, "principalId"), h.id},
		{"client ID", "api://imds-client", azidentity.ClientID(sharedClient), sharedOID, sharedID},
		{"object ID", "api://imds-object", azidentity.ObjectID(sharedOID), sharedOID, sharedID},
		{"resource ID", "api://imds-resource", azidentity.ResourceID(sharedID), sharedOID, sharedID},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e.wantToken(miToken(t, opts, tc.id, tc.aud), tc.aud, tc.oid, tc.mir)
		})
	}
	t.Run("DefaultAzureCredential", func(t *testing.T) {
		cred, err := azidentity.NewDefaultAzureCredential(&azidentity.DefaultAzureCredentialOptions{ClientOptions: opts})
		if err != nil {
			t.Fatal(err)
		}
		tok, err := cred.GetToken(ctx, scope("api://imds-dac"))
		if err != nil {
			t.Fatalf("GetToken: %v", err)
		}
		e.wantToken(tok, "api://imds-dac", str(sys, "principalId"), h.id)
	})
	t.Run("DefaultAzureCredential with AZURE_CLIENT_ID", func(t *testing.T) {
		t.Setenv("AZURE_CLIENT_ID", sharedClient)
		cred, err := azidentity.NewDefaultAzureCredential(&azidentity.DefaultAzureCredentialOptions{ClientOptions: opts})
		if err != nil {
			t.Fatal(err)
		}
		tok, err := cred.GetToken(ctx, scope("api://imds-dac-client"))
		if err != nil {
			t.Fatalf("GetToken: %v", err)
		}
		e.wantToken(tok, "api://imds-dac-client", sharedOID, sharedID)
	})
	t.Run("refused: identity not attached to the VM", func(t *testing.T) {
		cred, err := azidentity.NewManagedIdentityCredential(&azidentity.ManagedIdentityCredentialOptions{
			ClientOptions: opts, ID: azidentity.ClientID(str(other, "properties", "clientId"))})
		if err != nil {
			t.Fatal(err)
		}
		tok, err := cred.GetToken(ctx, scope("api://imds-other"))
		var af *azidentity.AuthenticationFailedError
		if !errors.As(err, &af) || !strings.Contains(err.Error(), "isn't assigned") || tok.Token != "" {
			t.Fatalf("GetToken = %q, %v; want the SDK's \"identity isn't assigned\" failure", tok.Token, err)
		}
	})

	// An app placed on vm1 gets its identity through vm1's agent only.
	mustRun(t, "app", "create", "-g", e.rg, "-n", "onvm", "--host", "vm1")
	app := decode(t, mustRun(t, "app", "identity", "assign", "-g", e.rg, "-n", "onvm"))
	if _, err := session(t, filepath.Join(e.dataDir, server.AgentSocket), "onvm"); err == nil {
		t.Fatal("serve's built-in agent opened a session for an app placed on another host")
	}
	info, err := session(t, h.socket, "onvm")
	if err != nil {
		t.Fatalf("session on vm1's agent: %v", err)
	}
	t.Setenv("IDENTITY_ENDPOINT", info.IdentityEndpoint)
	t.Setenv("IDENTITY_HEADER", info.IdentityHeader)
	appCred, err := azidentity.NewManagedIdentityCredential(nil)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := appCred.GetToken(ctx, scope("api://onvm"))
	if err != nil {
		t.Fatalf("app on vm1: %v", err)
	}
	e.wantToken(tok, "api://onvm", str(app, "principalId"), e.id("Microsoft.Web/sites", "onvm"))

	// Revoking the host cuts its agent off: the next token it has to fetch
	// from the server is refused (a token it already cached is not recalled,
	// as in Azure).
	mustRun(t, "host", "revoke", "-g", e.rg, "-n", "vm1")
	tok, err = appCred.GetToken(ctx, scope("api://onvm-after-revoke"))
	var af *azidentity.AuthenticationFailedError
	if !errors.As(err, &af) || af.RawResponse == nil || af.RawResponse.StatusCode != http.StatusForbidden || tok.Token != "" {
		t.Fatalf("after revoke: GetToken = %q, %v; want a 403 the SDK does not retry", tok.Token, err)
	}
	imdsCred, err := azidentity.NewManagedIdentityCredential(&azidentity.ManagedIdentityCredentialOptions{ClientOptions: opts})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if tok, err := imdsCred.GetToken(ctx, scope("api://imds-after-revoke")); !errors.As(err, &af) || tok.Token != "" {
		t.Fatalf("IMDS after revoke: GetToken = %q, %v", tok.Token, err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("IMDS after revoke took %v: the SDK retried a status it should not", d)
	}
}
