// Command multiidentity is the seed scenario "multiple managed identities":
// one app holding three identities, each used for what it was granted:
//   - a user-assigned identity for storage (Managed_Identity_Client_ID_Storage),
//     shared by the two blob clients;
//   - a second user-assigned identity for databases
//     (Managed_Identity_Client_ID_Databases): the program gets a token for a
//     database audience, as a database driver would, and prints its
//     non-secret claims;
//   - the app's system-assigned identity (no client ID) for Key Vault.
//
// Other app settings: STORAGE_ACCOUNT_1_URL, STORAGE_ACCOUNT_2_URL,
// CONTAINER_NAME (default "shared"), VAULT_URL, SECRET_NAME,
// KEYVAULT_DISABLE_CHALLENGE_VERIFICATION, DATABASE_SCOPE (default
// https://ossrdbms-aad.database.windows.net/.default).
package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
)

// report is the one line of JSON the program prints: no token and no
// secret value, only what shows which identity did what.
type report struct {
	Storage  map[string][]string `json:"storage"`  // account URL → blobs listed with the storage identity
	Database map[string]any      `json:"database"` // claims of the databases identity's token
	Vault    struct {
		Secret string `json:"secret"`
		Length int    `json:"length"`
	} `json:"vault"` // read with the system-assigned identity
}

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "multiidentity:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	rep := report{Storage: map[string][]string{}}

	// One credential per identity, each named by its client ID; the
	// system-assigned identity is the one without an ID.
	storageID, err := required("Managed_Identity_Client_ID_Storage")
	if err != nil {
		return err
	}
	credStorage, err := azidentity.NewManagedIdentityCredential(&azidentity.ManagedIdentityCredentialOptions{ID: azidentity.ClientID(storageID)})
	if err != nil {
		return err
	}
	databasesID, err := required("Managed_Identity_Client_ID_Databases")
	if err != nil {
		return err
	}
	credDatabases, err := azidentity.NewManagedIdentityCredential(&azidentity.ManagedIdentityCredentialOptions{ID: azidentity.ClientID(databasesID)})
	if err != nil {
		return err
	}
	credSystem, err := azidentity.NewManagedIdentityCredential(nil)
	if err != nil {
		return err
	}

	container := os.Getenv("CONTAINER_NAME")
	if container == "" {
		container = "shared"
	}
	for _, setting := range []string{"STORAGE_ACCOUNT_1_URL", "STORAGE_ACCOUNT_2_URL"} {
		accountURL, err := required(setting)
		if err != nil {
			return err
		}
		names, err := listBlobs(ctx, credStorage, accountURL, container)
		if err != nil {
			return fmt.Errorf("%s (%s): %w", setting, accountURL, err)
		}
		rep.Storage[accountURL] = names
	}

	scope := os.Getenv("DATABASE_SCOPE")
	if scope == "" {
		scope = "https://ossrdbms-aad.database.windows.net/.default"
	}
	if rep.Database, err = databaseClaims(ctx, credDatabases, scope); err != nil {
		return err
	}

	if rep.Vault.Secret, err = required("SECRET_NAME"); err != nil {
		return err
	}
	if rep.Vault.Length, err = secretLength(ctx, credSystem, rep.Vault.Secret); err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(rep)
}

func listBlobs(ctx context.Context, cred azcore.TokenCredential, accountURL, container string) ([]string, error) {
	client, err := azblob.NewClient(accountURL, cred, nil)
	if err != nil {
		return nil, err
	}
	names := []string{}
	for pager := client.NewListBlobsFlatPager(container, nil); pager.More(); {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, b := range page.Segment.BlobItems {
			names = append(names, *b.Name)
		}
	}
	return names, nil
}

// databaseClaims gets a token as a database driver's token callback would
// (PostgreSQL and MySQL flexible servers accept this audience) and returns
// the claims that show whose token it is. An app should not rely on a
// token's contents; this is a demonstration, and it never prints the token.
func databaseClaims(ctx context.Context, cred azcore.TokenCredential, scope string) (map[string]any, error) {
	tok, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{scope}})
	if err != nil {
		return nil, fmt.Errorf("token for %s: %w", scope, err)
	}
	parts := strings.Split(tok.Token, ".")
	if len(parts) != 3 {
		return nil, errors.New("the database token is not a JWT")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, fmt.Errorf("the database token's payload: %w", err)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		return nil, fmt.Errorf("the database token's payload: %w", err)
	}
	return map[string]any{"aud": claims["aud"], "oid": claims["oid"], "xms_mirid": claims["xms_mirid"]}, nil
}

// secretLength reads the secret with the system-assigned identity. As in
// the sharedidentity example, path-style vault URLs need the one option
// KEYVAULT_DISABLE_CHALLENGE_VERIFICATION=true turns on.
func secretLength(ctx context.Context, cred azcore.TokenCredential, name string) (int, error) {
	vaultURL, err := required("VAULT_URL")
	if err != nil {
		return 0, err
	}
	client, err := azsecrets.NewClient(vaultURL, cred, &azsecrets.ClientOptions{
		DisableChallengeResourceVerification: os.Getenv("KEYVAULT_DISABLE_CHALLENGE_VERIFICATION") == "true",
	})
	if err != nil {
		return 0, err
	}
	resp, err := client.GetSecret(ctx, name, "", nil)
	if err != nil {
		return 0, fmt.Errorf("reading secret %s with the system-assigned identity: %w", name, err)
	}
	if resp.Value == nil {
		return 0, nil
	}
	return len(*resp.Value), nil
}

func required(name string) (string, error) {
	if v := os.Getenv(name); v != "" {
		return v, nil
	}
	return "", fmt.Errorf("the app setting %s is not set", name)
}
