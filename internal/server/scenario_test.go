package server_test

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
)

// TestSeedScenario is ARCHITECTURE.md §1 end to end through the unmodified
// SDK clients with a managed identity: both apps' code reads and writes
// blobs in two accounts and reads the secret; then removing a role is
// enforced on the next request, an account-specific token is refused at
// the other account, deleting an app deletes its system-assigned identity
// and that identity's assignments, and forged tokens are refused.
func TestSeedScenario(t *testing.T) {
	s := newSeed(t)
	ctx := t.Context()
	mustRun(t, "role", "assignment", "create", "--assignee", s.web1SystemOID, "--role", "Storage Blob Data Reader", "--scope", s.acct1)

	shared := s.runAs(t, "web1")
	system, err := azidentity.NewManagedIdentityCredential(nil)
	if err != nil {
		t.Fatal(err)
	}

	payload := []byte("hello from web1")
	c1, c2 := s.blob(s.url1, shared, ""), s.blob(s.url2, shared, "")
	for _, c := range []*azblob.Client{c1, c2} {
		if _, err := c.CreateContainer(ctx, "shared", nil); err != nil {
			t.Fatalf("create container: %v", err)
		}
		if _, err := c.UploadBuffer(ctx, "shared", "web1.txt", payload, nil); err != nil {
			t.Fatalf("upload: %v", err)
		}
		got := make([]byte, len(payload))
		if _, err := c.DownloadBuffer(ctx, "shared", "web1.txt", got, nil); err != nil || !bytes.Equal(got, payload) {
			t.Fatalf("download = %q, %v", got, err)
		}
	}
	kv := s.secrets(shared)
	sec, err := kv.GetSecret(ctx, s.secretName, "", nil)
	if err != nil || *sec.Value != s.secretValue || sec.ID.Name() != s.secretName {
		t.Fatalf("GetSecret = %+v, %v", sec, err)
	}
	// The system-assigned identity reads account 1 (its own Reader role) but may not write.
	sys1 := s.blob(s.url1, system, "")
	got := make([]byte, len(payload))
	if _, err := sys1.DownloadBuffer(ctx, "shared", "web1.txt", got, nil); err != nil {
		t.Fatalf("system-assigned read: %v", err)
	}
	_, err = sys1.UploadBuffer(ctx, "shared", "sys.txt", payload, nil)
	wantDenied(t, err, "AuthorizationPermissionMismatch", "blobs/write")

	t.Run("removed role is enforced on the next request", func(t *testing.T) {
		mustRun(t, "role", "assignment", "delete", "--assignee", "shared", "--role", "Storage Blob Data Contributor", "--scope", s.acct2)
		removed := time.Now()
		_, err := c2.DownloadBuffer(ctx, "shared", "web1.txt", got, nil)
		wantDenied(t, err, "AuthorizationPermissionMismatch", "blobs/read")
		if d := time.Since(removed); d > time.Second {
			t.Fatalf("denied after %v, want within 1s", d)
		}
		// Account 1 is untouched.
		if _, err := c1.DownloadBuffer(ctx, "shared", "web1.txt", got, nil); err != nil {
			t.Fatalf("account 1 after removing account 2's role: %v", err)
		}
		mustRun(t, "role", "assignment", "delete", "--assignee", "shared", "--role", "Key Vault Secrets User", "--scope", s.vaultID)
		_, err = kv.GetSecret(ctx, s.secretName, "", nil)
		wantDenied(t, err, "Forbidden", "getSecret/action")
	})

	t.Run("a token for account 1's audience is refused at account 2", func(t *testing.T) {
		tok, err := shared.GetToken(ctx, scope(s.url1))
		if err != nil {
			t.Fatal(err)
		}
		resp := s.raw(t, http.MethodGet, s.url2+"/shared/web1.txt", tok.Token)
		if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("x-ms-error-code") != "InvalidAuthenticationInfo" {
			t.Fatalf("account 2: %d %q, want 401 InvalidAuthenticationInfo", resp.StatusCode, resp.Header.Get("x-ms-error-code"))
		}
		if resp := s.raw(t, http.MethodGet, s.url1+"/shared/web1.txt", tok.Token); resp.StatusCode != http.StatusOK {
			t.Fatalf("account 1, whose URL the token names: %d", resp.StatusCode)
		}
		// The SDK answers the 401 challenge by switching to the generic
		// storage audience; that token has no role at account 2 any more.
		_, err = s.blob(s.url2, shared, s.url1).DownloadBuffer(ctx, "shared", "web1.txt", got, nil)
		wantDenied(t, err, "AuthorizationPermissionMismatch", "blobs/read")
	})

	t.Run("forged tokens", func(t *testing.T) { s.forgedTokens(t, shared) })

	t.Run("deleting an app deletes its system-assigned identity and its assignments", func(t *testing.T) {
		mustRun(t, "app", "delete", "-g", s.rg, "-n", "web1")
		list := mustRun(t, "role", "assignment", "list", "--all")
		if strings.Contains(list, s.web1SystemOID) {
			t.Fatalf("the deleted app's identity keeps assignments:\n%s", list)
		}
		if !strings.Contains(list, str(s.shared, "properties", "principalId")) {
			t.Fatalf("the shared identity lost its remaining assignment:\n%s", list)
		}
		// web2 still uses the shared identity.
		if _, err := s.blob(s.url1, s.runAs(t, "web2"), "").UploadBuffer(ctx, "shared", "web2.txt", payload, nil); err != nil {
			t.Fatalf("web2 after web1's deletion: %v", err)
		}
	})
}

// wantDenied asserts a 403 with code whose message names the missing action.
func wantDenied(t *testing.T, err error, code, action string) {
	t.Helper()
	var re *azcore.ResponseError
	if !errors.As(err, &re) || re.StatusCode != http.StatusForbidden || re.ErrorCode != code {
		t.Fatalf("err = %v, want 403 %s", err, code)
	}
	if !strings.Contains(err.Error(), action) {
		t.Fatalf("the denial does not name %s:\n%v", action, err)
	}
}
