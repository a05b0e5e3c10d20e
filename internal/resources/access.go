package resources

import (
	"context"
	"errors"
	"net/http"

	"github.com/lanyardhq/lanyard/internal/arm"
	"github.com/lanyardhq/lanyard/internal/authn"
	"github.com/lanyardhq/lanyard/internal/rbac"
)

// Action suffixes and the actions the handler checks besides <type>/<verb>.
const (
	actionAssign       = "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action"
	actionConfigList   = "Microsoft.Web/sites/config/list/action"
	actionConfigWrite  = "Microsoft.Web/sites/config/write"
	typeSubscriptions  = "Microsoft.Resources/subscriptions"
	typeGroups         = "Microsoft.Resources/resourceGroups"
	actionTypeOfGroups = "Microsoft.Resources/subscriptions/resourceGroups"
)

var errUnauthenticated = arm.Errorf(http.StatusUnauthorized, "AuthenticationFailed",
	"Authentication failed. The 'Authorization' header is missing or its token was not accepted.")

// caller returns the authenticated caller; a request without one never
// reaches a handler in production (authn middleware), but the handler does
// not rely on that.
func caller(r *arm.Request) (authn.Caller, error) {
	c, ok := authn.FromContext(r.Context())
	if !ok || c.PrincipalID == "" {
		return authn.Caller{}, errUnauthenticated
	}
	return c, nil
}

// actionType maps a stored resource type to the type used in its actions:
// ARM names resource-group actions under subscriptions.
func actionType(typ string) string {
	if typ == typeGroups {
		return actionTypeOfGroups
	}
	return typ
}

func (h *Handler) authorize(ctx context.Context, c authn.Caller, action, scope string) error {
	return h.cfg.Authz.Authorize(ctx, c, action, scope)
}

// canRead reports whether c may read the resource at id; a denial is false,
// any other failure is an error (lists must not silently shrink on faults).
func (h *Handler) canRead(ctx context.Context, c authn.Caller, typ, id string) (bool, error) {
	err := h.authorize(ctx, c, actionType(typ)+"/read", id)
	if err == nil {
		return true, nil
	}
	var denied *rbac.DeniedError
	if errors.As(err, &denied) {
		return false, nil
	}
	return false, err
}
