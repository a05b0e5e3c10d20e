package tokens

import (
	"net/http"
	"net/url"
	"time"

	"github.com/lanyardhq/lanyard/internal/store"
)

// clientCredentials is grant_type=client_credentials with a client secret
// in the form (client_secret_post) or in HTTP Basic (client_secret_basic).
func (h *Handler) clientCredentials(r *http.Request, form url.Values) (Claims, time.Duration, *oauthError) {
	clientID, secret := form.Get("client_id"), form.Get("client_secret")
	if form.Has("client_assertion") || form.Has("client_assertion_type") {
		if _, _, basic := r.BasicAuth(); basic || secret != "" {
			return Claims{}, 0, badRequest("invalid_request", 90023, "Use only one client authentication method: client_assertion, client_secret or the Authorization header.")
		}
		return h.clientAssertion(r, form)
	}
	if user, pass, ok := r.BasicAuth(); ok {
		// RFC 6749 §2.3.1: Basic credentials are form-encoded first.
		u, err1 := url.QueryUnescape(user)
		p, err2 := url.QueryUnescape(pass)
		switch {
		case err1 != nil || err2 != nil:
			return Claims{}, 0, badRequest("invalid_request", 900144, "The Authorization header is malformed.")
		case secret != "":
			return Claims{}, 0, badRequest("invalid_request", 90023, "Use only one client authentication method, not both the Authorization header and client_secret.")
		case clientID != "" && clientID != u:
			return Claims{}, 0, badRequest("invalid_request", 90023, "The client_id parameter does not match the Authorization header.")
		}
		clientID, secret = u, p
	}
	if clientID == "" {
		return Claims{}, 0, missingParam("client_id")
	}
	if secret == "" {
		return Claims{}, 0, badRequest("invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
	}
	aud, oerr := audienceFromScope(form.Get("scope"))
	if oerr != nil {
		return Claims{}, 0, oerr
	}
	p, err := h.cfg.Auth.AuthenticateClientSecret(r.Context(), clientID, secret)
	if err != nil {
		return Claims{}, 0, authFailure(err, &oauthError{Status: http.StatusUnauthorized, Code: "invalid_client", AADSTS: 7000215,
			Description: "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID."})
	}
	if p.Kind != store.KindServicePrincipal && p.Kind != store.KindManagedIdentity || p.Disabled {
		return Claims{}, 0, &oauthError{Status: http.StatusUnauthorized, Code: "invalid_client", AADSTS: 7000215,
			Description: "Invalid client secret provided.", Err: errKind(p)}
	}
	return appClaims(p, aud), h.cfg.AppLifetime, nil
}
