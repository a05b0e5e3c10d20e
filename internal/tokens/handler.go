package tokens

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/lanyardhq/lanyard/internal/signing"
	"github.com/lanyardhq/lanyard/internal/store"
)

// ErrInvalidCredentials is returned (possibly wrapped) by an Authenticator
// when the user name, password, client ID or secret is wrong. Any other
// error is treated as a server failure.
var ErrInvalidCredentials = errors.New("invalid credentials")

// Authenticator checks credentials against the directory.
type Authenticator interface {
	AuthenticateUser(ctx context.Context, userName, password string) (store.Principal, error)
	AuthenticateClientSecret(ctx context.Context, clientID, secret string) (store.Principal, error)
}

// DefaultLifetime is the access-token lifetime when none is configured.
const DefaultLifetime = time.Hour

// Config holds the Handler's dependencies.
type Config struct {
	BaseURL  string // e.g. "https://127.0.0.1:8443", no trailing path
	TenantID string
	Issuer   *Issuer
	Keys     *signing.KeySet
	Auth     Authenticator
	// UserLifetime and AppLifetime default to DefaultLifetime.
	UserLifetime time.Duration
	AppLifetime  time.Duration
	Now          func() time.Time
	// Clients finds a client's certificate and federated credentials for
	// client_assertion; nil refuses assertions. A store.Store will do.
	Clients ClientStore
	// Federation fetches external issuers' signing keys for federated
	// assertions; nil refuses them (*federation.Fetcher will do).
	Federation FederationKeys
	// ReplayCapacity bounds the certificate-assertion jti cache; 0 → DefaultReplayCapacity.
	ReplayCapacity int
}

// Handler serves the OIDC discovery document, the JWKS and the token endpoint.
type Handler struct {
	cfg    Config
	replay *replayCache
}

// NewHandler returns a Handler, filling defaults.
func NewHandler(cfg Config) *Handler {
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	if cfg.UserLifetime <= 0 {
		cfg.UserLifetime = DefaultLifetime
	}
	if cfg.AppLifetime <= 0 {
		cfg.AppLifetime = DefaultLifetime
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.ReplayCapacity <= 0 {
		cfg.ReplayCapacity = DefaultReplayCapacity
	}
	return &Handler{cfg: cfg, replay: newReplayCache(cfg.ReplayCapacity)}
}

// Routes mounts the token service's endpoints.
func (h *Handler) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /{tenant}/v2.0/.well-known/openid-configuration", h.tenant(h.discovery))
	mux.HandleFunc("GET /{tenant}/discovery/v2.0/keys", h.tenant(h.jwks))
	mux.HandleFunc("POST /{tenant}/oauth2/v2.0/token", h.tenant(h.token))
}

// tenant rejects tenants other than ours, "common" and "organizations".
func (h *Handler) tenant(next func(http.ResponseWriter, *http.Request, string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		t := r.PathValue("tenant")
		switch {
		case strings.EqualFold(t, h.cfg.TenantID):
			t = h.cfg.TenantID
		case strings.EqualFold(t, "common"), strings.EqualFold(t, "organizations"):
			t = strings.ToLower(t)
		default:
			writeOAuthError(w, r, badRequest("invalid_request", 90002,
				"Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.",
				truncate(t, 64)), h.cfg.Now())
			return
		}
		next(w, r, t)
	}
}

func (h *Handler) discovery(w http.ResponseWriter, r *http.Request, tenant string) {
	base := h.cfg.BaseURL + "/" + tenant
	doc := map[string]any{
		"issuer":                                h.cfg.Issuer.URL(),
		"authorization_endpoint":                base + "/oauth2/v2.0/authorize",
		"token_endpoint":                        base + "/oauth2/v2.0/token",
		"jwks_uri":                              base + "/discovery/v2.0/keys",
		"response_types_supported":              []string{"code", "id_token", "code id_token", "id_token token"},
		"subject_types_supported":               []string{"pairwise"},
		"id_token_signing_alg_values_supported": []string{signing.RS256, signing.ES256},
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "client_secret_basic", "private_key_jwt"},
		"grant_types_supported":                 []string{"client_credentials", "password"},
		"scopes_supported":                      []string{"openid", "profile", "email", "offline_access"},
		"tenant_region_scope":                   nil,
		"claims_supported":                      []string{"aud", "iss", "iat", "nbf", "exp", "oid", "sub", "tid", "appid", "azp", "idtyp", "uti", "ver", "name", "preferred_username", "scp", "xms_mirid"},
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "max-age=86400, private")
	writeBody(w, doc)
}

func (h *Handler) jwks(w http.ResponseWriter, r *http.Request, _ string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	// Short enough that a verifier sees a rotated key well before it signs.
	w.Header().Set("Cache-Control", "max-age=300, public")
	_, _ = w.Write(h.cfg.Keys.JWKS())
}
