package server_test

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSetupScript runs examples/setup.sh, as its README says, against
// `lanyard serve` started as a process on an empty data directory: every
// step of the seed scenario through the CLI, then both examples as both
// apps under `lanyard run`. Then it runs the script again, which must be
// safe. The `lanyard` the script calls is this test binary in CLI mode.
func TestSetupScript(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the examples")
	}
	if _, err := exec.LookPath("jq"); err != nil {
		if os.Getenv("LANYARD_REQUIRE_SDK_PEERS") == "1" {
			t.Fatal("setup.sh needs jq (apt-get install jq)")
		}
		t.Skip("setup.sh needs jq (apt-get install jq)")
	}
	work := t.TempDir()
	addr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	serve := exec.Command(os.Args[0], "serve", "--data-dir", "lanyard-data", "--addr", addr, "--identity-addr", "127.0.0.1:0")
	serve.Dir = work
	serve.Env = append(os.Environ(), execEnv+"=cli")
	var serveLog bytes.Buffer
	serve.Stdout, serve.Stderr = &serveLog, &serveLog
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = serve.Process.Signal(syscall.SIGTERM)
		_ = serve.Wait()
	})
	waitHealthy(t, "https://"+addr, filepath.Join(work, "lanyard-data", "ca.crt"), &serveLog)

	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	for run := 1; run <= 2; run++ {
		script := exec.Command("bash", filepath.Join(repo, "examples", "setup.sh"))
		script.Dir = work
		script.Env = append(os.Environ(), execEnv+"=cli", "LANYARD="+os.Args[0], "REPO="+repo,
			"LANYARD_SERVER=https://"+addr, "LANYARD_CONFIG_DIR="+t.TempDir(), "CONTAINER_NAME=")
		var stdout, stderr bytes.Buffer
		script.Stdout, script.Stderr = &stdout, &stderr
		if err := script.Run(); err != nil {
			t.Fatalf("run %d: %v\nstdout:\n%s\nstderr:\n%s\nserver:\n%s", run, err, stdout.String(), stderr.String(), serveLog.String())
		}
		var reports []map[string]any
		for _, line := range strings.Split(stdout.String(), "\n") {
			var m map[string]any
			if json.Unmarshal([]byte(line), &m) == nil {
				reports = append(reports, m)
			}
		}
		// web1, web2, web1 (sharedidentity) and web1 (multiidentity).
		if len(reports) != 4 || reports[1]["app"] != "web2" || len(reports[1]["read"].(map[string]any)) != 2 || reports[3]["database"] == nil {
			t.Fatalf("run %d printed %d reports:\n%s", run, len(reports), stdout.String())
		}
	}
}

// waitHealthy waits for the server's CA file, then for /healthz over TLS
// verified against it.
func waitHealthy(t *testing.T, url, caFile string, log *bytes.Buffer) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if pem, err := os.ReadFile(caFile); err == nil {
			roots := x509.NewCertPool()
			roots.AppendCertsFromPEM(pem)
			c := &http.Client{Timeout: time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
			if resp, err := c.Get(url + "/healthz"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					return
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("server not healthy after 30s:\n%s", log.String())
}
