// Command client calls the orders API with its own identity: under
// `lanyard run --app web` DefaultAzureCredential is the app's managed
// identity, on a laptop the developer's sign-in. It uses only the Azure SDK.
//
//	ORDERS_URL       the API, default http://127.0.0.1:8080
//	ORDERS_AUDIENCE  the API's audience, default api://orders
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := run(ctx); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context) error {
	cred, err := azidentity.NewDefaultAzureCredential(nil)
	if err != nil {
		return err
	}
	tok, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{envOr("ORDERS_AUDIENCE", "api://orders") + "/.default"}})
	if err != nil {
		return fmt.Errorf("token for the orders API: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, envOr("ORDERS_URL", "http://127.0.0.1:8080")+"/orders/7", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+tok.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("orders API: %s %s", resp.Status, body)
	}
	fmt.Printf("%s", body)
	return nil
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
