package vault

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"

	"github.com/lanyardhq/lanyard/internal/tokens"
)

const (
	officerOID = "11111111-0000-4000-8000-000000000001"
	userOID    = "11111111-0000-4000-8000-000000000002"
)

// wantCode checks that err is a ResponseError with status and code.
func wantCode(t *testing.T, err error, status int, code string) *azcore.ResponseError {
	t.Helper()
	var re *azcore.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("error = %v, want a ResponseError %d %s", err, status, code)
	}
	if re.StatusCode != status || re.ErrorCode != code {
		t.Fatalf("got %d %q, want %d %q (%v)", re.StatusCode, re.ErrorCode, status, code, err)
	}
	return re
}

// version is the last segment of a secret id (path-style ids have the
// /vaults/{name} prefix, so the SDK's ID.Version() does not apply).
func version(id *azsecrets.ID) string { return path.Base(string(*id)) }

// TestSDKSecretsLifecycle drives every operation through the unmodified
// azsecrets client against the real store, keys and RBAC.
func TestSDKSecretsLifecycle(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.grant(officerOID, "Key Vault Secrets Officer", vaultID)
	cred := &minting{e: e, oid: officerOID}
	c := e.client(cred)

	set, err := c.SetSecret(ctx, "Db-Password", azsecrets.SetSecretParameters{Value: to.Ptr("s3cr3t=1"),
		ContentType: to.Ptr("text/plain"), Tags: map[string]*string{"env": to.Ptr("dev")}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	scopes, tenants := cred.asked()
	if len(scopes) == 0 || scopes[0] != vaultScope || tenants[0] != testTenant {
		t.Fatalf("credential asked for scopes %q tenants %q, want %s and %s", scopes, tenants, vaultScope, testTenant)
	}
	v1 := version(set.ID)
	if !isVersion(v1) || strings.ToLower(v1) != v1 || *set.Value != "s3cr3t=1" || *set.ContentType != "text/plain" ||
		*set.Tags["env"] != "dev" || !*set.Attributes.Enabled || *set.Attributes.RecoveryLevel != recoveryLevel ||
		*set.Attributes.RecoverableDays != 90 || time.Since(*set.Attributes.Created) > time.Minute {
		t.Fatalf("set returned %+v %+v", set.Secret, *set.Attributes)
	}
	if want := e.srv.URL + "/vaults/" + testVault + "/secrets/Db-Password/" + v1; string(*set.ID) != want {
		t.Fatalf("id = %s, want %s", *set.ID, want)
	}
	set2, err := c.SetSecret(ctx, "db-password", azsecrets.SetSecretParameters{Value: to.Ptr("second")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	v2 := version(set2.ID)
	if !strings.Contains(string(*set2.ID), "/secrets/Db-Password/") { // the first spelling is kept
		t.Fatalf("id = %s", *set2.ID)
	}

	got, err := c.GetSecret(ctx, "DB-PASSWORD", "", nil) // latest, sent with a trailing slash
	if err != nil || *got.Value != "second" || version(got.ID) != v2 {
		t.Fatalf("get latest = %v, %v", got.Value, err)
	}
	got, err = c.GetSecret(ctx, "db-password", v1, nil)
	if err != nil || *got.Value != "s3cr3t=1" || *got.Tags["env"] != "dev" {
		t.Fatalf("get v1 = %v, %v", got.Value, err)
	}
	_, err = c.GetSecret(ctx, "missing", "", nil)
	wantCode(t, err, http.StatusNotFound, "SecretNotFound")
	_, err = c.GetSecret(ctx, "db-password", strings.Repeat("a", 32), nil)
	wantCode(t, err, http.StatusNotFound, "SecretNotFound")

	// Update v1: disable it and change its tags; the latest is unaffected.
	up, err := c.UpdateSecretProperties(ctx, "db-password", v1, azsecrets.UpdateSecretPropertiesParameters{
		SecretAttributes: &azsecrets.SecretAttributes{Enabled: to.Ptr(false)}, Tags: map[string]*string{"env": to.Ptr("old")}}, nil)
	if err != nil || *up.Attributes.Enabled || *up.Tags["env"] != "old" || up.Value != nil {
		t.Fatalf("update = %+v, %v", up, err)
	}
	_, err = c.GetSecret(ctx, "db-password", v1, nil)
	wantCode(t, err, http.StatusForbidden, "Forbidden")
	if _, err := c.GetSecret(ctx, "db-password", "", nil); err != nil {
		t.Fatal(err)
	}
	up, err = c.UpdateSecretProperties(ctx, "db-password", "", azsecrets.UpdateSecretPropertiesParameters{
		ContentType: to.Ptr("application/x-password")}, nil)
	if err != nil || version(up.ID) != v2 || *up.ContentType != "application/x-password" {
		t.Fatalf("update latest = %+v, %v", up, err)
	}

	// nbf in the future and exp in the past refuse the value; lists show it.
	hour := time.Hour
	for name, a := range map[string]*azsecrets.SecretAttributes{
		"later":   {NotBefore: to.Ptr(time.Now().Add(hour))},
		"expired": {Expires: to.Ptr(time.Now().Add(-hour))},
	} {
		if _, err := c.SetSecret(ctx, name, azsecrets.SetSecretParameters{Value: to.Ptr("x"), SecretAttributes: a}, nil); err != nil {
			t.Fatal(err)
		}
		_, err = c.GetSecret(ctx, name, "", nil)
		wantCode(t, err, http.StatusForbidden, "Forbidden")
	}

	versions := 0
	for pager := c.NewListSecretPropertiesVersionsPager("db-password", nil); pager.More(); {
		page, err := pager.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range page.Value {
			versions++
			if p.Attributes.Created == nil || !isVersion(version(p.ID)) {
				t.Fatalf("version item %+v", p)
			}
		}
	}
	if versions != 2 {
		t.Fatalf("%d versions, want 2", versions)
	}

	testSDKDeleteRecoverPurge(t, c)
}

func testSDKDeleteRecoverPurge(t *testing.T, c *azsecrets.Client) {
	ctx := context.Background()
	del, err := c.DeleteSecret(ctx, "db-password", nil)
	if err != nil {
		t.Fatal(err)
	}
	if del.Value != nil || !strings.HasSuffix(*del.RecoveryID, "/deletedsecrets/Db-Password") ||
		del.ScheduledPurgeDate.Sub(*del.DeletedDate) != 90*24*time.Hour {
		t.Fatalf("delete = %+v", del.DeletedSecret)
	}
	_, err = c.GetSecret(ctx, "db-password", "", nil)
	wantCode(t, err, http.StatusNotFound, "SecretNotFound")
	_, err = c.SetSecret(ctx, "db-password", azsecrets.SetSecretParameters{Value: to.Ptr("again")}, nil)
	wantCode(t, err, http.StatusConflict, "Conflict")
	gd, err := c.GetDeletedSecret(ctx, "DB-password", nil)
	if err != nil || *gd.RecoveryID != *del.RecoveryID {
		t.Fatalf("get deleted = %+v, %v", gd, err)
	}
	found := false
	for pager := c.NewListDeletedSecretPropertiesPager(nil); pager.More(); {
		page, err := pager.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range page.Value {
			found = found || strings.HasSuffix(*d.RecoveryID, "/Db-Password")
		}
	}
	if !found {
		t.Fatal("deleted secret not listed")
	}
	rec, err := c.RecoverDeletedSecret(ctx, "db-password", nil)
	if err != nil || rec.Value != nil {
		t.Fatalf("recover = %+v, %v", rec, err)
	}
	if got, err := c.GetSecret(ctx, "db-password", "", nil); err != nil || *got.Value != "second" {
		t.Fatalf("get after recover = %v", err)
	}
	_, err = c.PurgeDeletedSecret(ctx, "db-password", nil)
	wantCode(t, err, http.StatusNotFound, "SecretNotFound") // not deleted
	if _, err := c.DeleteSecret(ctx, "db-password", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PurgeDeletedSecret(ctx, "db-password", nil); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetDeletedSecret(ctx, "db-password", nil)
	wantCode(t, err, http.StatusNotFound, "SecretNotFound")
	if _, err := c.SetSecret(ctx, "db-password", azsecrets.SetSecretParameters{Value: to.Ptr("fresh")}, nil); err != nil {
		t.Fatal(err)
	}
}

// TestSDKListPaging lists more secrets than a page holds; the SDK follows
// the nextLinks verbatim.
func TestSDKListPaging(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.grant(officerOID, "Key Vault Secrets Officer", vaultID)
	c := e.client(&minting{e: e, oid: officerOID})
	const n = maxPage*2 + 3
	for i := range n {
		if _, err := c.SetSecret(ctx, fmt.Sprintf("s-%03d", i), azsecrets.SetSecretParameters{Value: to.Ptr("v")}, nil); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	pages := 0
	for pager := c.NewListSecretPropertiesPager(nil); pager.More(); {
		page, err := pager.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, p := range page.Value {
			names = append(names, path.Base(string(*p.ID)))
		}
	}
	if pages != 3 || len(names) != n || names[0] != "s-000" || names[n-1] != fmt.Sprintf("s-%03d", n-1) {
		t.Fatalf("%d pages, %d names: %v", pages, len(names), names)
	}
}

// TestSDKAuthorization: a Secrets User reads but cannot write; a token for
// another audience is refused with 401.
func TestSDKAuthorization(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.grant(officerOID, "Key Vault Secrets Officer", vaultID)
	e.grant(userOID, "Key Vault Secrets User", vaultID+"/secrets/app-key") // one secret only
	officer := e.client(&minting{e: e, oid: officerOID})
	for _, name := range []string{"app-key", "other"} {
		if _, err := officer.SetSecret(ctx, name, azsecrets.SetSecretParameters{Value: to.Ptr("v-" + name)}, nil); err != nil {
			t.Fatal(err)
		}
	}
	user := e.client(&minting{e: e, oid: userOID})
	if got, err := user.GetSecret(ctx, "app-key", "", nil); err != nil || *got.Value != "v-app-key" {
		t.Fatalf("user get = %v", err)
	}
	_, err := user.SetSecret(ctx, "app-key", azsecrets.SetSecretParameters{Value: to.Ptr("x")}, nil)
	re := wantCode(t, err, http.StatusForbidden, "Forbidden")
	if !strings.Contains(re.Error(), actionSetSecret) || !strings.Contains(re.Error(), "ForbiddenByRbac") {
		t.Fatalf("denial does not name the data action: %v", re)
	}
	_, err = user.GetSecret(ctx, "other", "", nil) // assigned on app-key only
	wantCode(t, err, http.StatusForbidden, "Forbidden")
	_, err = user.NewListSecretPropertiesPager(nil).NextPage(ctx) // lists need the vault scope
	wantCode(t, err, http.StatusForbidden, "Forbidden")

	wrong := e.client(&minting{e: e, oid: officerOID, aud: tokens.ManagementAudience})
	_, err = wrong.GetSecret(ctx, "app-key", "", nil)
	wantCode(t, err, http.StatusUnauthorized, "Unauthorized")
}
