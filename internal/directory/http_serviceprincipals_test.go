package directory

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/store"
)

func TestServicePrincipalsAPI(t *testing.T) {
	a := newAPI(t)
	ctx := context.Background()
	a.do(t, a.plain, "POST", "/v1.0/servicePrincipals", `{"displayName":"app"}`).expect(t, 403, codeDenied)
	r := a.do(t, a.admin, "POST", "/v1.0/servicePrincipals", `{"displayName":"billing"}`).expect(t, 201, "")
	id, appID := r.body["id"].(string), r.body["appId"].(string)
	if r.body["servicePrincipalType"] != "Application" || !guidRE.MatchString(appID) || r.body["@odata.type"] != "#microsoft.graph.servicePrincipal" {
		t.Fatalf("service principal body %v", r.body)
	}
	sp := "/v1.0/servicePrincipals/" + id

	a.do(t, a.plain, "POST", sp+"/addPassword", `{"passwordCredential":{"displayName":"ci"}}`).expect(t, 403, codeDenied)
	r = a.do(t, a.admin, "POST", sp+"/addPassword", `{"passwordCredential":{"displayName":"ci"}}`).expect(t, 200, "")
	secret, keyID := r.body["secretText"].(string), r.body["keyId"].(string)
	if r.body["hint"] != secret[:3] || r.body["displayName"] != "ci" || r.body["startDateTime"] == nil {
		t.Fatalf("addPassword body %v", r.body)
	}
	end, _ := time.Parse(time.RFC3339, r.body["endDateTime"].(string))
	if want := a.clock.Now().Add(defaultSecretLifetime); !end.Equal(want) {
		t.Fatalf("default endDateTime %v, want %v", end, want)
	}
	if p, err := a.svc.AuthenticateClientSecret(ctx, appID, secret); err != nil || p.ID != id {
		t.Fatalf("secret from addPassword does not authenticate: %v", err)
	}
	past := a.clock.Now().Add(-time.Hour).Format(time.RFC3339)
	a.do(t, a.admin, "POST", sp+"/addPassword", `{"passwordCredential":{"endDateTime":"`+past+`"}}`).expect(t, 400, codeBadRequest)
	a.do(t, a.admin, "POST", sp+"/addPassword", `{"passwordCredential":{"endDateTime":"tomorrow"}}`).expect(t, 400, codeBadRequest)
	a.do(t, a.admin, "POST", "/v1.0/servicePrincipals/"+a.plain.ID+"/addPassword", `{}`).expect(t, 404, codeNotFound)

	got := a.do(t, a.plain, "GET", sp, "").expect(t, 200, "")
	if strings.Contains(got.raw, secret) || strings.Contains(got.raw, hashScheme) {
		t.Fatalf("GET leaks the secret or its hash: %s", got.raw)
	}
	creds := got.body["passwordCredentials"].([]any)
	if len(creds) != 1 || creds[0].(map[string]any)["keyId"] != keyID || creds[0].(map[string]any)["secretText"] != nil {
		t.Fatalf("passwordCredentials %v", creds)
	}

	a.do(t, a.admin, "POST", sp+"/removePassword", `{"keyId":"nope"}`).expect(t, 400, codeBadRequest)
	a.do(t, a.admin, "POST", sp+"/removePassword", `{"keyId":"`+newID()+`"}`).expect(t, 404, codeNotFound)
	a.do(t, a.plain, "POST", sp+"/removePassword", `{"keyId":"`+keyID+`"}`).expect(t, 403, codeDenied)
	a.do(t, a.admin, "POST", sp+"/removePassword", `{"keyId":"`+keyID+`"}`).expect(t, 204, "")
	if _, err := a.svc.AuthenticateClientSecret(ctx, appID, secret); err == nil {
		t.Fatal("removed secret still authenticates")
	}

	// Managed identities are listed beside applications, as in Entra.
	const uaID = "/subscriptions/s/resourceGroups/g/providers/Microsoft.ManagedIdentity/userAssignedIdentities/shared"
	const siteID = "/subscriptions/s/resourceGroups/g/providers/Microsoft.Web/sites/app1"
	ua := a.managedIdentity(t, store.UserAssigned, uaID)
	sa := a.managedIdentity(t, store.SystemAssigned, siteID)
	list := a.do(t, a.plain, "GET", "/v1.0/servicePrincipals", "").expect(t, 200, "").values(t)
	if len(list) != 3 {
		t.Fatalf("%d service principals, want 3", len(list))
	}
	for _, tc := range []struct {
		p        store.Principal
		explicit string
		rid      string
	}{{ua, "isExplicit=True", uaID}, {sa, "isExplicit=False", siteID}} {
		res := a.do(t, a.plain, "GET", "/v1.0/servicePrincipals?$filter="+queryEscape("appId eq '"+tc.p.ClientID+"'"), "").expect(t, 200, "").values(t)
		if len(res) != 1 || res[0]["servicePrincipalType"] != "ManagedIdentity" || res[0]["id"] != tc.p.ID {
			t.Fatalf("filter by appId: %v", res)
		}
		names := res[0]["alternativeNames"].([]any)
		if len(names) != 2 || names[0] != tc.explicit || names[1] != tc.rid {
			t.Fatalf("alternativeNames %v, want [%s %s]", names, tc.explicit, tc.rid)
		}
	}
	if n := len(a.do(t, a.plain, "GET", "/v1.0/servicePrincipals?$filter="+queryEscape("displayName eq 'billing'"), "").expect(t, 200, "").values(t)); n != 1 {
		t.Fatalf("filter by displayName: %d", n)
	}
	a.do(t, a.plain, "GET", "/v1.0/servicePrincipals?$filter="+queryEscape("appId eq '"+newID()+"'"), "").expect(t, 200, "")
	a.do(t, a.plain, "GET", "/v1.0/servicePrincipals?$filter="+queryEscape("userPrincipalName eq 'a@b'"), "").expect(t, 400, codeBadRequest)
	a.do(t, a.admin, "POST", "/v1.0/servicePrincipals/"+ua.ID+"/addPassword", `{}`).expect(t, 400, codeBadRequest)

	del := a.do(t, a.admin, "DELETE", "/v1.0/servicePrincipals/"+sa.ID, "").expect(t, http.StatusBadRequest, codeBadRequest)
	if !strings.Contains(del.raw, siteID) {
		t.Fatalf("refusal does not point at the resource: %s", del.raw)
	}
	a.do(t, a.plain, "DELETE", sp, "").expect(t, 403, codeDenied)
	a.do(t, a.admin, "DELETE", sp, "").expect(t, 204, "")
	a.do(t, a.plain, "GET", sp, "").expect(t, 404, codeNotFound)
}
