package server_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/server"
)

// BenchmarkRunToFirstToken measures what a workload started with `lanyard
// run` waits for its first token: each iteration starts `lanyard run --app
// web -- <workload>` as a process (the test binary in cli mode), the
// workload being another process running DefaultAzureCredential (dac
// mode), for an audience nobody asked for before, so the agent and the
// server mint a fresh token. ns/op is the whole process tree;
// child-ms/op is the workload's own T0-to-token time, reported next to the
// same workload started directly with a session's IDENTITY_ENDPOINT and
// IDENTITY_HEADER (no `lanyard run` in between).
func BenchmarkRunToFirstToken(b *testing.B) {
	dataDir := b.TempDir()
	s := start(b, dataDir)
	b.Cleanup(s.stop)
	url, caFile := s.url, s.caFile
	b.Setenv("LANYARD_CONFIG_DIR", b.TempDir())
	mustRun(b, "login", "--server", url, "--ca-file", caFile, "--username", server.AdminUserName,
		"--password-file", filepath.Join(dataDir, server.AdminPasswordFile))
	mustRun(b, "group", "create", "-n", "bench")
	mustRun(b, "app", "create", "-g", "bench", "-n", "web")
	mustRun(b, "app", "identity", "assign", "-g", "bench", "-n", "web", "--system-assigned")
	sock := filepath.Join(dataDir, server.AgentSocket)
	self, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	base := workloadEnv()

	b.Run("lanyard run", func(b *testing.B) {
		env := slices.Concat(base, []string{execEnv + "=cli", nextEnv + "=dac"})
		measure(b, "run", func(scope string) *exec.Cmd {
			cmd := exec.Command(self, "run", "--socket", sock, "--app", "web", "--", self)
			cmd.Env = slices.Concat(env, []string{scopeEnv + "=" + scope})
			return cmd
		})
	})
	b.Run("direct", func(b *testing.B) {
		info, err := session(b, sock, "web")
		if err != nil {
			b.Fatal(err)
		}
		endpoint, header := info.IdentityEndpoint, info.IdentityHeader
		env := slices.Concat(base, []string{execEnv + "=dac", "IDENTITY_ENDPOINT=" + endpoint, "IDENTITY_HEADER=" + header})
		measure(b, "direct", func(scope string) *exec.Cmd {
			cmd := exec.Command(self)
			cmd.Env = slices.Concat(env, []string{scopeEnv + "=" + scope})
			return cmd
		})
	})
}

// missInterval keeps the benchmark under the built-in agent's default
// token-service rate (20 fetches a second).
const missInterval = 60 * time.Millisecond

// measure runs one process tree per iteration and checks its token.
func measure(b *testing.B, name string, command func(scope string) *exec.Cmd) {
	var childNs, getTokenNs int64
	n := 0
	for b.Loop() {
		aud := fmt.Sprintf("api://bench-%s-%d-%d", name, time.Now().UnixNano(), n)
		cmd := command(aud + "/.default")
		cmd.Env = append(cmd.Env, t0Env+"="+strconv.FormatInt(time.Now().UnixNano(), 10))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			b.Fatalf("%v: %v\n%s", cmd.Args, err, stderr.String())
		}
		var res dacResult
		if err := json.Unmarshal(out, &res); err != nil {
			b.Fatalf("workload output %q: %v", out, err)
		}
		if got := audience(b, res.Token); got != aud {
			b.Fatalf("token audience %q, want %q", got, aud)
		}
		childNs += res.ElapsedSinceStartNs
		getTokenNs += res.GetTokenNs
		n++
		// Every iteration is a cache miss, and the agent allows 20 a second
		// per host (Azure's limit) after a burst of 20: pace the loop below
		// that, off the clock, so it measures a first token rather than the
		// rate limiter's queue.
		b.StopTimer()
		time.Sleep(missInterval)
		b.StartTimer()
	}
	b.ReportMetric(float64(childNs)/float64(n)/1e6, "child-ms/op")
	b.ReportMetric(float64(getTokenNs)/float64(n)/1e6, "gettoken-ms/op")
}

// audience reads a token's aud claim (the signature is checked against the
// JWKS by the tests; here it only proves the token is the one asked for).
func audience(b *testing.B, token string) string {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		b.Fatalf("not a JWT: %d parts", len(parts))
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		b.Fatal(err)
	}
	var c struct {
		Aud string `json:"aud"`
	}
	if err := json.Unmarshal(payload, &c); err != nil {
		b.Fatal(err)
	}
	return c.Aud
}

// workloadEnv is this process's environment without anything that would
// steer DefaultAzureCredential away from the managed identity.
func workloadEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "AZURE_") || strings.HasPrefix(k, "IDENTITY_") || strings.HasPrefix(k, "MSI_") || strings.HasPrefix(k, "LANYARD_TEST_") {
			continue
		}
		env = append(env, kv)
	}
	return env
}
