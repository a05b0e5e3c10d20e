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
	bins := buildExamples(t, "sharedidentity", "multiidentity")
	reports := map[string]exampleReport{}
	for _, app := range []string{"web1", "web2"} {
		var rep exampleReport
		s.runExample(t, app, bins["sharedidentity"], &rep)
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

// TestMultiIdentityExample runs examples/multiidentity as web1 holding
// three identities, each used for what it was granted: the storage one lists
// both accounts, the databases one gets a database-audience token, the
// system-assigned one reads the secret.
func TestMultiIdentityExample(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an example program")
	}
	s := newSeed(t)
	bins := buildExamples(t, "multiidentity")
	db := decode(t, mustRun(t, "identity", "create", "-g", s.rg, "-n", "databases"))
	mustRun(t, "app", "identity", "assign", "-g", s.rg, "-n", "web1", "--identities", "databases")
	mustRun(t, "app", "config", "set", "-g", s.rg, "-n", "web1", "--settings",
		"Managed_Identity_Client_ID_Storage="+str(s.shared, "properties", "clientId"),
		"Managed_Identity_Client_ID_Databases="+str(db, "properties", "clientId"))
	mustRun(t, "role", "assignment", "create", "--assignee", s.web1SystemOID, "--role", "Key Vault Secrets User", "--scope", s.vaultID)
	var rep struct {
		Storage  map[string][]string `json:"storage"`
		Database map[string]any      `json:"database"`
		Vault    struct {
			Secret string `json:"secret"`
			Length int    `json:"length"`
		} `json:"vault"`
	}
	// web2 (sharedidentity) fills the container the storage identity lists.
	var shared exampleReport
	s.runExample(t, "web2", buildExamples(t, "sharedidentity")["sharedidentity"], &shared)
	s.runExample(t, "web1", bins["multiidentity"], &rep)
	for _, acct := range []string{s.url1, s.url2} {
		if names := rep.Storage[acct]; len(names) != 1 || names[0] != "web2.txt" {
			t.Fatalf("storage identity listed %v in %s", names, acct)
		}
	}
	if rep.Database["aud"] != "https://ossrdbms-aad.database.windows.net" || rep.Database["oid"] != str(db, "properties", "principalId") ||
		!strings.HasSuffix(strings.ToLower(rep.Database["xms_mirid"].(string)), "/userassignedidentities/databases") {
		t.Fatalf("database token claims: %v", rep.Database)
	}
	if rep.Vault.Secret != s.secretName || rep.Vault.Length != len(s.secretValue) {
		t.Fatalf("vault via the system-assigned identity: %+v", rep.Vault)
	}
}

// buildExamples builds examples/<name> programs into a temporary directory.
func buildExamples(t *testing.T, names ...string) map[string]string {
	t.Helper()
	dir, out := t.TempDir(), map[string]string{}
	for _, n := range names {
		out[n] = filepath.Join(dir, n)
		build := exec.Command("go", "build", "-o", out[n], "./examples/"+n)
		build.Dir = filepath.Join("..", "..")
		if b, err := build.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", n, err, b)
		}
	}
	return out
}

// runExample runs bin as app under `lanyard run` and decodes its one line
// of JSON into rep; it fails if the line holds the secret's value.
func (s *seed) runExample(t *testing.T, app, bin string, rep any) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "run", "--socket", filepath.Join(s.dataDir, server.AgentSocket), "--app", app, "--", bin)
	cmd.Env = append(os.Environ(), execEnv+"=cli", "SSL_CERT_FILE="+s.s.caFile)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", app, err, stderr.String())
	}
	if err := json.Unmarshal(stdout.Bytes(), rep); err != nil {
		t.Fatalf("%s printed %q: %v", app, stdout.String(), err)
	}
	if strings.Contains(stdout.String(), s.secretValue) {
		t.Fatalf("%s printed the secret's value", app)
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
