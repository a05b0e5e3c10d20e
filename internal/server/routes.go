package server

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/lanyardhq/lanyard/internal/access"
	"github.com/lanyardhq/lanyard/internal/arm"
	"github.com/lanyardhq/lanyard/internal/dataplane"
	"github.com/lanyardhq/lanyard/internal/directory"
	"github.com/lanyardhq/lanyard/internal/hosts"
	"github.com/lanyardhq/lanyard/internal/resources"
	"github.com/lanyardhq/lanyard/internal/tokens"
)

// surface is every HTTP component of the server.
type surface struct {
	info      info
	tokens    *tokens.Handler
	directory *directory.Handler
	resources *resources.Handler
	access    *access.Handler
	hosts     *hosts.Handler
	data      *dataRouter // blob storage and the secrets vault
	// requireToken authenticates management-plane requests.
	requireToken func(http.Handler) http.Handler
	ready        func(*http.Request) error
}

// info is the unauthenticated, non-secret description of this server that
// the CLI reads before signing in.
type info struct {
	TenantID              string `json:"tenantId"`
	DefaultSubscriptionID string `json:"defaultSubscriptionId"`
	Issuer                string `json:"issuer"`
	ManagementAudience    string `json:"managementAudience"`
	CLIClientID           string `json:"cliClientId"`
}

// routes lists Lanyard's whole HTTP surface on one screen.
//
// ARM paths ("/subscriptions/...", "/providers/...") and the directory's
// "/v1.0/..." are dispatched before the ServeMux: their first segment would
// otherwise collide with the token service's "/{tenant}/..." patterns (the
// mux panics on such overlaps), and ARM matches keywords case-insensitively,
// which ServeMux cannot.
func routes(s surface) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		arm.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if err := s.ready(r); err != nil {
			slog.WarnContext(r.Context(), "not ready", "err", err)
			arm.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
			return
		}
		arm.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /lanyard/v1/info", func(w http.ResponseWriter, r *http.Request) {
		arm.WriteJSON(w, http.StatusOK, s.info)
	})

	// Token service (Entra-shaped): OIDC discovery, JWKS, token endpoint.
	s.tokens.Routes(mux)
	// Host agents: CA download, join, renew (mutual TLS), and the fabric
	// API through which agents obtain managed-identity tokens.
	s.hosts.Routes(mux)

	// Everything below needs a management-plane bearer token.
	authed := http.NewServeMux()
	s.directory.Routes(authed) // /v1.0/... (Graph-shaped)
	s.access.Routes(authed)    // POST /lanyard/v1/checkAccess
	authedHandler := s.requireToken(authed)

	rt := arm.NewRouter()
	s.resources.Register(rt) // subscriptions, groups, identities, sites, VMs, storage, vaults
	s.access.Register(rt)    // roleDefinitions, roleAssignments, permissions
	s.hosts.Register(rt)     // virtualMachines/{vm}/joinToken, /revokeAgent
	armHandler := s.requireToken(rt)

	return recoverPanics(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Every body, on every route, may stall at most bodyIdle: the server
		// has no ReadTimeout, since uploads may take as long as they need.
		dataplane.IdleBody(w, r, bodyIdle)
		// Data planes first: a host-style name ({account}.blob.{domain})
		// owns its whole path. Path-style accounts never shadow the paths
		// below, whose first segments no account may take.
		if s.data != nil && s.data.route(w, r) {
			return
		}
		switch {
		case isARMPath(r.URL.Path):
			armHandler.ServeHTTP(w, r)
			return
		case strings.HasPrefix(r.URL.Path, "/v1.0/") || r.URL.Path == "/lanyard/v1/checkAccess":
			authedHandler.ServeHTTP(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	}))
}

// bodyIdle is how long a request body may stall (see dataplane.IdleBody);
// bodies of any size pass if they keep moving.
const bodyIdle = time.Minute

func isARMPath(p string) bool {
	lp := strings.ToLower(p)
	return lp == "/subscriptions" || strings.HasPrefix(lp, "/subscriptions/") || strings.HasPrefix(lp, "/providers/")
}

// recoverPanics turns a handler panic into a 500 with ARM's body instead of a
// dropped connection, and logs it.
func recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				slog.ErrorContext(r.Context(), "handler panic", "method", r.Method, "path", r.URL.Path, "panic", v)
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusInternalServerError)
				_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": "InternalServerError", "message": "internal error"}})
			}
		}()
		next.ServeHTTP(w, r)
	})
}
