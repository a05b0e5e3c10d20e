package server_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lanyardhq/lanyard/internal/server"
)

// TestSeedExamples builds examples/sharedidentity and runs it, unmodified,
// as both apps of the seed scenario under `lanyard run` (a real process,
// trusting Lanyard's CA through SSL_CERT_FILE as any Go program can): each
// app writes its blob to both accounts, the second reads the first's, and
// both read the vault secret. The program imports only the Azure SDK.
func TestSeedExamples(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an example program")
	}
	s := newSeed(t)
	bin := filepath.Join(t.TempDir(), "sharedidentity")
	build := exec.Command("go", "build", "-o", bin, "./examples/sharedidentity")
	build.Dir = filepath.Join("..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	sock := filepath.Join(s.dataDir, server.AgentSocket)
	reports := map[string]exampleReport{}
	for _, app := range []string{"web1", "web2"} {
		cmd := exec.Command(os.Args[0], "run", "--socket", sock, "--app", app, "--", bin)
		cmd.Env = append(os.Environ(), execEnv+"=cli", "SSL_CERT_FILE="+s.s.caFile)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s: %v\n%s", app, err, stderr.String())
		}
		var rep exampleReport
		if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
			t.Fatalf("%s printed %q: %v", app, stdout.String(), err)
		}
		if strings.Contains(stdout.String(), s.secretValue) {
			t.Fatalf("%s printed the secret's value", app)
		}
		reports[app] = rep
	}
	web2 := reports["web2"]
	if len(web2.Wrote) != 2 || web2.Secret.Name != s.secretName || web2.Secret.Length != len(s.secretValue) {
		t.Fatalf("web2's report: %+v", web2)
	}
	for _, acct := range []string{s.url1, s.url2} {
		if got := web2.Read[acct+"/shared/web1.txt"]; !strings.HasPrefix(got, "written by web1") {
			t.Fatalf("web2 did not read web1's blob in %s: %+v", acct, web2.Read)
		}
	}
}

type exampleReport struct {
	App    string            `json:"app"`
	Wrote  []string          `json:"wrote"`
	Read   map[string]string `json:"read"`
	Secret struct {
		Name   string `json:"name"`
		Length int    `json:"length"`
	} `json:"secret"`
}
