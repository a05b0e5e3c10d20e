package credential_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/lanyardhq/lanyard/credential"
	"github.com/lanyardhq/lanyard/internal/agent"
	"github.com/lanyardhq/lanyard/internal/enrolment"
)

// joinHost joins a VM host's agent to the server, as `lanyard agent join`
// does, and points the credential's IMDS address at its IMDS listener (the
// tests' stand-in for 169.254.169.254).
func (s *lanyardServer) joinHost(t *testing.T, name string) {
	t.Helper()
	token := str(s.run(t, "host", "create", "-g", "mi", "-n", name), "joinToken")
	state := filepath.Join(t.TempDir(), "agent")
	client, err := enrolment.Join(t.Context(), s.url, token, state)
	if err != nil {
		t.Fatalf("join: %v", err)
	}
	a, err := agent.New(agent.Config{
		Fabric: client, HostID: client.HostID(), HostResource: client.HostID(),
		IdentityAddr: "127.0.0.1:0", IMDSAddr: "127.0.0.1:0", SocketPath: filepath.Join(state, "agent.sock"),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	restoreIMDS(t, a.IMDSAddr())
}

// TestManagedIdentityIMDS gets tokens from a real host agent's IMDS: the
// default chain probes it, finds it, and uses the VM's identity; before
// the VM has an identity the chain treats IMDS as unavailable (its 400 for
// the system-assigned identity) while the credential alone reports it.
func TestManagedIdentityIMDS(t *testing.T) {
	cleanEnv(t)
	s := startServer(t)
	s.run(t, "group", "create", "-n", "mi")
	s.joinHost(t, "vm1")
	ctx := t.Context()

	t.Run("no identity yet", func(t *testing.T) {
		alone, err := credential.NewManagedIdentityCredential(nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = alone.GetToken(ctx, scope("api://imds-none"))
		var ae *credential.AuthenticationError
		if !errors.As(err, &ae) || ae.StatusCode != 400 {
			t.Fatalf("alone: err = %v, want the 400", err)
		}
		d, err := credential.NewDefaultCredential(nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = d.GetToken(ctx, scope("api://imds-none"))
		if !credential.IsUnavailable(err) {
			t.Fatalf("chain: err = %v, want all unavailable", err)
		}
	})

	sys := s.run(t, "host", "identity", "assign", "-g", "mi", "-n", "vm1", "--system-assigned")
	t.Run("system-assigned through the chain", func(t *testing.T) {
		d, err := credential.NewDefaultCredential(nil)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := d.GetToken(ctx, scope("api://imds-system"))
		if err != nil {
			t.Fatalf("GetToken: %v", err)
		}
		if c := claims(t, tok.Token); c["oid"] != str(sys, "principalId") || c["aud"] != "api://imds-system" {
			t.Fatalf("claims %v, want oid %s", c, str(sys, "principalId"))
		}
		if d.Selected() != credential.SourceManagedIdentity {
			t.Fatalf("Selected() = %q", d.Selected())
		}
	})
}
