package access

import (
	"net/http"
	"strings"

	"github.com/lanyardhq/lanyard/internal/arm"
	"github.com/lanyardhq/lanyard/internal/authn"
	"github.com/lanyardhq/lanyard/internal/rbac"
	"github.com/lanyardhq/lanyard/internal/store"
)

// deleteDefinition deletes a custom role that is not assigned anywhere;
// the caller needs roleDefinitions/delete at each of its assignable scopes.
// It answers 200 with the deleted role, or 204 if there was none.
func (h *Handler) deleteDefinition(w http.ResponseWriter, r *arm.Request) {
	ctx := r.Context()
	at, name, err := extensionScope(r.ID)
	if err == nil {
		err = checkDefinitionName(name)
	}
	var c authn.Caller
	if err == nil {
		c, err = caller(r.Request)
	}
	id := strings.ToLower(name)
	if _, builtin := rbac.BuiltinByID(id); err == nil && builtin {
		err = errBuiltInImmutable
	}
	if err != nil {
		arm.WriteError(w, r.Request, err)
		return
	}
	var d store.RoleDefinition
	err = h.store.Update(ctx, func(tx store.Tx) error {
		var err error
		if d, err = tx.GetRoleDefinition(ctx, id); err != nil {
			return err
		}
		if err := h.authorizeAll(ctx, c, actDefinitionDelete, d.AssignableScopes); err != nil {
			return err
		}
		as, err := tx.ListAssignments(ctx, store.AssignmentFilter{RoleDefinitionID: id})
		if err != nil {
			return err
		}
		if len(as) > 0 {
			return arm.Errorf(http.StatusConflict, "RoleDefinitionHasAssignments",
				"The role definition cannot be deleted because it is used in %d role assignment(s); delete them first.", len(as))
		}
		return tx.DeleteRoleDefinition(ctx, id)
	})
	h.deleted(w, r, err, func() any { return renderDefinition(at.String(), d) })
}
