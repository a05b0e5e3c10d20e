package access

import (
	"net/http"

	"github.com/lanyardhq/lanyard/internal/arm"
	"github.com/lanyardhq/lanyard/internal/store"
)

// listPermissions answers GET {scope}/providers/Microsoft.Authorization/permissions:
// the caller's own effective permission blocks at the scope, one per role
// that applies there, as ARM returns them. Anyone may ask about themselves.
func (h *Handler) listPermissions(w http.ResponseWriter, r *arm.Request) {
	c, err := caller(r.Request)
	if err == nil {
		err = h.checkScope(r.Context(), r.ID)
	}
	if err != nil {
		arm.WriteError(w, r.Request, err)
		return
	}
	perms := h.idx.Permissions(c.PrincipalID, r.ID.String())
	out := list[store.Permission]{Value: make([]store.Permission, 0, len(perms))}
	for _, p := range perms {
		out.Value = append(out.Value, nonNilPermission(p))
	}
	arm.WriteJSON(w, http.StatusOK, out)
}
