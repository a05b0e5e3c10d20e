package vault

import (
	"net/http"
	"strings"

	"github.com/lanyardhq/lanyard/internal/dataplane"
)

// challenge answers a request that could not be authenticated: 401 with
// the Bearer challenge azsecrets parses (PROTOCOLS §7.1). The SDK takes
// the tenant from the 4th '/'-field of authorization and the token scope
// from resource, and neither value may contain '=' or a space.
//
// The verifier's cause is not sent: it can name keys or the expected
// issuer. The messages follow Key Vault's AKV codes so that they read like
// Azure's in client logs.
func (h *Handler) challenge(w http.ResponseWriter, addr dataplane.Address, f *dataplane.AuthError) {
	w.Header().Set("WWW-Authenticate", `Bearer authorization="`+h.authority+`", resource="`+addr.Resource+`"`)
	var msg string
	switch f.Failure {
	case dataplane.MissingToken:
		msg = "AKV10000: Request is missing a Bearer or PoP token."
	case dataplane.WrongAudience:
		msg = "AKV10022: Invalid audience. Expected " + strings.Join(addr.Audiences, " or ") + ", found: " + f.Audience + "."
	case dataplane.ExpiredToken:
		msg = "AKV10026: The token has expired."
	default:
		msg = "AKV10032: Invalid token: its issuer, signature or format could not be verified."
	}
	writeError(w, &apiError{status: http.StatusUnauthorized, code: "Unauthorized", msg: msg})
}

// validAuthority reports whether a challenge built on s gives azsecrets a
// tenant: at least four '/'-separated fields ("https:", "", host, tenant),
// a non-empty tenant, and nothing the SDK's header parser splits on.
func validAuthority(s string) bool {
	parts := strings.Split(s, "/")
	return strings.HasPrefix(s, "https://") && len(parts) >= 4 && parts[3] != "" &&
		!strings.ContainsAny(s, `=" ,`)
}
