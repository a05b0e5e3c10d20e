package resources

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/lanyardhq/lanyard/internal/federation"
	"github.com/lanyardhq/lanyard/internal/rbac"
)

func TestFederatedCredentialsOnIdentity(t *testing.T) {
	e := newEnv(t)
	e.group()
	ident := e.must(201, "PUT", uaiPath+"ci", `{"location":"local"}`)
	principal := get(ident, "properties", "principalId").(string)
	fics := uaiPath + "ci/federatedIdentityCredentials"
	body := `{"properties":{"issuer":"https://oidc.example.com","subject":"system:serviceaccount:ns:sa"}}`

	const reader = "22222222-2222-2222-2222-222222222222"
	e.user(reader)
	e.assign(reader, rbac.ReaderID, groupPath)
	if code, b := e.do("PUT", fics+"/k8s", body, reader); code != http.StatusForbidden {
		t.Fatalf("reader PUT: %d %s", code, b)
	}

	m := e.must(201, "PUT", fics+"/k8s", body)
	if m["type"] != typeFIC || m["name"] != "k8s" || get(m, "properties", "audiences").([]any)[0] != federation.DefaultAudience ||
		m["id"] != "/subscriptions/"+testSub+"/resourceGroups/rg1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/ci/federatedIdentityCredentials/k8s" {
		t.Fatalf("created %v", m)
	}
	// Replacing keeps one credential and changes its subject.
	m = e.must(200, "PUT", fics+"/K8S", `{"properties":{"issuer":"https://oidc.example.com","subject":"other","audiences":["api://x"]}}`)
	if get(m, "properties", "subject") != "other" || m["name"] != "k8s" {
		t.Fatalf("replaced %v", m)
	}
	if code, b := e.do("GET", fics+"/k8s", "", reader); code != 200 {
		t.Fatalf("reader GET: %d %s", code, b)
	}
	creds, err := e.st.ListCredentials(context.Background(), principal)
	if err != nil || len(creds) != 1 {
		t.Fatalf("stored %v %v", creds, err)
	}

	for name, tc := range map[string]struct{ path, body string }{
		"http issuer":     {fics + "/xx1", `{"properties":{"issuer":"http://i","subject":"s"}}`},
		"no subject":      {fics + "/xx1", `{"properties":{"issuer":"https://i"}}`},
		"two audiences":   {fics + "/xx1", `{"properties":{"issuer":"https://i","subject":"s","audiences":["a","b"]}}`},
		"no properties":   {fics + "/xx1", `{}`},
		"same issuer+sub": {fics + "/xx1", `{"properties":{"issuer":"https://oidc.example.com","subject":"other"}}`},
	} {
		if code, b := e.do("PUT", tc.path, tc.body, ownerID); code != 400 && code != 409 {
			t.Errorf("%s: %d %s", name, code, b)
		}
	}
	if code, b := e.do("PUT", uaiPath+"nope/federatedIdentityCredentials/xx1", body, ownerID); code != 404 || errCode(t, b) == "" {
		t.Fatalf("missing identity: %d %s", code, b)
	}
	for i := range 19 {
		e.must(201, "PUT", fmt.Sprintf("%s/n%02d", fics, i), fmt.Sprintf(`{"properties":{"issuer":"https://i","subject":"s%d"}}`, i))
	}
	if code, b := e.do("PUT", fics+"/n99", `{"properties":{"issuer":"https://i","subject":"s99"}}`, ownerID); code != 400 {
		t.Fatalf("21st credential: %d %s", code, b)
	}
	if l := e.must(200, "GET", fics, ""); len(l["value"].([]any)) != 20 {
		t.Fatalf("list %v", l)
	}

	if code, _ := e.do("DELETE", fics+"/k8s", "", reader); code != http.StatusForbidden {
		t.Fatalf("reader DELETE: %d", code)
	}
	e.must(200, "DELETE", fics+"/k8s", "")
	e.must(204, "DELETE", fics+"/k8s", "")
	e.must(404, "GET", fics+"/k8s", "")

	// Deleting the identity deletes its credentials with its principal.
	e.must(200, "DELETE", uaiPath+"ci", "")
	if creds, _ := e.st.ListCredentials(context.Background(), principal); len(creds) != 0 {
		t.Fatalf("credentials outlive the identity: %v", creds)
	}
}
