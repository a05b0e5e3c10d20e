package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lanyardhq/lanyard/internal/cli"
	"github.com/lanyardhq/lanyard/internal/server"
	"github.com/lanyardhq/lanyard/internal/server/servertest"
)

// running is a real server on a loopback port, serving from dataDir.
type running struct {
	srv    *server.Server
	url    string
	stop   func()
	caFile string
}

func start(t testing.TB, dataDir string) *running { return startWith(t, dataDir, nil) }

// startWith is start with configure applied to the configuration first.
func startWith(t testing.TB, dataDir string, configure func(*server.Config)) *running {
	t.Helper()
	ts := servertest.Start(t, dataDir, configure)
	return &running{srv: ts.Server, url: ts.URL, stop: ts.Stop, caFile: ts.CAFile}
}

// lanyard runs one CLI command in-process and returns its stdout.
func lanyard(t testing.TB, args ...string) (string, error) {
	t.Helper()
	cmd := cli.NewRootCommand()
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

func mustRun(t testing.TB, args ...string) string {
	t.Helper()
	out, err := lanyard(t, args...)
	if err != nil {
		t.Fatalf("lanyard %s: %v", strings.Join(args, " "), err)
	}
	return out
}

func decode(t testing.TB, s string) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("not a JSON object: %v\n%s", err, s)
	}
	return v
}

// TestNewcomerFlow is the README's first steps, through the real CLI against
// a real server: sign in, create a group, identities, an app and a storage
// account, grant a data role, explain allow and deny, refuse an escalation,
// delete the app (its system identity and that identity's assignments go),
// restart (everything else stays).
func TestNewcomerFlow(t *testing.T) {
	dataDir := t.TempDir()
	s := start(t, dataDir)
	t.Setenv("LANYARD_CONFIG_DIR", t.TempDir())
	pwFile := filepath.Join(dataDir, server.AdminPasswordFile)
	if fi, err := os.Stat(pwFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("admin password file: %v %v", fi, err)
	}
	mustRun(t, "login", "--server", s.url, "--ca-file", s.caFile, "--username", server.AdminUserName, "--password-file", pwFile)
	sub := s.srv.SubscriptionID()

	mustRun(t, "group", "create", "-n", "demo")
	uai := decode(t, mustRun(t, "identity", "create", "-g", "demo", "-n", "shared"))
	uaiPrincipal := uai["properties"].(map[string]any)["principalId"].(string)
	mustRun(t, "app", "create", "-g", "demo", "-n", "api")
	ident := decode(t, mustRun(t, "app", "identity", "assign", "-g", "demo", "-n", "api", "--system-assigned", "--identities", "shared"))
	sysPrincipal, _ := ident["principalId"].(string)
	if sysPrincipal == "" || ident["type"] != "SystemAssigned, UserAssigned" {
		t.Fatalf("identity block: %v", ident)
	}
	mustRun(t, "storage", "account", "create", "-g", "demo", "-n", "demostore")
	acct := "/subscriptions/" + sub + "/resourceGroups/demo/providers/Microsoft.Storage/storageAccounts/demostore"
	container := acct + "/blobServices/default/containers/c"
	mustRun(t, "role", "assignment", "create", "--assignee", "shared", "--role", "Storage Blob Data Contributor", "--scope", acct)
	mustRun(t, "role", "assignment", "create", "--assignee", sysPrincipal, "--role", "Storage Blob Data Reader", "--scope", acct)

	allow := decode(t, mustRun(t, "access", "check", "--assignee", "shared", "--action", "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read", "--scope", container))
	if allow["allowed"] != true || allow["isDataAction"] != true {
		t.Fatalf("read through the account's assignment should be allowed: %v", allow)
	}
	deny := decode(t, mustRun(t, "access", "check", "--assignee", "shared", "--action", "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write", "--scope", "/subscriptions/"+sub))
	if deny["allowed"] != false || !strings.Contains(mustJSON(deny["grantingRoles"]), "Storage Blob Data Contributor") {
		t.Fatalf("write at the subscription should be denied, naming the roles that grant it: %v", deny)
	}

	// A reader may not grant roles: the escalation guard names action, scope and principal.
	mustRun(t, "ad", "user", "create", "--display-name", "Dev", "--user-principal-name", "dev@lanyard.local", "--password", "correct horse battery")
	mustRun(t, "role", "assignment", "create", "--assignee", "dev@lanyard.local", "--role", "Reader", "--scope", "/subscriptions/"+sub)
	adminProfile := os.Getenv("LANYARD_CONFIG_DIR")
	t.Setenv("LANYARD_CONFIG_DIR", t.TempDir())
	mustRun(t, "login", "--server", s.url, "--ca-file", s.caFile, "--username", "dev@lanyard.local", "--password", "correct horse battery")
	_, err := lanyard(t, "role", "assignment", "create", "--assignee", "dev@lanyard.local", "--role", "Owner", "--scope", "/subscriptions/"+sub)
	if err == nil || !strings.Contains(err.Error(), "AuthorizationFailed") || !strings.Contains(err.Error(), "Microsoft.Authorization/roleAssignments/write") {
		t.Fatalf("a Reader granting itself Owner: err = %v", err)
	}
	if _, err := lanyard(t, "identity", "create", "-g", "demo", "-n", "sneaky"); err == nil || !strings.Contains(err.Error(), "userAssignedIdentities/write") {
		t.Fatalf("a Reader creating an identity: err = %v", err)
	}
	t.Setenv("LANYARD_CONFIG_DIR", adminProfile)

	// Deleting the app deletes its system-assigned identity and its assignments.
	mustRun(t, "app", "delete", "-g", "demo", "-n", "api")
	list := mustRun(t, "role", "assignment", "list", "--all")
	if strings.Contains(list, sysPrincipal) {
		t.Fatalf("the deleted app's identity still has assignments:\n%s", list)
	}
	if !strings.Contains(list, uaiPrincipal) {
		t.Fatalf("the user-assigned identity lost its assignment:\n%s", list)
	}
	if _, err := lanyard(t, "access", "check", "--assignee", sysPrincipal, "--action", "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read", "--scope", container); err == nil {
		t.Fatal("the deleted identity still resolves as a principal")
	}

	// Restart on the same data directory: same tenant, state kept, same admin password.
	tenant := s.srv.TenantID()
	s.stop()
	s2 := start(t, dataDir)
	defer s2.stop()
	if s2.srv.TenantID() != tenant {
		t.Fatalf("tenant changed across restart: %s → %s", tenant, s2.srv.TenantID())
	}
	mustRun(t, "login", "--server", s2.url, "--ca-file", s2.caFile, "--username", server.AdminUserName, "--password-file", pwFile)
	shown := decode(t, mustRun(t, "identity", "show", "-g", "demo", "-n", "shared"))
	if shown["properties"].(map[string]any)["principalId"] != uaiPrincipal {
		t.Fatalf("identity changed across restart: %v", shown)
	}
	again := decode(t, mustRun(t, "access", "check", "--assignee", "shared", "--action", "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read", "--scope", container))
	if again["allowed"] != true {
		t.Fatalf("assignment lost across restart: %v", again)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
