package tokens

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/lanyardhq/lanyard/internal/store"
)

// publicClients may use the password grant: Lanyard's CLI and the Azure CLI.
var publicClients = map[string]bool{CLIClientID: true, AzureCLIClientID: true}

// password is grant_type=password (resource-owner password credentials),
// for people signing in through a public client.
func (h *Handler) password(r *http.Request, form url.Values) (Claims, time.Duration, *oauthError) {
	clientID := strings.ToLower(form.Get("client_id"))
	switch {
	case clientID == "":
		return Claims{}, 0, missingParam("client_id")
	case !publicClients[clientID]:
		return Claims{}, 0, badRequest("unauthorized_client", 700016,
			"Application with identifier '%s' was not found in the directory, or is not a public client that may use the password grant.", truncate(clientID, 64))
	case form.Get("client_secret") != "" || form.Get("client_assertion") != "":
		return Claims{}, 0, badRequest("invalid_request", 700025, "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.")
	}
	user, pass := form.Get("username"), form.Get("password")
	if user == "" {
		return Claims{}, 0, missingParam("username")
	}
	if pass == "" {
		return Claims{}, 0, missingParam("password")
	}
	aud, oerr := audienceFromScope(form.Get("scope"))
	if oerr != nil {
		return Claims{}, 0, oerr
	}
	p, err := h.cfg.Auth.AuthenticateUser(r.Context(), user, pass)
	if err != nil {
		return Claims{}, 0, authFailure(err, badRequest("invalid_grant", 50126, "Error validating credentials due to invalid username or password."))
	}
	if p.Kind != store.KindUser || p.Disabled {
		oerr := badRequest("invalid_grant", 50126, "Error validating credentials due to invalid username or password.")
		oerr.Err = errKind(p)
		return Claims{}, 0, oerr
	}
	return Claims{
		Audience: aud, ObjectID: p.ID, Subject: p.ID,
		AppID: clientID, AuthorizedParty: clientID, IdentityType: IdentityUser,
		Name: p.DisplayName, PreferredUsername: p.UserName, Scope: "user_impersonation",
	}, h.cfg.UserLifetime, nil
}

// errKind explains (in the log only) why an authenticated principal cannot
// use a grant.
func errKind(p store.Principal) error {
	return fmt.Errorf("principal %s is a %s (disabled=%v), not allowed for this grant", p.ID, p.Kind, p.Disabled)
}
