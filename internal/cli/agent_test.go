package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/fabric"
	"github.com/lanyardhq/lanyard/internal/hosts/hoststest"
)

// hostFabric is the server's per-host fabric: one app on the host.
type hostFabric struct{ host string }

func (f hostFabric) App(_ context.Context, name string) (fabric.App, error) {
	if name != "web1" {
		return fabric.App{}, fabric.Errorf(fabric.CodeResourceNotFound, "app '%s' is not placed on this host", name)
	}
	return fabric.App{ID: runTestSite, Name: "web1", Settings: map[string]string{"HOST_SEEN": f.host}}, nil
}

func (hostFabric) Token(context.Context, fabric.TokenRequest) (fabric.Token, error) {
	return fabric.Token{}, fabric.Errorf(fabric.CodeIdentityNotFound, "none")
}

// startHostsServer runs the server's real hosts handler (hoststest) and
// returns its URL and a join token for its VM.
func startHostsServer(t *testing.T) (url, token string) {
	t.Helper()
	s := hoststest.Start(t, hoststest.Config{Fabric: func(h string) fabric.Fabric { return hostFabric{h} }})
	return s.URL, s.JoinToken(t)
}

func TestAgentJoinsServesAndRestarts(t *testing.T) {
	url, token := startHostsServer(t)
	state := filepath.Join(t.TempDir(), "state")
	o := agentOptions{server: url, joinToken: token, stateDir: state, identityAddr: "127.0.0.1:0",
		socket: filepath.Join(state, "agent.sock"), rateLimit: 20, burst: 20, maxConcurrent: 5}
	var logs syncBuffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))

	start := func(o agentOptions) (stop func() error) {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- runAgent(ctx, o, logger) }()
		for range 500 {
			if _, err := os.Stat(o.socket); err == nil {
				break
			}
			select {
			case err := <-done:
				t.Fatalf("agent stopped: %v", err)
			case <-time.After(10 * time.Millisecond):
			}
		}
		return func() error { cancel(); return <-done }
	}

	stop := start(o)
	out := filepath.Join(t.TempDir(), "out")
	code, err := runAs(o.socket, "web1", []string{"sh", "-c", fmt.Sprintf(`echo "$HOST_SEEN" > %s`, out)}, nil, slog.New(slog.DiscardHandler))
	if err != nil || code != 0 {
		t.Fatalf("run under the agent: %d %v", code, err)
	}
	if got := waitFile(t, out); !strings.EqualFold(got, hoststest.VM) {
		t.Errorf("the server saw host %q", got)
	}
	if _, err := runAs(o.socket, "web2", []string{"true"}, nil, slog.New(slog.DiscardHandler)); err == nil || !strings.Contains(err.Error(), "app 'web2' is not placed on this host") {
		t.Errorf("foreign app: %v", err)
	}
	if err := stop(); err != nil {
		t.Fatalf("agent: %v", err)
	}
	if strings.Contains(logs.String(), token) || strings.Contains(logs.String(), "PRIVATE KEY") {
		t.Fatal("the log holds the join token or the key")
	}

	// A restart reuses the enrolment: the (now used) token is ignored.
	stop = start(o)
	if err := stop(); err != nil {
		t.Fatalf("restarted agent: %v", err)
	}
	if !strings.Contains(logs.String(), "--join-token ignored") {
		t.Error("restart did not say the token was ignored")
	}

	tests := []struct {
		name string
		mod  func(*agentOptions)
		want string
	}{
		{"another server", func(o *agentOptions) { o.server = "https://127.0.0.1:1" }, "is enrolled with"},
		{"no enrolment, no token", func(o *agentOptions) { o.stateDir = filepath.Join(t.TempDir(), "s"); o.joinToken = "" }, "pass --server and --join-token"},
		{"bad imds address", func(o *agentOptions) { o.imds = true; o.imdsAddr = "nope" }, "--imds-addr"},
		{"routable identity address", func(o *agentOptions) { o.identityAddr = "0.0.0.0:0" }, "loopback"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := o
			tc.mod(&o)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := runAgent(ctx, o, slog.New(slog.DiscardHandler)); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("runAgent: %v, want %q", err, tc.want)
			}
		})
	}
}
