// Command tokenauth is a small orders API that accepts only Lanyard
// tokens for its audience and lets a caller read orders only when Lanyard
// RBAC grants it the custom data action Contoso.Orders/orders/read at the
// orders resource group. Its own managed identity asks Lanyard's
// check-access API, so it needs Reader (roleAssignments/read) there.
//
// Settings (environment):
//
//	LANYARD_ISSUER   issuer of accepted tokens; default: read from LANYARD_SERVER/lanyard/v1/info
//	LANYARD_SERVER   Lanyard's URL, e.g. https://127.0.0.1:8443
//	ORDERS_AUDIENCE  accepted audience (default api://orders)
//	ORDERS_SCOPE     resource ID the data action is checked at, e.g. /subscriptions/<id>/resourceGroups/orders
//	PORT             listen port (default 8080)
//
// SSL_CERT_FILE=lanyard-data/ca.crt makes Go trust Lanyard's CA.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/lanyardhq/lanyard/tokenauth"
)

const (
	readOrders  = "Contoso.Orders/orders/read"
	writeOrders = "Contoso.Orders/orders/write"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context) error {
	scope := os.Getenv("ORDERS_SCOPE")
	if scope == "" {
		return errors.New("set ORDERS_SCOPE to the resource ID to authorize at, e.g. /subscriptions/<id>/resourceGroups/orders")
	}
	issuer, err := issuerURL(ctx)
	if err != nil {
		return err
	}
	// Under `lanyard run --app orders-api` this is the app's managed identity.
	cred, err := azidentity.NewDefaultAzureCredential(nil)
	if err != nil {
		return fmt.Errorf("service credential: %w", err)
	}
	auth, err := tokenauth.New(ctx, tokenauth.Options{
		Issuer:     issuer,
		Audiences:  []string{envOr("ORDERS_AUDIENCE", "api://orders")},
		Credential: cred,
	})
	if err != nil {
		return err
	}
	at := func(*http.Request) string { return scope }
	mux := http.NewServeMux()
	mux.Handle("GET /orders/{id}", auth.Require(readOrders, at)(http.HandlerFunc(getOrder)))
	mux.Handle("POST /orders", auth.Require(writeOrders, at)(http.HandlerFunc(createOrder)))

	srv := &http.Server{Addr: ":" + envOr("PORT", "8080"), Handler: auth.Middleware(mux), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	log.Printf("orders API on %s, issuer %s, authorizing at %s", srv.Addr, issuer, scope)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func getOrder(w http.ResponseWriter, r *http.Request) {
	p, _ := tokenauth.FromContext(r.Context())
	writeJSON(w, http.StatusOK, map[string]any{"id": r.PathValue("id"), "item": "widget", "quantity": 3, "readBy": p.ObjectID})
}

func createOrder(w http.ResponseWriter, r *http.Request) {
	p, _ := tokenauth.FromContext(r.Context())
	writeJSON(w, http.StatusCreated, map[string]any{"id": "42", "createdBy": p.ObjectID})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// issuerURL is LANYARD_ISSUER, else the issuer Lanyard's info endpoint names.
func issuerURL(ctx context.Context) (string, error) {
	if iss := os.Getenv("LANYARD_ISSUER"); iss != "" {
		return iss, nil
	}
	server := strings.TrimSuffix(os.Getenv("LANYARD_SERVER"), "/")
	if server == "" {
		return "", errors.New("set LANYARD_ISSUER or LANYARD_SERVER")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, server+"/lanyard/v1/info", nil)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("read the issuer from %s: %w", server, err)
	}
	defer resp.Body.Close()
	var info struct {
		Issuer string `json:"issuer"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&info); err != nil || info.Issuer == "" {
		return "", fmt.Errorf("read the issuer from %s: status %s: %v", server, resp.Status, err)
	}
	return info.Issuer, nil
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
