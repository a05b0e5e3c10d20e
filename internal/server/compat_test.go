package server_test

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources"

	"github.com/lanyardhq/lanyard/internal/server"
)

// TestAzureSDKServicePrincipal drives unmodified Azure SDK clients against a
// real server: azidentity's ClientSecretCredential signs a service principal
// in at the token endpoint, and armresources uses its token on the resource
// manager. Without a role the SDK gets ARM's 403 AuthorizationFailed; with
// Contributor on the subscription it creates and lists resource groups.
func TestAzureSDKServicePrincipal(t *testing.T) {
	dataDir := t.TempDir()
	s := start(t, dataDir)
	defer s.stop()
	t.Setenv("LANYARD_CONFIG_DIR", t.TempDir())
	mustRun(t, "login", "--server", s.url, "--ca-file", s.caFile, "--username", server.AdminUserName,
		"--password-file", filepath.Join(dataDir, server.AdminPasswordFile))
	sp := decode(t, mustRun(t, "ad", "sp", "create", "--display-name", "ci-deployer"))
	creds := decode(t, mustRun(t, "ad", "sp", "credential", "reset", "--id", sp["id"].(string)))
	appID, secret := creds["appId"].(string), creds["password"].(string)
	if appID == "" || secret == "" {
		t.Fatalf("credential reset output: %v", creds)
	}

	pem, err := os.ReadFile(s.caFile)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pem)
	httpClient := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
	cloudCfg := cloud.Configuration{
		ActiveDirectoryAuthorityHost: s.url + "/",
		Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
			cloud.ResourceManager: {Endpoint: s.url, Audience: "https://management.azure.com/"},
		},
	}
	clientOpts := azcore.ClientOptions{Cloud: cloudCfg, Transport: httpClient}
	cred, err := azidentity.NewClientSecretCredential(s.srv.TenantID(), appID, secret,
		&azidentity.ClientSecretCredentialOptions{ClientOptions: clientOpts, DisableInstanceDiscovery: true})
	if err != nil {
		t.Fatal(err)
	}
	groups, err := armresources.NewResourceGroupsClient(s.srv.SubscriptionID(), cred, &arm.ClientOptions{ClientOptions: clientOpts})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()

	_, err = groups.CreateOrUpdate(ctx, "sdk-rg", armresources.ResourceGroup{Location: to.Ptr("local")}, nil)
	var re *azcore.ResponseError
	if !errors.As(err, &re) || re.StatusCode != http.StatusForbidden || re.ErrorCode != "AuthorizationFailed" {
		t.Fatalf("without a role: err = %v", err)
	}

	mustRun(t, "role", "assignment", "create", "--assignee", appID, "--role", "Contributor", "--scope", "/subscriptions/"+s.srv.SubscriptionID())
	got, err := groups.CreateOrUpdate(ctx, "sdk-rg", armresources.ResourceGroup{Location: to.Ptr("local"), Tags: map[string]*string{"env": to.Ptr("ci")}}, nil)
	if err != nil {
		t.Fatalf("with Contributor: %v", err)
	}
	if got.ID == nil || *got.Name != "sdk-rg" || *got.Tags["env"] != "ci" {
		t.Fatalf("created group: %+v", got.ResourceGroup)
	}
	pager := groups.NewListPager(nil)
	found := false
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range page.Value {
			found = found || *g.Name == "sdk-rg"
		}
	}
	if !found {
		t.Fatal("the SDK's list does not contain the group it created")
	}
}
