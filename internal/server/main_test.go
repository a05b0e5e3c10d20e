package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/lanyardhq/lanyard/internal/cli"
	"github.com/lanyardhq/lanyard/internal/server"
)

// The test binary doubles as the programs the end-to-end tests run as
// separate processes, so they need no `go build`:
//
//	LANYARD_TEST_EXEC=cli  the `lanyard` CLI with os.Args[1:], exiting as
//	                       cmd/lanyard does; its children get
//	                       LANYARD_TEST_EXEC=$LANYARD_TEST_NEXT (so
//	                       `lanyard run -- <test binary>` can start a workload)
//	LANYARD_TEST_EXEC=dac  an unmodified workload: DefaultAzureCredential,
//	                       GetToken($LANYARD_TEST_SCOPE), one JSON line out
const (
	execEnv  = "LANYARD_TEST_EXEC"
	nextEnv  = "LANYARD_TEST_NEXT"
	scopeEnv = "LANYARD_TEST_SCOPE"
	t0Env    = "LANYARD_TEST_T0" // unix nanoseconds when the parent started the process tree
)

// dacResult is the dac mode's output line.
type dacResult struct {
	Token string `json:"token"`
	// ElapsedSinceStartNs runs from LANYARD_TEST_T0 (else from entering
	// TestMain) to holding the token: what a workload waits end to end.
	ElapsedSinceStartNs int64 `json:"elapsedSinceStartNs"`
	// GetTokenNs is the GetToken call alone.
	GetTokenNs int64 `json:"getTokenNs"`
}

func TestMain(m *testing.M) {
	entered := time.Now()
	switch mode := os.Getenv(execEnv); mode {
	case "":
		os.Exit(m.Run())
	case "cli":
		os.Exit(execCLI())
	case "dac":
		os.Exit(execDAC(entered))
	default:
		fmt.Fprintf(os.Stderr, "%s=%q: want cli or dac\n", execEnv, mode)
		os.Exit(2)
	}
}

func execCLI() int {
	if err := os.Setenv(execEnv, os.Getenv(nextEnv)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	os.Unsetenv(nextEnv)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root := cli.NewRootCommand()
	root.SetArgs(os.Args[1:])
	return cli.ExitCode(root.ExecuteContext(ctx), os.Stderr)
}

func execDAC(entered time.Time) int {
	start := entered
	if ns, err := strconv.ParseInt(os.Getenv(t0Env), 10, 64); err == nil {
		start = time.Unix(0, ns)
	}
	cred, err := azidentity.NewDefaultAzureCredential(nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	called := time.Now()
	tok, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{os.Getenv(scopeEnv)}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	now := time.Now()
	out, _ := json.Marshal(dacResult{Token: tok.Token, ElapsedSinceStartNs: now.Sub(start).Nanoseconds(), GetTokenNs: now.Sub(called).Nanoseconds()})
	fmt.Println(string(out))
	return 0
}

// TestRunExitStatus runs `lanyard run` as a process against serve's
// built-in agent: its exit status is the child's, with nothing printed;
// a refused session is an error message and status 1, the child never run.
func TestRunExitStatus(t *testing.T) {
	e := newMIEnv(t)
	mustRun(t, "app", "create", "-g", e.rg, "-n", "web")
	sock := filepath.Join(e.dataDir, server.AgentSocket)
	marker := filepath.Join(t.TempDir(), "ran")
	tests := []struct {
		app, script string
		want        int
		wantStderr  string
	}{
		{"web", "exit 0", 0, ""},
		{"web", "exit 7", 7, ""},
		{"web", "kill -KILL $$", 128 + int(syscall.SIGKILL), ""},
		{"web", `[ -n "$IDENTITY_HEADER" ] && exit 12`, 12, ""},
		{"nope", "touch " + marker, 1, "ERROR: "},
	}
	for _, tc := range tests {
		t.Run(tc.app+": "+tc.script, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "run", "--socket", sock, "--app", tc.app, "--", "sh", "-c", tc.script)
			cmd.Env = append(os.Environ(), execEnv+"=cli")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			if code := cmd.ProcessState.ExitCode(); code != tc.want || !strings.HasPrefix(stderr.String(), tc.wantStderr) || (tc.wantStderr == "") != (stderr.Len() == 0) {
				t.Fatalf("exit %d (%v), stderr %q; want %d, %q", code, err, stderr.String(), tc.want, tc.wantStderr)
			}
		})
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("the command ran without a session")
	}
}
