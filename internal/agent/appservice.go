package agent

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/lanyardhq/lanyard/internal/fabric"
)

// The App Service protocol (PROTOCOLS.md §1.4): GET IDENTITY_ENDPOINT with
// X-IDENTITY-HEADER, api-version 2019-08-01. Its errors are
// {"statusCode":N,"message":"..."}, the shape App Service itself returns
// (e.g. {"statusCode":400,"message":"Unable to load the proper Managed
// Identity.",...}, quoted in github.com/Azure/azure-sdk-for-net/issues/43691).
// The SDKs treat every non-200 here as a final authentication failure
// (§1.7), so client errors are 400 (401 for the header) and only a real
// server failure is 5xx.
const (
	appServicePath    = "/msi/token"
	appServiceVersion = "2019-08-01"
	identityHeader    = "X-Identity-Header" // canonical form of X-IDENTITY-HEADER
)

var appServiceSelectors = map[string]selKind{
	"client_id":    selClientID,
	"object_id":    selObjectID,
	"principal_id": selObjectID, // App Service's older name for object_id
	"mi_res_id":    selResourceID,
}

var jsonContentType = []string{"application/json; charset=utf-8"}

func (a *Agent) serveAppService(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != appServicePath {
		writeAppServiceError(w, http.StatusNotFound, "not found")
		return
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		writeAppServiceError(w, http.StatusMethodNotAllowed, "only GET is supported")
		return
	}
	// The header is checked before anything else so that a caller without
	// it learns nothing, not even whether its query would parse.
	values := r.Header[identityHeader]
	if len(values) != 1 {
		writeAppServiceError(w, http.StatusUnauthorized, "missing or repeated X-IDENTITY-HEADER")
		return
	}
	sess := a.sessions.lookup(values[0])
	if sess == nil {
		writeAppServiceError(w, http.StatusUnauthorized, "invalid X-IDENTITY-HEADER")
		return
	}
	q, qerr := parseTokenQuery(r.URL.RawQuery, appServiceSelectors)
	switch {
	case qerr != nil:
		writeAppServiceError(w, http.StatusBadRequest, qerr.msg)
		return
	case !q.hasVersion:
		writeAppServiceError(w, http.StatusBadRequest, "api-version is required; this endpoint supports "+appServiceVersion)
		return
	case q.apiVersion != appServiceVersion:
		writeAppServiceError(w, http.StatusBadRequest, "unsupported api-version; this endpoint supports "+appServiceVersion)
		return
	}
	e, err := a.token(r.Context(), keyFor(protoAppService, sess.appID, &q), tokenRequest(sess.appID, &q))
	if err != nil {
		f := a.classify(err, sess.appID, q.audience)
		if f.retryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(f.retryAfter))
		}
		writeAppServiceError(w, f.appServiceStatus(), f.message)
		return
	}
	w.Header()["Content-Type"] = jsonContentType
	w.Write(e.body)
}

// renderAppService renders the body the SDKs parse (§1.6): expires_on as
// an epoch string; MSAL ignores resource and client_id but App Service
// sends them.
func renderAppService(tok fabric.Token) ([]byte, error) {
	return json.Marshal(struct {
		AccessToken string `json:"access_token"`
		ExpiresOn   string `json:"expires_on"`
		Resource    string `json:"resource"`
		TokenType   string `json:"token_type"`
		ClientID    string `json:"client_id"`
	}{tok.AccessToken, strconv.FormatInt(tok.ExpiresOn.Unix(), 10), tok.Audience, "Bearer", tok.ClientID})
}

func writeAppServiceError(w http.ResponseWriter, status int, msg string) {
	body, _ := json.Marshal(struct {
		StatusCode int    `json:"statusCode"`
		Message    string `json:"message"`
	}{status, msg})
	w.Header()["Content-Type"] = jsonContentType
	w.WriteHeader(status)
	w.Write(body)
}
