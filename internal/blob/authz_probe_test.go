package blob

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/store"
)

// Every blob route and method, by callers that must not get through: no
// token, another audience, a valid token without a data role, a role on
// another container, a role on another account. Afterwards the owner sees
// nothing changed.
func TestAuthorizationMatrix(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	const (
		ownerOID     = "22222222-0000-4000-8000-000000000001"
		noRoleOID    = "22222222-0000-4000-8000-000000000002"
		otherContOID = "22222222-0000-4000-8000-000000000003"
		otherAcctOID = "22222222-0000-4000-8000-000000000004"
	)
	otherAcct := "/subscriptions/" + testSub + "/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/acct2"
	now := time.Now()
	if err := e.st.CreateResource(ctx, store.Resource{ID: otherAcct, Type: storageType, SubscriptionID: testSub,
		ResourceGroup: "rg1", Name: "acct2", Location: "local", Properties: []byte(`{}`), CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	owner := e.principal(ownerOID, "Storage Blob Data Owner", accountID)
	callers := []struct {
		name   string
		token  string
		status int
	}{
		{"no token", "", 401},
		{"vault audience", e.token(ownerOID, "https://vault.azure.net"), 401},
		{"other host's account URL", e.token(ownerOID, "https://evil.example/"+testAccount), 401},
		{"no role", e.principal(noRoleOID, "", ""), 403},
		{"role on another container", e.principal(otherContOID, "Storage Blob Data Owner", accountID+"/blobServices/default/containers/other"), 403},
		{"role on another account", e.principal(otherAcctOID, "Storage Blob Data Owner", otherAcct), 403},
	}
	for _, p := range []struct{ method, path, body string }{
		{"PUT", "/" + testAccount + "/data?restype=container", ""},
		{"PUT", "/" + testAccount + "/other?restype=container", ""},
		{"PUT", "/" + testAccount + "/data/b.txt", "secret"},
	} {
		hdr := map[string]string{"x-ms-blob-type": "BlockBlob"}
		if r, b := e.do(t, owner, p.method, p.path, p.body, hdr); r.StatusCode != 201 {
			t.Fatalf("%s %s: %d %s", p.method, p.path, r.StatusCode, b)
		}
	}
	a := "/" + testAccount
	routes := []struct{ method, path, body string }{
		{"GET", a + "/?comp=list", ""},
		{"PUT", a + "/newc?restype=container", ""},
		{"GET", a + "/data?restype=container", ""},
		{"HEAD", a + "/data?restype=container", ""},
		{"PUT", a + "/data?restype=container&comp=metadata", ""},
		{"GET", a + "/data?restype=container&comp=list", ""},
		{"DELETE", a + "/data?restype=container", ""},
		{"GET", a + "/data/b.txt", ""},
		{"HEAD", a + "/data/b.txt", ""},
		{"GET", a + "/data/b.txt?comp=metadata", ""},
		{"GET", a + "/data/b.txt?comp=blocklist", ""},
		{"PUT", a + "/data/b.txt", "pwned"},
		{"PUT", a + "/data/new.txt", "pwned"},
		{"PUT", a + "/data/b.txt?comp=block&blockid=QUFBQQ==", "pwned"},
		{"PUT", a + "/data/b.txt?comp=blocklist", "<BlockList><Latest>QUFBQQ==</Latest></BlockList>"},
		{"PUT", a + "/data/b.txt?comp=metadata", ""},
		{"PUT", a + "/data/b.txt?comp=properties", ""},
		{"DELETE", a + "/data/b.txt", ""},
	}
	for _, c := range callers {
		for _, rt := range routes {
			hdr := map[string]string{"x-ms-blob-type": "BlockBlob", "x-ms-meta-pwned": "1"}
			r, b := e.do(t, c.token, rt.method, rt.path, rt.body, hdr)
			if r.StatusCode != c.status {
				t.Errorf("%s: %s %s = %d %s, want %d", c.name, rt.method, rt.path, r.StatusCode, b, c.status)
			}
		}
	}
	// Reader's "*/read" includes blobServices/containers/read: as in
	// Azure, it may list containers and read their properties, and no more.
	reader := e.principal("22222222-0000-4000-8000-000000000005", "Reader", accountID)
	for _, rt := range routes {
		want := 403
		if rt.method != "PUT" && rt.method != "DELETE" && (rt.path == a+"/?comp=list" || strings.HasPrefix(rt.path, a+"/data?restype=container") && !strings.Contains(rt.path, "comp=list")) {
			want = 200
		}
		if r, b := e.do(t, reader, rt.method, rt.path, rt.body, map[string]string{"x-ms-blob-type": "BlockBlob"}); r.StatusCode != want {
			t.Errorf("Reader: %s %s = %d %s, want %d", rt.method, rt.path, r.StatusCode, b, want)
		}
	}
	r, b := e.do(t, owner, "GET", a+"/data/b.txt", "", nil)
	if r.StatusCode != 200 || b != "secret" || r.Header.Get("x-ms-meta-pwned") != "" {
		t.Fatalf("blob after the attempts: %d %q %v", r.StatusCode, b, r.Header)
	}
	if r, b := e.do(t, owner, "GET", a+"/?comp=list", "", nil); strings.Contains(b, "newc") || r.StatusCode != 200 {
		t.Fatalf("containers after the attempts: %s", b)
	}
	if r, b := e.do(t, owner, "GET", a+"/data/b.txt?comp=blocklist&blocklisttype=all", "", nil); r.StatusCode != 200 || strings.Contains(b, "Uncommitted") && strings.Contains(b, "<Name>") {
		t.Fatalf("block list after the attempts: %s", b)
	}
}
