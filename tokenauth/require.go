package tokenauth

import (
	"net/http"
)

// Require returns middleware that lets a request through only when its
// caller holds dataAction at the scope scopeOf returns (an ARM resource
// ID such as "/subscriptions/…/resourceGroups/orders"), as Lanyard's
// check-access API decides. It verifies the token itself when Middleware
// has not already. A denial is 403 with Lanyard's reason; a failure to
// reach Lanyard is 503 (fail closed).
//
// The service's own identity (Options.Credential) needs
// Microsoft.Authorization/roleAssignments/read at the scope to ask about
// other principals: assign it Reader at or above the scope.
func (a *Authenticator) Require(dataAction string, scopeOf func(*http.Request) string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p, ok := FromContext(r.Context())
			if !ok {
				if p, ok = a.authenticate(w, r); !ok {
					return
				}
				r = r.WithContext(WithPrincipal(r.Context(), p))
			}
			scope := scopeOf(r)
			if scope == "" {
				writeJSONError(w, http.StatusForbidden, "forbidden", "The request names no resource to authorize.")
				return
			}
			d, err := a.CheckAccess(r.Context(), p.ObjectID, dataAction, scope)
			if err != nil {
				if r.Context().Err() != nil {
					return // the client went away
				}
				a.opts.Logger.Error("tokenauth: access check failed", "principal", p.ObjectID, "action", dataAction, "scope", scope, "err", err)
				writeJSONError(w, http.StatusServiceUnavailable, "temporarily_unavailable", "Access could not be checked; try again later.")
				return
			}
			if !d.Allowed {
				reason := d.Reason
				if reason == "" {
					reason = "The caller does not have " + dataAction + " at " + scope + "."
				}
				writeJSONError(w, http.StatusForbidden, "forbidden", reason)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}
