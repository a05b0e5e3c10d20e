package tokens

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// MaxFormSize bounds the token request body.
const MaxFormSize = 64 << 10

// tokenResponse is the success body. scope, id_token and client_info are
// deliberately absent: MSAL rejects values it cannot parse or match.
type tokenResponse struct {
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	ExtExpiresIn int64  `json:"ext_expires_in"`
	AccessToken  string `json:"access_token"`
}

// token is POST /{tenant}/oauth2/v2.0/token. Each grant lives in its own file.
func (h *Handler) token(w http.ResponseWriter, r *http.Request, _ string) {
	form, oerr := readForm(w, r)
	if oerr == nil {
		var c Claims
		var lifetime time.Duration
		switch gt := form.Get("grant_type"); gt {
		case "":
			oerr = missingParam("grant_type")
		case "client_credentials":
			c, lifetime, oerr = h.clientCredentials(r, form)
		case "password":
			c, lifetime, oerr = h.password(r, form)
		default:
			oerr = badRequest("unsupported_grant_type", 70003, "The app requested an unsupported grant type '%s'.", truncate(gt, 64))
		}
		if oerr == nil {
			oerr = h.issue(w, c, lifetime)
		}
	}
	if oerr != nil {
		writeOAuthError(w, r, oerr, h.cfg.Now())
	}
}

func (h *Handler) issue(w http.ResponseWriter, c Claims, lifetime time.Duration) *oauthError {
	raw, _, err := h.cfg.Issuer.Mint(c, lifetime)
	if err != nil {
		return &oauthError{Status: http.StatusInternalServerError, Code: "server_error", AADSTS: 50000,
			Description: "There was an error issuing a token.", Err: err}
	}
	n := int64(lifetime / time.Second)
	writeJSON(w, http.StatusOK, tokenResponse{TokenType: "Bearer", ExpiresIn: n, ExtExpiresIn: n, AccessToken: raw})
	return nil
}

// readForm reads the urlencoded body (never the query string, so secrets in
// URLs are not honoured) and refuses repeated parameters, which could
// otherwise be read differently by different layers.
func readForm(w http.ResponseWriter, r *http.Request) (url.Values, *oauthError) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/x-www-form-urlencoded" {
		return nil, badRequest("invalid_request", 900144, "The request body must be application/x-www-form-urlencoded.")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxFormSize))
	if err != nil {
		return nil, badRequest("invalid_request", 90020, "The request body could not be read or is larger than %d bytes.", MaxFormSize)
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, badRequest("invalid_request", 90014, "The request body is not valid form data.")
	}
	for k, v := range form {
		if len(v) > 1 {
			return nil, badRequest("invalid_request", 90015, "The parameter '%s' is duplicated.", truncate(k, 64))
		}
	}
	return form, nil
}

// ignoredScopes are OIDC scopes MSAL always adds; they ask for nothing an
// access token carries.
var ignoredScopes = map[string]bool{"openid": true, "offline_access": true, "profile": true, "email": true}

var resourceRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*://[^\s"\\]+$|^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$`)

// audienceFromScope returns the resource a scope parameter asks for: the one
// "<resource>/.default" among the scopes, so
// "https://management.azure.com//.default" gives "https://management.azure.com/".
func audienceFromScope(scope string) (string, *oauthError) {
	if strings.TrimSpace(scope) == "" {
		return "", missingParam("scope")
	}
	var res []string
	for _, s := range strings.Fields(scope) {
		if ignoredScopes[strings.ToLower(s)] {
			continue
		}
		aud, ok := strings.CutSuffix(s, "/.default")
		if !ok || len(aud) > 512 || !resourceRE.MatchString(aud) {
			return "", badRequest("invalid_scope", 70011,
				"The provided value for the input parameter 'scope' is not valid. The scope %s is not valid; use '<resource>/.default'.", truncate(s, 128))
		}
		res = append(res, aud)
	}
	if len(res) != 1 {
		return "", badRequest("invalid_scope", 70011,
			"The provided value for the input parameter 'scope' is not valid. Request a token for exactly one resource ('<resource>/.default').")
	}
	return res[0], nil
}

func writeBody(w http.ResponseWriter, v any) {
	_ = json.NewEncoder(w).Encode(v)
}

// authFailure maps an Authenticator error: wrong credentials become the
// given client error, anything else a 500 whose cause is only logged.
func authFailure(err error, wrong *oauthError) *oauthError {
	if errors.Is(err, ErrInvalidCredentials) {
		wrong.Err = err
		return wrong
	}
	return &oauthError{Status: http.StatusInternalServerError, Code: "server_error", AADSTS: 50000,
		Description: "There was an error checking the credentials.", Err: err}
}
