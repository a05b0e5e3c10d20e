package tokens

import (
	"errors"
	"net/http"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

// TestAzidentityClientSecret drives the real azidentity/MSAL stack against
// the token endpoint: discovery, token request, response parsing.
func TestAzidentityClientSecret(t *testing.T) {
	e := newEnv(t, "RS256")
	opts := &azidentity.ClientSecretCredentialOptions{
		ClientOptions: azcore.ClientOptions{
			Cloud:     cloud.Configuration{ActiveDirectoryAuthorityHost: e.srv.URL + "/"},
			Transport: e.srv.Client(),
		},
		DisableInstanceDiscovery: true,
	}
	cred, err := azidentity.NewClientSecretCredential(testTenant, testAppID, testSecret, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		scope, aud string
		cae        bool
	}{
		{"https://management.azure.com//.default", "https://management.azure.com/", false},
		{"https://storage.azure.com/.default", "https://storage.azure.com", true},
	} {
		tok, err := cred.GetToken(t.Context(), policy.TokenRequestOptions{Scopes: []string{tc.scope}, EnableCAE: tc.cae})
		if err != nil {
			t.Fatalf("GetToken(%s): %v", tc.scope, err)
		}
		c, err := e.verifier.Verify(tok.Token)
		if err != nil {
			t.Fatal(err)
		}
		if c.Audience != tc.aud || c.AppID != testAppID || c.ObjectID != testAppOID || c.IdentityType != IdentityApp {
			t.Fatalf("claims %+v", c)
		}
		independentVerify(t, e, tok.Token)
	}

	// A wrong secret is an authentication failure carrying Entra's error.
	bad, _ := azidentity.NewClientSecretCredential(testTenant, testAppID, "wrong", opts)
	_, err = bad.GetToken(t.Context(), policy.TokenRequestOptions{Scopes: []string{"https://management.azure.com//.default"}})
	var afe *azidentity.AuthenticationFailedError
	if !errors.As(err, &afe) || afe.RawResponse == nil || afe.RawResponse.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong secret: %v", err)
	}
}
