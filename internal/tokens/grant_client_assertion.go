package tokens

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/lanyardhq/lanyard/internal/store"
)

// ClientStore is what assertion grants read: the client and its credentials.
type ClientStore interface {
	GetPrincipalByClientID(ctx context.Context, clientID string) (store.Principal, error)
	ListCredentials(ctx context.Context, principalID string) ([]store.Credential, error)
}

// FederationKeys finds an external issuer's signing key (federation.Fetcher).
type FederationKeys interface {
	Key(ctx context.Context, issuer, kid string) (jose.JSONWebKey, error)
}

// clientAssertion is client_credentials with client_assertion (RFC 7523
// §2.2). The header decides the kind, as in Entra: a certificate thumbprint
// (x5t#S256 or x5t) means the client signed it with a registered
// certificate; anything else is a federated token from an external issuer.
func (h *Handler) clientAssertion(r *http.Request, form url.Values) (Claims, time.Duration, *oauthError) {
	if t := form.Get("client_assertion_type"); t != JWTBearer {
		if t == "" {
			return Claims{}, 0, missingParam("client_assertion_type")
		}
		return Claims{}, 0, badRequest("invalid_request", 70002, "The client_assertion_type '%s' is not supported; use '%s'.", truncate(t, 100), JWTBearer)
	}
	clientID := form.Get("client_id")
	if clientID == "" {
		return Claims{}, 0, missingParam("client_id")
	}
	aud, oerr := audienceFromScope(form.Get("scope"))
	if oerr != nil {
		return Claims{}, 0, oerr
	}
	a, err := parseAssertion(form.Get("client_assertion"))
	if err != nil {
		e := badRequest("invalid_client", 50027, "JWT token is invalid or malformed.")
		e.Err = err
		return Claims{}, 0, e
	}
	if h.cfg.Clients == nil {
		return Claims{}, 0, badRequest("invalid_request", 7000216, "Client assertions are not enabled on this server; use a client secret.")
	}
	p, creds, oerr := h.client(r.Context(), clientID)
	if oerr != nil {
		return Claims{}, 0, oerr
	}
	if a.thumbprint != nil {
		oerr = h.certificateAssertion(a, p, creds)
	} else {
		oerr = h.federatedAssertion(r.Context(), a, p, creds)
	}
	if oerr != nil {
		return Claims{}, 0, oerr
	}
	return appClaims(p, aud), h.cfg.AppLifetime, nil
}

// client loads the application (or identity) clientID names and its credentials.
func (h *Handler) client(ctx context.Context, clientID string) (store.Principal, []store.Credential, *oauthError) {
	if len(clientID) > 64 {
		return store.Principal{}, nil, badRequest("unauthorized_client", 700016, "Application with identifier '%s' was not found in the directory.", truncate(clientID, 64))
	}
	p, err := h.cfg.Clients.GetPrincipalByClientID(ctx, clientID)
	switch {
	case errors.Is(err, store.ErrNotFound) || err == nil && p.Kind != store.KindServicePrincipal && p.Kind != store.KindManagedIdentity:
		return store.Principal{}, nil, badRequest("unauthorized_client", 700016,
			"Application with identifier '%s' was not found in the directory '%s'.", clientID, h.cfg.TenantID)
	case err != nil:
		return store.Principal{}, nil, serverError(fmt.Errorf("look up client: %w", err))
	case p.Disabled:
		return store.Principal{}, nil, badRequest("unauthorized_client", 7000112, "Application '%s' is disabled.", clientID)
	}
	creds, err := h.cfg.Clients.ListCredentials(ctx, p.ID)
	if err != nil {
		return store.Principal{}, nil, serverError(fmt.Errorf("list credentials: %w", err))
	}
	return p, creds, nil
}

// appClaims are the claims of an application's (or managed identity's) token.
func appClaims(p store.Principal, aud string) Claims {
	c := Claims{
		Audience: aud, ObjectID: p.ID, Subject: p.ID,
		AppID: p.ClientID, AuthorizedParty: p.ClientID, IdentityType: IdentityApp,
		AppDisplayName: p.DisplayName,
	}
	if p.Kind == store.KindManagedIdentity {
		c.ManagedIdentityResourceID = p.ResourceID
	}
	return c
}

// tokenEndpoints are the audiences a certificate assertion may name: this
// tenant's v2 and v1 token endpoints under its ID, "common" or
// "organizations", and its issuer, as Entra accepts.
func (h *Handler) tokenEndpoints() []string {
	var out []string
	for _, t := range []string{h.cfg.TenantID, "common", "organizations"} {
		base := h.cfg.BaseURL + "/" + t
		out = append(out, base+"/oauth2/v2.0/token", base+"/oauth2/token")
	}
	if h.cfg.Issuer != nil {
		out = append(out, h.cfg.Issuer.URL())
	}
	return out
}

func (h *Handler) audienceIsUs(auds []string) bool {
	ours := h.tokenEndpoints()
	for _, a := range auds {
		if slices.ContainsFunc(ours, func(o string) bool { return strings.EqualFold(o, a) }) {
			return true
		}
	}
	return false
}

func serverError(err error) *oauthError {
	return &oauthError{Status: http.StatusInternalServerError, Code: "server_error", AADSTS: 50000,
		Description: "There was an error checking the credentials.", Err: err}
}

func invalidClient(aadsts int, err error, format string, args ...any) *oauthError {
	return &oauthError{Status: http.StatusUnauthorized, Code: "invalid_client", AADSTS: aadsts,
		Description: fmt.Sprintf(format, args...), Err: err}
}
