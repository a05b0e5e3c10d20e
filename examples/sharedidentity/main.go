// Command sharedidentity is the seed scenario "credential-free connections
// between multiple services": one program, deployed as two apps that share
// one user-assigned managed identity, writes a blob named after its app to
// two storage accounts, reads the other app's blob, and reads a Key Vault
// secret. It imports only the Azure SDK, so the same code runs on Azure.
//
// App settings (environment): APP_NAME (or -app), Managed_Identity_Client_ID,
// STORAGE_ACCOUNT_1_URL, STORAGE_ACCOUNT_2_URL, VAULT_URL, SECRET_NAME,
// CONTAINER_NAME (default "shared") and KEYVAULT_DISABLE_CHALLENGE_VERIFICATION.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/bloberror"
)

// report is the one line of JSON the program prints. It never holds the
// secret's value, only its length.
type report struct {
	App      string              `json:"app"`
	Identity string              `json:"identity"`
	Wrote    []string            `json:"wrote"`
	Read     map[string]string   `json:"read"`
	Listed   map[string][]string `json:"listed"`
	Secret   struct {
		Name    string `json:"name"`
		Version string `json:"version"`
		Length  int    `json:"length"`
	} `json:"secret"`
}

func main() {
	app := flag.String("app", os.Getenv("APP_NAME"), "this app's name (default $APP_NAME)")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx, *app); err != nil {
		fmt.Fprintln(os.Stderr, "sharedidentity:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, app string) error {
	if app == "" {
		return errors.New("set APP_NAME or pass -app")
	}
	rep := report{App: app, Read: map[string]string{}, Listed: map[string][]string{}}
	cred, err := credential(&rep)
	if err != nil {
		return err
	}
	container := env("CONTAINER_NAME", "shared")
	for _, setting := range []string{"STORAGE_ACCOUNT_1_URL", "STORAGE_ACCOUNT_2_URL"} {
		accountURL, err := required(setting)
		if err != nil {
			return err
		}
		if err := useAccount(ctx, cred, accountURL, container, app, &rep); err != nil {
			return fmt.Errorf("%s (%s): %w", setting, accountURL, err)
		}
	}
	if err := readSecret(ctx, cred, &rep); err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(rep)
}

// credential mirrors the seed's code: the client ID of the shared identity
// comes from the app setting Managed_Identity_Client_ID. Go's
// DefaultAzureCredentialOptions has no ManagedIdentityClientId (it reads
// AZURE_CLIENT_ID instead), so with the setting present the program asks
// ManagedIdentityCredential for that identity directly; without it,
// DefaultAzureCredential (e.g. a developer's az login) is used.
func credential(rep *report) (azcore.TokenCredential, error) {
	if id := os.Getenv("Managed_Identity_Client_ID"); id != "" {
		rep.Identity = "user-assigned " + id
		return azidentity.NewManagedIdentityCredential(&azidentity.ManagedIdentityCredentialOptions{
			ID: azidentity.ClientID(id),
		})
	}
	rep.Identity = "DefaultAzureCredential"
	return azidentity.NewDefaultAzureCredential(nil)
}

// useAccount writes <app>.txt, lists the container and reads every other
// app's blob. The container is created on first use.
func useAccount(ctx context.Context, cred azcore.TokenCredential, accountURL, container, app string, rep *report) error {
	client, err := azblob.NewClient(accountURL, cred, nil)
	if err != nil {
		return err
	}
	if _, err := client.CreateContainer(ctx, container, nil); err != nil && !bloberror.HasCode(err, bloberror.ContainerAlreadyExists) {
		return fmt.Errorf("creating container %s: %w", container, err)
	}
	name := app + ".txt"
	body := fmt.Sprintf("written by %s at %s", app, time.Now().UTC().Format(time.RFC3339))
	if _, err := client.UploadBuffer(ctx, container, name, []byte(body), nil); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	rep.Wrote = append(rep.Wrote, strings.TrimSuffix(accountURL, "/")+"/"+container+"/"+name)
	var names []string
	for pager := client.NewListBlobsFlatPager(container, nil); pager.More(); {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("listing %s: %w", container, err)
		}
		for _, b := range page.Segment.BlobItems {
			names = append(names, *b.Name)
		}
	}
	rep.Listed[accountURL] = names
	for _, other := range names {
		if other == name || !strings.HasSuffix(other, ".txt") {
			continue
		}
		resp, err := client.DownloadStream(ctx, container, other, nil)
		if err != nil {
			return fmt.Errorf("reading %s: %w", other, err)
		}
		var buf bytes.Buffer
		_, err = io.Copy(&buf, io.LimitReader(resp.Body, 4096))
		resp.Body.Close()
		if err != nil {
			return fmt.Errorf("reading %s: %w", other, err)
		}
		rep.Read[strings.TrimSuffix(accountURL, "/")+"/"+container+"/"+other] = buf.String()
	}
	return nil
}

// readSecret reads SECRET_NAME from VAULT_URL. The one client option that
// differs between addressing styles is explicit here: a path-style vault
// URL (https://server/vaults/<vault>) is not a subdomain of the resource
// the vault's challenge names, so the app setting
// KEYVAULT_DISABLE_CHALLENGE_VERIFICATION=true turns the check off;
// host-style (https://<vault>.vault.<domain>) needs nothing, as on Azure.
func readSecret(ctx context.Context, cred azcore.TokenCredential, rep *report) error {
	vaultURL, err := required("VAULT_URL")
	if err != nil {
		return err
	}
	name, err := required("SECRET_NAME")
	if err != nil {
		return err
	}
	client, err := azsecrets.NewClient(vaultURL, cred, &azsecrets.ClientOptions{
		DisableChallengeResourceVerification: os.Getenv("KEYVAULT_DISABLE_CHALLENGE_VERIFICATION") == "true",
	})
	if err != nil {
		return err
	}
	resp, err := client.GetSecret(ctx, name, "", nil)
	if err != nil {
		return fmt.Errorf("reading secret %s: %w", name, err)
	}
	rep.Secret.Name = name
	if resp.ID != nil {
		// The ID's last segment; ID.Version() assumes a vault URL without
		// a path, which path-style is not.
		if u, err := url.Parse(string(*resp.ID)); err == nil {
			rep.Secret.Version = path.Base(u.Path)
		}
	}
	if resp.Value != nil {
		rep.Secret.Length = len(*resp.Value)
	}
	return nil
}

func required(name string) (string, error) {
	if v := os.Getenv(name); v != "" {
		return v, nil
	}
	return "", fmt.Errorf("the app setting %s is not set", name)
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
