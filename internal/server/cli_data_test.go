package server_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lanyardhq/lanyard/internal/server"
)

// TestCLIDataCommands drives `lanyard storage container|blob` and `lanyard
// keyvault secret` against the real server: refused (with the service's code
// on one line) until the admin holds a data role, then the full life cycle.
func TestCLIDataCommands(t *testing.T) {
	e := newMIEnv(t)
	mustRun(t, "storage", "account", "create", "-g", e.rg, "-n", "clistore")
	mustRun(t, "keyvault", "create", "-g", e.rg, "-n", "cli-vault")
	acct, vault := e.id("Microsoft.Storage/storageAccounts", "clistore"), e.id("Microsoft.KeyVault/vaults", "cli-vault")

	wantErr := func(prefix string, args ...string) {
		t.Helper()
		_, err := lanyard(t, args...)
		if err == nil || !strings.HasPrefix(err.Error(), prefix) || strings.Contains(err.Error(), "\n") {
			t.Fatalf("lanyard %s: err = %v, want one line starting %q", strings.Join(args, " "), err, prefix)
		}
	}
	// Owning the subscription allows creating a container (a control
	// action, as in Azure) but grants no data actions.
	mustRun(t, "storage", "container", "create", "--account-name", "clistore", "-n", "early")
	wantErr("AuthorizationPermissionMismatch: ", "storage", "blob", "list", "--account-name", "clistore", "-c", "early")
	wantErr("Forbidden: ", "keyvault", "secret", "set", "--vault-name", "cli-vault", "-n", "db-password", "--value", "x")

	mustRun(t, "role", "assignment", "create", "--assignee", server.AdminUserName, "--role", "Storage Blob Data Contributor", "--scope", acct)
	mustRun(t, "role", "assignment", "create", "--assignee", server.AdminUserName, "--role", "Key Vault Secrets Officer", "--scope", vault)

	t.Run("blob", func(t *testing.T) {
		blob := func(args ...string) string {
			return mustRun(t, append(append([]string{"storage"}, args...), "--account-name", "clistore")...)
		}
		if out := blob("container", "create", "-n", "docs"); !strings.Contains(out, `"created": true`) {
			t.Fatalf("create: %s", out)
		}
		if out := blob("container", "create", "-n", "docs"); !strings.Contains(out, `"created": false`) {
			t.Fatalf("second create: %s", out)
		}
		src := filepath.Join(t.TempDir(), "hello.txt")
		os.WriteFile(src, []byte("hello from the CLI"), 0o600)
		blob("blob", "upload", "-c", "docs", "-n", "dir/hello.txt", "-f", src)
		wantErr("", "storage", "blob", "upload", "--account-name", "clistore", "-c", "docs", "-n", "dir/hello.txt", "-f", src)
		blob("blob", "upload", "-c", "docs", "-n", "dir/hello.txt", "-f", src, "--overwrite")
		if out := blob("blob", "list", "-c", "docs", "--prefix", "dir/"); !strings.Contains(out, `"name": "dir/hello.txt"`) {
			t.Fatalf("list: %s", out)
		}
		if out := blob("blob", "show", "-c", "docs", "-n", "dir/hello.txt"); !strings.Contains(out, `"contentType": "text/plain`) || !strings.Contains(out, `"contentLength": 18`) {
			t.Fatalf("show: %s", out)
		}
		dst := filepath.Join(t.TempDir(), "out.txt")
		blob("blob", "download", "-c", "docs", "-n", "dir/hello.txt", "-f", dst)
		if b, _ := os.ReadFile(dst); string(b) != "hello from the CLI" {
			t.Fatalf("downloaded %q", b)
		}
		blob("blob", "delete", "-c", "docs", "-n", "dir/hello.txt")
		wantErr("BlobNotFound: ", "storage", "blob", "show", "--account-name", "clistore", "-c", "docs", "-n", "dir/hello.txt")
		if out := blob("container", "delete", "-n", "docs"); !strings.Contains(out, `"deleted": true`) {
			t.Fatalf("delete: %s", out)
		}
	})

	t.Run("secret", func(t *testing.T) {
		kv := func(args ...string) string {
			return mustRun(t, append(append([]string{"keyvault", "secret"}, args...), "--vault-name", "cli-vault")...)
		}
		const value = "s3cr3t-from-a-file"
		file := filepath.Join(t.TempDir(), "v")
		os.WriteFile(file, []byte(value), 0o600)
		if out := kv("set", "-n", "db-password", "--file", file, "--tags", "env=dev"); strings.Contains(out, value) || !strings.Contains(out, `"env": "dev"`) {
			t.Fatalf("set: %s", out)
		}
		var shown struct{ Name, Value, Version string }
		json.Unmarshal([]byte(kv("show", "-n", "db-password")), &shown)
		if shown.Name != "db-password" || shown.Value != value || shown.Version == "" {
			t.Fatalf("show = %+v", shown)
		}
		kv("set", "-n", "db-password", "--value", "second")
		if out := kv("list-versions", "-n", "db-password"); strings.Count(out, `"id"`) != 2 || strings.Contains(out, value) {
			t.Fatalf("list-versions: %s", out)
		}
		if out := kv("show", "-n", "db-password", "--version", shown.Version); !strings.Contains(out, value) {
			t.Fatalf("show --version: %s", out)
		}
		if out := kv("list"); !strings.Contains(out, `"name": "db-password"`) || strings.Contains(out, "second") {
			t.Fatalf("list: %s", out)
		}
		kv("delete", "-n", "db-password")
		wantErr("SecretNotFound: ", "keyvault", "secret", "show", "--vault-name", "cli-vault", "-n", "db-password")
		if out := kv("list-deleted"); !strings.Contains(out, `"name": "db-password"`) {
			t.Fatalf("list-deleted: %s", out)
		}
		kv("recover", "-n", "db-password")
		if out := kv("show", "-n", "db-password"); !strings.Contains(out, `"value": "second"`) {
			t.Fatalf("show after recover: %s", out)
		}
		kv("delete", "-n", "db-password")
		kv("purge", "-n", "db-password")
		if out := kv("list-deleted"); strings.Contains(out, "db-password") {
			t.Fatalf("purged secret still listed: %s", out)
		}
	})
}
