package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/agent"
	"github.com/lanyardhq/lanyard/internal/fabric"
)

const runTestSite = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/web1"

// runFabric stands in for the server: one app, web1, with one setting.
type runFabric struct{}

func (runFabric) App(_ context.Context, nameOrID string) (fabric.App, error) {
	if nameOrID != "web1" && nameOrID != runTestSite {
		return fabric.App{}, fabric.Errorf(fabric.CodeResourceNotFound, "app '%s' is not placed on this host", nameOrID)
	}
	return fabric.App{ID: runTestSite, Name: "web1", Settings: map[string]string{"Managed_Identity_Client_ID": "c1", "IDENTITY_HEADER": "from-settings"}}, nil
}

func (runFabric) Token(_ context.Context, req fabric.TokenRequest) (fabric.Token, error) {
	return fabric.Token{AccessToken: "t", Audience: req.Audience, ExpiresOn: time.Now().Add(time.Hour), NotBefore: time.Now()}, nil
}

// startRunAgent runs a real agent with its session socket in a temp dir.
func startRunAgent(t *testing.T) (*agent.Agent, string) {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "agent.sock")
	a, err := agent.New(agent.Config{Fabric: runFabric{}, HostID: fabric.LocalHost, SocketPath: sock, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return a, sock
}

// identityStatus asks the agent's App Service endpoint with header.
func identityStatus(t *testing.T, a *agent.Agent, header string) int {
	t.Helper()
	r := httptest.NewRequest("GET", "/msi/token?api-version=2019-08-01&resource=https://vault.azure.net", nil)
	r.Header.Set("X-IDENTITY-HEADER", header)
	w := httptest.NewRecorder()
	a.AppServiceHandler().ServeHTTP(w, r)
	return w.Code
}

func waitFile(t *testing.T, path string) string {
	t.Helper()
	for range 500 {
		if b, err := os.ReadFile(path); err == nil && bytes.HasSuffix(b, []byte("\n")) {
			return strings.TrimSpace(string(b))
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s never written", path)
	return ""
}

func TestRunGivesChildASessionAndRevokesIt(t *testing.T) {
	a, sock := startRunAgent(t)
	dir := t.TempDir()
	out, gate := filepath.Join(dir, "env"), filepath.Join(dir, "go")
	script := fmt.Sprintf(`echo "$IDENTITY_ENDPOINT|$IDENTITY_HEADER|$Managed_Identity_Client_ID|$KEEP|${IDENTITY_SERVER_THUMBPRINT-unset}" > %s; while [ ! -e %s ]; do sleep 0.01; done; exit 7`, out, gate)
	type result struct {
		code int
		err  error
	}
	res := make(chan result, 1)
	go func() {
		code, err := runAs(sock, "web1", []string{"sh", "-c", script}, []string{"KEEP=yes", "IDENTITY_SERVER_THUMBPRINT=ab"}, slog.New(slog.DiscardHandler))
		res <- result{code, err}
	}()
	parts := strings.Split(waitFile(t, out), "|")
	if len(parts) != 5 || !strings.HasPrefix(parts[0], "http://127.0.0.1:") || len(parts[1]) < 40 || parts[2] != "c1" || parts[3] != "yes" || parts[4] != "unset" {
		t.Fatalf("child environment %q", parts)
	}
	header := parts[1]
	if got := identityStatus(t, a, header); got != http.StatusOK {
		t.Errorf("header while the child runs: %d", got)
	}
	os.WriteFile(gate, nil, 0o600)
	r := <-res
	if r.err != nil || r.code != 7 {
		t.Fatalf("runAs = %d, %v; want 7", r.code, r.err)
	}
	// Revocation follows the connection's close; give the agent a moment.
	for range 200 {
		if identityStatus(t, a, header) != http.StatusOK {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Error("header still works after the child exited")
}

func TestRunExitStatusAndSignals(t *testing.T) {
	_, sock := startRunAgent(t)
	quiet := slog.New(slog.DiscardHandler)
	tests := []struct {
		name   string
		script string
		signal syscall.Signal // sent to lanyard run itself once the child is ready
		want   int
	}{
		{"success", "exit 0", 0, 0},
		{"failure", "exit 3", 0, 3},
		{"killed by a signal", "kill -KILL $$", 0, 128 + int(syscall.SIGKILL)},
		{"SIGUSR1 forwarded", `trap 'exit 42' USR1; echo ready > "$READY"; while :; do sleep 0.01; done`, syscall.SIGUSR1, 42},
		{"SIGTERM forwarded", `trap 'exit 43' TERM; echo ready > "$READY"; while :; do sleep 0.01; done`, syscall.SIGTERM, 43},
		{"SIGHUP kills the child", `echo ready > "$READY"; while :; do sleep 0.01; done`, syscall.SIGHUP, 128 + int(syscall.SIGHUP)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ready := filepath.Join(t.TempDir(), "ready")
			res := make(chan [2]any, 1)
			go func() {
				code, err := runAs(sock, "web1", []string{"sh", "-c", tc.script}, []string{"READY=" + ready, "PATH=" + os.Getenv("PATH")}, quiet)
				res <- [2]any{code, err}
			}()
			if tc.signal != 0 {
				waitFile(t, ready)
				syscall.Kill(os.Getpid(), tc.signal)
			}
			select {
			case r := <-res:
				if r[1] != nil || r[0].(int) != tc.want {
					t.Errorf("runAs = %v, %v; want %d", r[0], r[1], tc.want)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("child did not exit")
			}
		})
	}
}

func TestRunRefusals(t *testing.T) {
	_, sock := startRunAgent(t)
	quiet := slog.New(slog.DiscardHandler)
	marker := filepath.Join(t.TempDir(), "ran")
	tests := []struct{ name, sock, app, want string }{
		{"app elsewhere", sock, "web2", "app 'web2' is not placed on this host"},
		{"bad app name", sock, "a\x00b", "refused app"},
		{"no agent", filepath.Join(t.TempDir(), "none.sock"), "web1", "cannot reach the Lanyard agent"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := runAs(tc.sock, tc.app, []string{"sh", "-c", "touch " + marker}, nil, quiet)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
			if _, err := os.Stat(marker); err == nil {
				t.Fatal("the command ran without a session")
			}
		})
	}
	if _, err := runAs(sock, "web1", []string{filepath.Join(t.TempDir(), "missing")}, nil, quiet); err == nil || !strings.Contains(err.Error(), "start") {
		t.Errorf("missing command: %v", err)
	}
}

// An agent that drops the session while the child runs: the child goes on,
// and a warning says its header no longer works.
func TestRunSurvivesDroppedSession(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "s.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(agent.SessionInfo{IdentityEndpoint: "http://127.0.0.1:1/msi/token", IdentityHeader: "h", AppName: "web1"})
		w.(http.Flusher).Flush() // then return: the agent ends the session
	})}
	go srv.Serve(ln)
	defer srv.Close()
	var logs syncBuffer
	gate := filepath.Join(t.TempDir(), "go")
	go func() {
		for !strings.Contains(logs.String(), "keeps running") {
			time.Sleep(10 * time.Millisecond)
		}
		os.WriteFile(gate, nil, 0o600)
	}()
	code, err := runAs(sock, "web1", []string{"sh", "-c", fmt.Sprintf("while [ ! -e %s ]; do sleep 0.01; done; exit 5", gate)}, nil, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil || code != 5 {
		t.Fatalf("runAs = %d, %v", code, err)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestChildEnvPrecedence(t *testing.T) {
	info := agent.SessionInfo{IdentityEndpoint: "http://127.0.0.1:9/msi/token", IdentityHeader: "hdr",
		AppSettings: map[string]string{"A": "app", "IDENTITY_ENDPOINT": "x", "BAD=NAME": "v", "NUL": "a\x00b"}}
	got := childEnv([]string{"A=env", "B=env", "IDENTITY_HEADER=old", "IDENTITY_SERVER_THUMBPRINT=t", "junk"}, info, slog.New(slog.DiscardHandler))
	want := []string{"A=app", "B=env", "IDENTITY_HEADER=hdr", "IDENTITY_ENDPOINT=http://127.0.0.1:9/msi/token"}
	if !slices.Equal(got, want) {
		t.Errorf("childEnv = %q\nwant %q", got, want)
	}
}

func TestFindSocket(t *testing.T) {
	env := func(v string) func(string) string { return func(string) string { return v } }
	has := func(p ...string) func(string) bool { return func(s string) bool { return slices.Contains(p, s) } }
	tests := []struct {
		name, flag, env string
		exists          []string
		want            string
	}{
		{"flag wins", "/f.sock", "/e.sock", []string{"lanyard-data/agent.sock"}, "/f.sock"},
		{"environment", "", "/e.sock", []string{"lanyard-data/agent.sock"}, "/e.sock"},
		{"serve's data dir", "", "", []string{"lanyard-data/agent.sock", "lanyard-agent/agent.sock"}, "lanyard-data/agent.sock"},
		{"agent's state dir", "", "", []string{"lanyard-agent/agent.sock"}, "lanyard-agent/agent.sock"},
		{"none", "", "", nil, ""},
	}
	for _, tc := range tests {
		got, err := findSocket(tc.flag, env(tc.env), has(tc.exists...))
		if got != tc.want || (tc.want == "") != (err != nil) {
			t.Errorf("%s: %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
}

// `lanyard run` hands the child's status back as an error that main turns
// into its own exit status without printing anything.
func TestRunCommandReturnsChildStatus(t *testing.T) {
	_, sock := startRunAgent(t)
	tests := []struct {
		script     string
		wantCode   int
		wantStderr string
	}{
		{"exit 0", 0, ""},
		{"exit 3", 3, ""},
		{"exit 255", 255, ""},
		{"kill -TERM $$", 128 + int(syscall.SIGTERM), ""},
	}
	for _, tc := range tests {
		t.Run(tc.script, func(t *testing.T) {
			cmd := NewRootCommand()
			cmd.SetArgs([]string{"run", "--socket", sock, "--app", "web1", "--", "sh", "-c", tc.script})
			err := cmd.ExecuteContext(context.Background())
			var stderr bytes.Buffer
			if got := ExitCode(err, &stderr); got != tc.wantCode || stderr.String() != tc.wantStderr {
				t.Errorf("ExitCode(%v) = %d, stderr %q; want %d, %q", err, got, stderr.String(), tc.wantCode, tc.wantStderr)
			}
		})
	}
	// No session: an error to print, status 1, and the command never ran.
	cmd := NewRootCommand()
	cmd.SetArgs([]string{"run", "--socket", sock, "--app", "elsewhere", "--", "sh", "-c", "exit 9"})
	var stderr bytes.Buffer
	if got := ExitCode(cmd.ExecuteContext(context.Background()), &stderr); got != 1 || !strings.HasPrefix(stderr.String(), "ERROR: ") || !strings.Contains(stderr.String(), "not placed on this host") {
		t.Errorf("refused session: status %d, stderr %q", got, stderr.String())
	}
}

func TestExitCode(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		want       int
		wantStderr string
	}{
		{"success", nil, 0, ""},
		{"plain error", errors.New("boom"), 1, "ERROR: boom\n"},
		{"child status", exitError(42), 42, ""},
		// Wrapping turns a status into a message: printed, status 1.
		{"wrapped status", fmt.Errorf("ctx: %w", exitError(42)), 1, "ERROR: ctx: the command exited with status 42\n"},
		{"non-positive status", exitError(-1), 1, "ERROR: the command exited with status -1\n"},
	}
	for _, tc := range tests {
		var stderr bytes.Buffer
		if got := ExitCode(tc.err, &stderr); got != tc.want || stderr.String() != tc.wantStderr {
			t.Errorf("%s: ExitCode = %d, stderr %q; want %d, %q", tc.name, got, stderr.String(), tc.want, tc.wantStderr)
		}
	}
}
