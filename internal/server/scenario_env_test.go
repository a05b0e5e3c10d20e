package server_test

import (
	"path/filepath"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"

	"github.com/lanyardhq/lanyard/internal/server"
)

// seed is ARCHITECTURE.md §1's world, built through the CLI: a shared
// user-assigned identity, two storage accounts, a vault with a secret, and
// two apps using the identity (web1 also with a system-assigned one).
type seed struct {
	*miEnv
	shared        map[string]any // the identity resource
	acct1, acct2  string         // storage account resource IDs
	url1, url2    string         // their blob endpoints
	vaultID       string
	vaultURL      string
	web1SystemOID string
	secretName    string
	secretValue   string
	officer       azcore.TokenCredential // a service principal with Secrets Officer on the vault
	officerAppID  string
}

func newSeed(t *testing.T) *seed { return newSeedWith(t, nil) }

func newSeedWith(t *testing.T, configure func(*server.Config)) *seed {
	e := newMIEnvWith(t, configure)
	s := &seed{miEnv: e, secretName: "db-password", secretValue: "s3cr3t-" + t.Name()}
	s.shared = decode(t, mustRun(t, "identity", "create", "-g", e.rg, "-n", "shared"))
	for _, a := range []string{"seedstore1", "seedstore2"} {
		mustRun(t, "storage", "account", "create", "-g", e.rg, "-n", a)
	}
	s.acct1, s.acct2 = e.id("Microsoft.Storage/storageAccounts", "seedstore1"), e.id("Microsoft.Storage/storageAccounts", "seedstore2")
	s.url1, s.url2 = e.s.url+"/seedstore1", e.s.url+"/seedstore2"
	mustRun(t, "keyvault", "create", "-g", e.rg, "-n", "seed-vault")
	s.vaultID, s.vaultURL = e.id("Microsoft.KeyVault/vaults", "seed-vault"), e.s.url+"/vaults/seed-vault"

	clientID := str(s.shared, "properties", "clientId")
	for _, app := range []string{"web1", "web2"} {
		mustRun(t, "app", "create", "-g", e.rg, "-n", app)
		mustRun(t, "app", "config", "set", "-g", e.rg, "-n", app, "--settings",
			"Managed_Identity_Client_ID="+clientID, "STORAGE_ACCOUNT_1_URL="+s.url1, "STORAGE_ACCOUNT_2_URL="+s.url2,
			"VAULT_URL="+s.vaultURL, "SECRET_NAME="+s.secretName, "KEYVAULT_DISABLE_CHALLENGE_VERIFICATION=true", "APP_NAME="+app, "CONTAINER_NAME=shared")
	}
	mustRun(t, "app", "identity", "assign", "-g", e.rg, "-n", "web2", "--identities", "shared")
	ident := decode(t, mustRun(t, "app", "identity", "assign", "-g", e.rg, "-n", "web1", "--system-assigned", "--identities", "shared"))
	s.web1SystemOID = str(ident, "principalId")

	for _, a := range []string{s.acct1, s.acct2} {
		mustRun(t, "role", "assignment", "create", "--assignee", "shared", "--role", "Storage Blob Data Contributor", "--scope", a)
	}
	mustRun(t, "role", "assignment", "create", "--assignee", "shared", "--role", "Key Vault Secrets User", "--scope", s.vaultID)

	sp := decode(t, mustRun(t, "ad", "sp", "create", "--display-name", "seeder"))
	creds := decode(t, mustRun(t, "ad", "sp", "credential", "reset", "--id", sp["id"].(string)))
	mustRun(t, "role", "assignment", "create", "--assignee", creds["appId"].(string), "--role", "Key Vault Secrets Officer", "--scope", s.vaultID)
	s.officerAppID = creds["appId"].(string)
	s.officer = e.secretCredential(creds["appId"].(string), creds["password"].(string))
	kv := s.secrets(s.officer)
	if _, err := kv.SetSecret(t.Context(), s.secretName, azsecrets.SetSecretParameters{Value: &s.secretValue}, nil); err != nil {
		t.Fatalf("the officer sets the secret: %v", err)
	}
	return s
}

// blob is an unmodified azblob client for an account URL, trusting only
// Lanyard's CA.
func (s *seed) blob(url string, cred azcore.TokenCredential, audience string) *azblob.Client {
	s.t.Helper()
	c, err := azblob.NewClient(url, cred, &azblob.ClientOptions{Audience: audience, ClientOptions: azcore.ClientOptions{
		Transport: s.httpsClient(), Retry: policy.RetryOptions{MaxRetries: -1},
	}})
	if err != nil {
		s.t.Fatal(err)
	}
	return c
}

// secrets is an unmodified azsecrets client for the vault, path-style: the
// one client option path-style needs is DisableChallengeResourceVerification.
func (s *seed) secrets(cred azcore.TokenCredential) *azsecrets.Client {
	s.t.Helper()
	c, err := azsecrets.NewClient(s.vaultURL, cred, &azsecrets.ClientOptions{
		ClientOptions:                        azcore.ClientOptions{Transport: s.httpsClient(), Retry: policy.RetryOptions{MaxRetries: -1}},
		DisableChallengeResourceVerification: true,
	})
	if err != nil {
		s.t.Fatal(err)
	}
	return c
}

// secretCredential is an unmodified ClientSecretCredential against
// Lanyard's token service.
func (e *miEnv) secretCredential(appID, secret string) azcore.TokenCredential {
	e.t.Helper()
	cred, err := azidentity.NewClientSecretCredential(e.s.srv.TenantID(), appID, secret, &azidentity.ClientSecretCredentialOptions{
		ClientOptions:            azcore.ClientOptions{Cloud: cloud.Configuration{ActiveDirectoryAuthorityHost: e.s.url + "/"}, Transport: e.httpsClient()},
		DisableInstanceDiscovery: true,
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return cred
}

// runAs makes this process app's workload, as `lanyard run --app app`
// would: it opens a session on the built-in agent, points the App Service
// variables at it, and returns the ManagedIdentityCredential the seed's code
// builds from the app setting Managed_Identity_Client_ID.
func (s *seed) runAs(t *testing.T, app string) azcore.TokenCredential {
	t.Helper()
	info, err := session(t, filepath.Join(s.dataDir, server.AgentSocket), app)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("IDENTITY_ENDPOINT", info.IdentityEndpoint)
	t.Setenv("IDENTITY_HEADER", info.IdentityHeader)
	cred, err := azidentity.NewManagedIdentityCredential(&azidentity.ManagedIdentityCredentialOptions{
		ID: azidentity.ClientID(info.AppSettings["Managed_Identity_Client_ID"]),
	})
	if err != nil {
		t.Fatal(err)
	}
	return cred
}
