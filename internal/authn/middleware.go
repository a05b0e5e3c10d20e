package authn

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/lanyardhq/lanyard/internal/arm"
	"github.com/lanyardhq/lanyard/internal/tokens"
)

// Middleware requires a valid bearer token for one of audiences and puts the
// Caller in the request context. Failures are ARM's 401s, with the
// WWW-Authenticate challenge azcore and az understand; authorityURL is the
// token service's tenant authority, e.g. "https://host/<tenant>".
func Middleware(v *tokens.Verifier, audiences []string, authorityURL string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			raw, ok := BearerToken(r)
			if !ok {
				deny(w, r, authorityURL, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.", nil)
				return
			}
			c, err := v.Verify(raw)
			switch {
			case errors.Is(err, tokens.ErrExpiredToken):
				deny(w, r, authorityURL, "ExpiredAuthenticationToken", "The access token expiry UTC time is earlier than current UTC time.", err)
				return
			case err != nil:
				deny(w, r, authorityURL, "InvalidAuthenticationToken", "The access token is invalid.", err)
				return
			case !c.HasAudience(audiences...):
				deny(w, r, authorityURL, "InvalidAuthenticationTokenAudience",
					fmt.Sprintf("The access token has been obtained for wrong audience or resource '%s'. It should exactly match with one of the allowed audiences '%s'.",
						clean(c.Audience), strings.Join(audiences, "', '")), nil)
				return
			}
			name := c.DisplayName()
			clientID := c.AppID
			if clientID == "" {
				clientID = c.AuthorizedParty
			}
			ctx := WithCaller(r.Context(), Caller{
				PrincipalID: c.ObjectID, TenantID: c.TenantID, Name: name, ClientID: clientID,
				IdentityType: c.IdentityType, Audience: c.Audience,
			})
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

// deny writes the 401. The verification error is the logged cause only: it
// may name keys or issuers an attacker should not learn about.
func deny(w http.ResponseWriter, r *http.Request, authority, code, msg string, cause error) {
	w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer authorization_uri="%s", error="invalid_token", error_description="%s"`,
		clean(authority), clean(msg)))
	arm.WriteError(w, r, &arm.Error{Status: http.StatusUnauthorized, Code: code, Message: msg, Err: cause})
}

// clean makes s safe inside a quoted header parameter and bounded in size.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '"' || r == '\\' || r < 0x20 || r == 0x7f {
			return '\''
		}
		return r
	}, s)
	if len(s) > 256 {
		s = s[:256]
	}
	return s
}
